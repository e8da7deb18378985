/**
 * CDK entry (`cdk.json`: `npx tsx infra/app.ts`). Validates the definition and bundles every resolver
 * and Lambda (synchronous esbuild) BEFORE the stack is created, so the template references exactly the
 * bundles `npm run build` makes and the local runtime runs. Configuration errors print one line.
 */
import { api } from '../api/definition.ts';
import { isConfigError } from '../api/config-error.ts';
import { validateDefinition } from '../api/validate.ts';
import { bundleAll } from '../api/bundle.ts';
import { createAssetApiApp } from './create-app.ts';

try {
  validateDefinition(api);
  bundleAll(api);
  createAssetApiApp({ api }).app.synth();
} catch (error) {
  if (!isConfigError(error)) throw error;
  process.stderr.write(`Configuration error: ${error.message}\n`);
  process.exitCode = 1;
}

/**
 * Builds the CDK app: reads the deployment config from context, creates the stack from the definition
 * and registers cdk-nag's AwsSolutions pack as a validation plugin, so every synth (CLI or test)
 * checks the template. Bundling happens before this (see `infra/app.ts`).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { api as definition } from '../api/definition.ts';
import type { ApiDefinition } from '../api/types.ts';
import { AssetApiStack } from './asset-api-stack.ts';
import { loadInfraConfig, stackName, type InfraConfig } from './config.ts';

// Both live in CDK-free modules so tools that only need the stack's name (the contract suite's AWS
// target) do not load the CDK; re-exported here for the app's callers.
export { loadCdkJsonContext } from './cdk-json.ts';
export { stackName } from './config.ts';

export interface CreateAssetApiAppOptions {
  /** The definition to build from. @default the one in api/definition.ts */
  readonly api?: ApiDefinition;
  /** Context for the app. @default what the CDK CLI passes (cdk.json and -c values) */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Cloud assembly folder. @default what the CDK CLI passes, else a temporary folder */
  readonly outdir?: string;
}

export interface AssetApiApp {
  readonly app: App;
  readonly stack: AssetApiStack;
  readonly config: InfraConfig;
  /** The AwsSolutions pack registered on the app; `nag.validateScope(app)` lists unacknowledged findings. */
  readonly nag: AwsSolutionsChecks;
}

export function createAssetApiApp(options: CreateAssetApiAppOptions = {}): AssetApiApp {
  const app = new App({
    ...(options.context ? { context: { ...options.context } } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const config = loadInfraConfig(app.node);
  const api = options.api ?? definition;
  const stack = new AssetApiStack(app, stackName(config.stage), {
    api,
    config,
    description: `${api.name} (${config.stage}): AppSync GraphQL API for file assets, generated from api/definition.ts`,
  });
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return { app, stack, config, nag };
}

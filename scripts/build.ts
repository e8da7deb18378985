/** `npm run build`: validate the definition and bundle every resolver and Lambda into `dist/`. */
import { api } from '../api/definition.ts';
import { validateDefinition } from '../api/validate.ts';
import { bundleAll } from '../api/bundle.ts';
import { relative } from 'node:path';
import { PROJECT_ROOT } from '../api/paths.ts';

validateDefinition(api);
const { resolvers, lambdas } = bundleAll(api);
for (const b of [...resolvers, ...lambdas]) {
  process.stdout.write(`${relative(PROJECT_ROOT, b.outfile).padEnd(48)} ${String(b.bytes).padStart(8)} bytes  <- ${b.source}\n`);
}

/** Bundles every resolver and Lambda once before the tests, so tests load the files that ship. */
import { api } from '../api/definition.ts';
import { validateDefinition } from '../api/validate.ts';
import { bundleAll } from '../scripts/bundle.ts';

export default function setup(): void {
  validateDefinition(api);
  bundleAll(api);
}

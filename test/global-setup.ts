/** Bundles every resolver and Lambda once before the tests, so tests load the files that ship. */
import { api } from '../api/definition.ts';
import { validateDefinition } from '../api/validate.ts';
import { DEFAULT_STATE_DIR } from '../local/config.ts';
import { loadLocalCa } from '../local/tls/local-ca.ts';
import { bundleAll } from '../api/bundle.ts';

export default function setup(): void {
  validateDefinition(api);
  bundleAll(api);
  // The CA that vitest.config.ts names in NODE_EXTRA_CA_CERTS must exist before the workers start.
  loadLocalCa(DEFAULT_STATE_DIR);
}

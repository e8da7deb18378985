/**
 * Credentials for tests that build their own authenticator, verifier or store (unit tests, embedded
 * emulators, which accept any key). A server under test has its own, generated per installation:
 * integration tests read them from `LocalServer.backendCredentials`, black-box tests from the file
 * the banner names.
 */
import type { AwsCredentials } from '../../local/config.ts';

export const TEST_CREDENTIALS: AwsCredentials = Object.freeze({
  accessKeyId: 'AKIATESTONLY0000000',
  secretAccessKey: 'test-only-secret-access-key/0000000000000',
});

/**
 * The contract suite against an endpoint that is already running (see targets/endpoint.ts for the
 * variables), e.g. a `npm start` in another terminal:
 *
 *   ASSET_API_TARGET=endpoint ENDPOINT=http://127.0.0.1:4000/graphql API_KEY=da2-localdevelopmentapikey0000 \
 *     AWS_ACCESS_KEY_ID=<accessKeyId> AWS_SECRET_ACCESS_KEY=<secretAccessKey> \
 *     npx vitest run test/contract/endpoint.contract.test.ts
 *
 * (the IAM keys are the ones in the file `npm start` names on its `IAM keys:` line).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { describeContract } from './suite.ts';
import { createEndpointTarget } from './targets/endpoint.ts';
import type { ContractTarget } from './target.ts';

const SELECTED = process.env['ASSET_API_TARGET'] === 'endpoint';

// An accepted, noted skip: without ASSET_API_TARGET=endpoint there is no endpoint to test (`npm test`
// runs the same suite against the real `npm start` in npm-start.contract.test.ts).
describe.skipIf(!SELECTED)('endpoint target (ASSET_API_TARGET=endpoint; skipped otherwise: no endpoint given)', () => {
  let target: ContractTarget | null = null;
  beforeAll(() => {
    // Throws naming the missing variable, which fails every test below with that message.
    target = createEndpointTarget(process.env);
  });
  afterAll(async () => {
    await target?.close();
  });

  describeContract(() => {
    if (target === null) throw new Error('the endpoint target was not created (see the first failure)');
    return target;
  }, process.env['ENDPOINT'] ?? 'endpoint');
});

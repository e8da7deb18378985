/**
 * The contract suite: one set of black-box tests that every target must pass (STYLE 19): the real
 * `npm start` (cold and warm, over HTTP/WS and TLS), any running endpoint, and a deployed stack. It
 * talks only HTTP, WebSocket and the S3 URLs the API hands out; it never imports the server.
 *
 * `describeContract(getTarget)` registers the describe blocks; `getTarget` is called when they run
 * (in `beforeAll`/tests), so a test file can start the target in its own `beforeAll` first. Tests
 * create what they need under unique names and compare lists with what was there before, so they
 * pass against a target that already holds data, in any order, and more than once.
 */
import { describe } from 'vitest';
import { describeClients } from './suite-clients.ts';
import { describeErrors } from './suite-errors.ts';
import { describeUploadFlow } from './suite-flow.ts';
import { describeRealtime } from './suite-realtime.ts';
import type { ContractTarget } from './target.ts';

/**
 * Registers the whole contract. `label` names the describe block (the target's own `label` is only
 * known once it has started); several calls in one file need distinct labels.
 */
export function describeContract(getTarget: () => ContractTarget, label = 'target'): void {
  describe(`contract: ${label}`, () => {
    describeUploadFlow(getTarget);
    describeErrors(getTarget);
    describeRealtime(getTarget);
    describeClients(getTarget);
  });
}

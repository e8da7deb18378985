/**
 * The contract suite against the product as users run it: `npm start -- --port 0` in a fresh copy of
 * the checkout, first COLD (no dist/: it builds the bundles), then WARM in the same copy (every cache
 * present: the server bundle must be reused, not rebuilt). Each start is tested over http:// + ws://
 * and over https:// + wss:// on the same port, then stopped with Ctrl-C.
 *
 * One file, run in order: the copy, the two processes and the four suites depend on each other by
 * design. It runs in the `trusts-local-ca` vitest project: Amplify and Apollo use Node's own TLS,
 * which trusts the local CA only through NODE_EXTRA_CA_CERTS (see vitest.config.ts); `npm start`
 * without --data-dir uses that same CA.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLD_START_TIMEOUT_MS, copyCheckout, type CheckoutCopy } from '../support/npm-start.ts';
import { describeContract } from './suite.ts';
import { startNpmStartTargets, type NpmStartTargets } from './targets/npm-start.ts';

/** The line `scripts/bundle-server.ts` prints when it (re)builds the server bundle. */
const SERVER_BUILD_LINE = /^dist\/local\/main\.cjs: \d+ bytes from \d+ inputs in \d+ ms$/;
/** Stopping waits for open sockets and the stores to close. */
const STOP_TIMEOUT_MS = 30_000;

function serverBundle(root: string): string {
  return join(root, 'dist', 'local', 'main.cjs');
}

describe('npm start in a fresh checkout: cold, then warm', () => {
  let copy: CheckoutCopy;
  let running: NpmStartTargets | null = null;
  let coldBundleMtime = 0;

  beforeAll(() => {
    copy = copyCheckout('asset-api-contract-');
  });

  afterAll(async () => {
    await running?.stop();
    copy?.remove();
  }, STOP_TIMEOUT_MS);

  /** The running start's targets; throws (failing the suite's hooks) if it did not start. */
  function current(): NpmStartTargets {
    if (running === null) throw new Error('npm start is not running (see the start-up failure above)');
    return running;
  }

  /** Stops the current start and checks it shut down cleanly on Ctrl-C. */
  async function stopCleanly(): Promise<void> {
    const targets = current();
    running = null;
    const exit = await targets.stop();
    // npm re-raises the SIGINT its script got once the script exited; the server logs its shutdown.
    expect({ exit, shutdown: targets.started.lines.includes('SIGINT: shutting down'), errors: targets.started.lines.filter((line) => /error|warning|uncaught/i.test(line)) }).toEqual({
      exit: { code: null, signal: 'SIGINT' },
      shutdown: true,
      errors: [],
    });
  }

  describe('cold start (no dist/)', () => {
    beforeAll(async () => {
      expect(existsSync(join(copy.root, 'dist'))).toBe(false);
      running = await startNpmStartTargets({ cwd: copy.root, label: 'cold' });
      coldBundleMtime = statSync(serverBundle(copy.root)).mtimeMs;
    }, COLD_START_TIMEOUT_MS);

    it('builds the server bundle before it prints the banner', () => {
      const { started } = current();
      expect(started.lines.filter((line) => SERVER_BUILD_LINE.test(line))).toEqual([expect.stringMatching(SERVER_BUILD_LINE)]);
    });

    describeContract(() => current().http, 'npm start (cold, http)');
    describeContract(() => current().tls, 'npm start (cold, tls)');

    it('shuts down on Ctrl-C', { timeout: STOP_TIMEOUT_MS }, stopCleanly);
  });

  describe('warm start (every cache present)', () => {
    beforeAll(async () => {
      running = await startNpmStartTargets({ cwd: copy.root, label: 'warm' });
    }, COLD_START_TIMEOUT_MS);

    it('reuses the server bundle: no build line, the bundle file untouched', () => {
      const { started } = current();
      expect({ buildLines: started.lines.filter((line) => SERVER_BUILD_LINE.test(line)), bundleMtime: statSync(serverBundle(copy.root)).mtimeMs }).toEqual({
        buildLines: [],
        bundleMtime: coldBundleMtime,
      });
    });

    describeContract(() => current().http, 'npm start (warm, http)');
    describeContract(() => current().tls, 'npm start (warm, tls)');

    it('shuts down on Ctrl-C', { timeout: STOP_TIMEOUT_MS }, stopCleanly);
  });
});

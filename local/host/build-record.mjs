// @ts-check
/**
 * The one answer to "is this build output stale?" for everything `npm start` builds: the server
 * bundle (`dist/local/main.cjs`), the resolver and Lambda bundles (`dist/resolvers/`, `dist/lambda/`)
 * and the browser pages (`dist/explorer/`). Plain JavaScript with JSDoc types, so `scripts/start.mjs`
 * can use it before any loader exists; TypeScript reads the same types through `checkJs`.
 *
 * Each build writes one record next to its outputs (`<name>.build.json`):
 *   { "version": 1, "root": "<checkout>", "inputs": ["<relative path>", ...], "outputs": [...] }
 * The record's mtime is set to the moment the build STARTED, so a file edited during a build makes the
 * record stale at once. A build is fresh when the record exists, was written in this checkout (the
 * bundles hold absolute paths), names this format version, every output exists, and no input changed
 * after the record's mtime. Inputs under `node_modules/` are not checked one by one: npm rewrites
 * `node_modules/.package-lock.json` on every install, so its mtime stands for all of them.
 *
 * The table of caches (what each keys on, when it is rebuilt, how to clear it) is in README.md.
 */
import { mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';

/** Bumped when the record's meaning changes; a record of another version is stale. */
export const BUILD_RECORD_VERSION = 1;

/**
 * @typedef {object} BuildRecord
 * @property {1} version
 * @property {string} root The checkout the outputs were built in.
 * @property {readonly string[]} inputs Every input, relative to `root`.
 * @property {readonly string[]} outputs Every output, relative to `root`.
 */

/**
 * @typedef {{ readonly fresh: true } | { readonly fresh: false, readonly reason: string }} Freshness
 */

/** @param {string} file @returns {number | undefined} */
function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * @param {unknown} value
 * @returns {value is BuildRecord}
 */
function isBuildRecord(value) {
  if (typeof value !== 'object' || value === null) return false;
  const v = /** @type {Record<string, unknown>} */ (value);
  const isStrings = (/** @type {unknown} */ list) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  return v['version'] === BUILD_RECORD_VERSION && typeof v['root'] === 'string' && isStrings(v['inputs']) && isStrings(v['outputs']);
}

/**
 * The record at `file`, or undefined when it is missing, unreadable or of another shape.
 * @param {string} file
 * @returns {BuildRecord | undefined}
 */
export function readBuildRecord(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    /** @type {unknown} */
    const value = JSON.parse(text);
    return isBuildRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the outputs the record at `file` describes are up to date in the checkout `root`, and if
 * not, why (for `--verbose` logs and tests).
 * @param {string} file
 * @param {string} root
 * @returns {Freshness}
 */
export function checkBuildRecord(file, root) {
  const builtAt = mtimeMs(file);
  const record = builtAt === undefined ? undefined : readBuildRecord(file);
  if (builtAt === undefined || record === undefined) return { fresh: false, reason: `no usable build record at ${relative(root, file)}` };
  if (record.root !== root) return { fresh: false, reason: `built in another checkout (${record.root})` };
  for (const output of record.outputs) {
    if (mtimeMs(join(root, output)) === undefined) return { fresh: false, reason: `output ${output} is missing` };
  }
  const checked = [join('node_modules', '.package-lock.json'), ...record.inputs.filter((input) => !input.startsWith(`node_modules/`) && !input.includes('/node_modules/'))];
  for (const input of checked) {
    const changed = mtimeMs(isAbsolute(input) ? input : join(root, input));
    if (changed === undefined) return { fresh: false, reason: `input ${input} is gone` };
    if (changed > builtAt) return { fresh: false, reason: `input ${input} changed after the build` };
  }
  return { fresh: true };
}

/**
 * Writes the record atomically (a temporary name, then rename) with `startedAt` as its mtime.
 * @param {string} file
 * @param {{ readonly root: string, readonly inputs: Iterable<string>, readonly outputs: Iterable<string>, readonly startedAt: Date }} build
 */
export function writeBuildRecord(file, build) {
  /** @type {BuildRecord} */
  const record = {
    version: BUILD_RECORD_VERSION,
    root: build.root,
    inputs: [...new Set(build.inputs)].sort(),
    outputs: [...new Set(build.outputs)].sort(),
  };
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 1)}\n`);
  utimesSync(temporary, build.startedAt, build.startedAt);
  renameSync(temporary, file);
}

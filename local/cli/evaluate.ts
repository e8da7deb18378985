/**
 * `npm run evaluate -- --code <file> --function request|response --context <file>`: the local twin of
 * `aws appsync evaluate-code --runtime name=APPSYNC_JS,runtimeVersion=1.0.0 --code file://x.js
 * --context file://ctx.json --function request`. A `.ts` resolver is bundled first exactly as the
 * build does. Prints the response JSON as the AWS CLI does (4-space indent); exits 1 on an error.
 */
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateCode, type EvaluateCodeResult } from '../runtime/index.ts';
import { RESOLVER_BUILD_OPTIONS } from '../../api/bundle.ts';

const USAGE = 'usage: npm run evaluate -- --code <file.js|file.ts> --function request|response|before|after --context <context.json>';

function parseArgs(argv: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) args.set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      args.set(arg.slice(2), value);
      i += 1;
    }
  }
  return args;
}

/** Accepts `file://x.js` as the AWS CLI does, or a plain path. */
function filePath(value: string): string {
  return resolve(value.startsWith('file://') ? value.slice('file://'.length) : value);
}

function loadCode(path: string): string {
  if (!path.endsWith('.ts')) return readFileSync(path, 'utf8');
  const result = buildSync({ ...RESOLVER_BUILD_OPTIONS, entryPoints: [path], write: false, outfile: 'code.js' });
  const output = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!output) throw new Error(`esbuild produced no bundle for ${path}`);
  return output.text;
}

function runEvaluateCli(argv: readonly string[]): { output: string; exitCode: number } {
  let args: Map<string, string>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return { output: `${(e as Error).message}\n${USAGE}`, exitCode: 2 };
  }
  const code = args.get('code');
  // A pipeline resolver's before/after handlers are its request/response exports.
  const given = args.get('function') ?? 'request';
  const fn = given === 'before' ? 'request' : given === 'after' ? 'response' : given;
  const context = args.get('context');
  if (code === undefined || context === undefined || (fn !== 'request' && fn !== 'response')) return { output: USAGE, exitCode: 2 };
  let result: EvaluateCodeResult;
  try {
    result = evaluateCode({ code: loadCode(filePath(code)), function: fn, context: readFileSync(filePath(context), 'utf8') });
  } catch (e) {
    return { output: `evaluate: ${(e as Error).message}`, exitCode: 2 };
  }
  return { output: JSON.stringify(result, null, 4), exitCode: result.error ? 1 : 0 };
}

// The response JSON goes to stdout even when it carries an `error` (the API call itself succeeded).
const { output, exitCode } = runEvaluateCli(process.argv.slice(2));
(exitCode === 2 ? process.stderr : process.stdout).write(`${output}\n`);
process.exitCode = exitCode;

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../api/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'evaluate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'local/cli/evaluate.ts'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run evaluate (mirrors aws appsync evaluate-code; API_EvaluateCode.html response members)', () => {
  it('bundles a .ts resolver, evaluates the request handler and prints the AWS CLI JSON', () => {
    const code = join(dir, 'Query.getThing.ts');
    writeFileSync(code, [
      "import { util, type Context } from '@aws-appsync/utils';",
      "import { get } from '@aws-appsync/utils/dynamodb';",
      'export function request(ctx: Context<{ id: string }>) {',
      "  console.log('id', ctx.args.id);",
      '  ctx.stash.asked = true;',
      '  return get({ key: { id: ctx.args.id } });',
      '}',
      'export function response(ctx: Context) {',
      '  if (ctx.error) util.error(ctx.error.message, ctx.error.type);',
      '  return ctx.result;',
      '}',
    ].join('\n'));
    const context = join(dir, 'ctx.json');
    writeFileSync(context, JSON.stringify({ arguments: { id: 'a1' } }));
    const r = runCli(['--code', `file://${code}`, '--function', 'request', '--context', `file://${context}`]);
    expect(r).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ evaluationResult: '{"operation":"GetItem","key":{"id":{"S":"a1"}}}', logs: ['INFO - code.js:5:3: "id" "a1"'], stash: '{"asked":true}' }, null, 4)}\n`,
      stderr: '',
    });
  });

  it('prints code errors for forbidden syntax and exits non-zero', () => {
    const code = join(dir, 'bad.js');
    writeFileSync(code, 'export function request(ctx) {\n  try { return 1; } catch (e) { return 2; }\n}\nexport function response(ctx) { return ctx.result; }\n');
    const context = join(dir, 'empty.json');
    writeFileSync(context, '{}');
    const r = runCli(['--code', code, '--function', 'request', '--context', context]);
    expect(r).toEqual({
      status: 1,
      stdout: `${JSON.stringify({
        error: { message: 'The code contains one or more errors', codeErrors: [{ errorType: 'LINT_ERROR', value: 'Try statements are not supported. (@aws-appsync/no-try)', location: { line: 2, column: 3, span: 41 } }] },
        logs: [],
      }, null, 4)}\n`,
      stderr: '',
    });
  });
});

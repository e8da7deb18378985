/**
 * `npm run lint` rules, run through ESLint's API: the resolvers must pass, and the AppSync rules must
 * really be active on resolver code (and only there).
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../api/paths.ts';

// With CI=true typescript-eslint infers a "single run" and never updates its TypeScript program, so
// lintText of a resolver path would be type-checked against the file on disk, not the text given.
// `npm run lint` lints files as they are on disk, where single-run mode is right.
const eslint = new ESLint({
  cwd: PROJECT_ROOT,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { disallowAutomaticSingleRunInference: true } } }],
});

/** Code APPSYNC_JS rejects: try/catch, while, `++`, a class, a regex literal, an assignment to ctx. */
const FORBIDDEN = `export function request(ctx) {
  let n = 0;
  try {
    while (n < 3) {
      n++;
    }
  } catch (e) {
    return e;
  }
  ctx.result = /x+/.test('xx');
  return n;
}
export class Handler {}
`;

function ruleIds(results: ESLint.LintResult[]): (string | null)[] {
  return results.flatMap((r) => r.messages.map((m) => m.ruleId)).sort();
}

describe('lint', () => {
  // Type-aware linting builds a TypeScript program of the resolvers: a few CPU seconds, more on a busy machine.
  it('finds no errors in resolvers/ (APPSYNC_JS code and the Lambda handlers)', { timeout: 45_000 }, async () => {
    const results = await eslint.lintFiles(['resolvers']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
    expect(errors).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
  });

  it("applies @aws-appsync/eslint-plugin's rules to resolver files", async () => {
    const results = await eslint.lintText(FORBIDDEN, { filePath: join(PROJECT_ROOT, 'resolvers/Query.getAsset.ts') });
    expect(ruleIds(results)).toEqual([
      '@aws-appsync/no-classes',
      '@aws-appsync/no-disallowed-re-assignment',
      '@aws-appsync/no-disallowed-unary-operators',
      '@aws-appsync/no-regex',
      '@aws-appsync/no-try',
      '@aws-appsync/no-while',
    ]);
  });

  it("applies the type-aware AppSync rules (no-recursion, no-disallowed-methods) with the resolvers' tsconfig", async () => {
    const code = `export function request(ctx) {\n  return Object.freeze(walk(ctx.args.n));\n}\nfunction walk(n) {\n  return n > 0 ? walk(n - 1) : 'x'.padStart(3);\n}\n`;
    const results = await eslint.lintText(code, { filePath: join(PROJECT_ROOT, 'resolvers/functions/putAsset.ts') });
    expect(results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`))).toEqual([
      '2:10 @aws-appsync/no-disallowed-methods: Method ObjectConstructor.freeze is not implemented',
      '2:24 @aws-appsync/no-recursion: Recursive function calls not supported. Detected cycle in walk <-walk',
      '5:18 @aws-appsync/no-recursion: Recursive function calls not supported. Detected cycle in walk <-walk',
      '5:32 @aws-appsync/no-disallowed-methods: Method String.padStart is not implemented',
    ]);
  });

  it('does not apply the AppSync rules to the Lambda handlers, which run on Node', async () => {
    const results = await eslint.lintText(FORBIDDEN, { filePath: join(PROJECT_ROOT, 'resolvers/lambda/asset-urls.ts') });
    expect(ruleIds(results)).toEqual([]);
  });
});

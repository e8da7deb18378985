import { describe, expect, it } from 'vitest';
import { CODE_SIZE_LIMIT, compileResolver, evaluateCode, isCodeValidationError, type CodeError } from '../../../local/runtime/index.ts';
import { RUNTIME } from './runtime-mode.ts';

/** Compiles `body` as the request handler's body; returns the code errors (empty when accepted). */
function errorsOf(code: string): readonly CodeError[] {
  try {
    compileResolver(code, 'code.js', RUNTIME);
    return [];
  } catch (e) {
    if (isCodeValidationError(e)) return e.codeErrors;
    throw e;
  }
}

const wrap = (body: string): string => `export function request(ctx) {\n  ${body}\n}\nexport function response(ctx) { return ctx.result; }\n`;

describe('save-time syntax checks (docs/APPSYNC-BEHAVIOUR.md#js-language-subset, @aws-appsync/eslint-plugin base rules; supported-features.html)', () => {
  const cases: [string, string, string, number, number, number][] = [
    ['no-try', 'try { ctx.stash.a = 1; } catch (e) { }', 'Try statements are not supported. (@aws-appsync/no-try)', 2, 3, 38],
    ['no-throw', 'throw new Error("x");', 'Throw statements are not supported. Use util.error(). (@aws-appsync/no-throw)', 2, 3, 21],
    ['no-while', 'while (ctx.args.a) { }', 'While statements are not supported. (@aws-appsync/no-while)', 2, 3, 22],
    ['no-while (do-while)', 'do { } while (ctx.args.a);', 'do...while statements are not supported. (@aws-appsync/no-while)', 2, 3, 26],
    ['no-for', 'for (let i = 0; i < 2; i += 1) { }', 'For statements are not supported. (@aws-appsync/no-for)', 2, 3, 34],
    ['no-continue', 'for (const x of ctx.args.list) { if (x) continue; }', 'Continue statements are not supported (@aws-appsync/no-continue)', 2, 43, 9],
    ['no-labels', 'outer: for (const x of ctx.args.list) { break outer; }', 'Labeled statements are not supported. (@aws-appsync/no-labels)', 2, 3, 54],
    ['no-classes', 'class A { }', 'Class declarations are not supported. (@aws-appsync/no-classes)', 2, 3, 11],
    ['no-this', 'return this;', 'This expressions are not supported. (@aws-appsync/no-this)', 2, 10, 4],
    ['no-regex', 'return /a+/.test("a");', 'Regex literals are not supported. (@aws-appsync/no-regex)', 2, 10, 4],
    ['no-promise', 'return new Promise(ctx.args.f);', 'Promise is not supported (@aws-appsync/no-promise)', 2, 10, 23],
    ['no-in-operator', 'return "a" in ctx.args;', 'in operator is not supported. Use Object.hasOwn(). (@aws-appsync/no-in-operator)', 2, 10, 15],
    ['no-disallowed-unary-operators', 'let i = 0; i++;', 'The operator ++ is not supported (@aws-appsync/no-disallowed-unary-operators)', 2, 14, 3],
    ['no-disallowed-binary-operators', 'return ctx.args instanceof Object;', 'The operator instanceof is not supported (@aws-appsync/no-disallowed-binary-operators)', 2, 10, 26],
    ['no-disallowed-re-assignment', 'ctx.stash = {};', 'ctx is readonly. Adding/Updating stash is not supported. (@aws-appsync/no-disallowed-re-assignment)', 2, 3, 9],
  ];
  it.each(cases)('%s: rejected with the rule and the position', (_rule, body, value, line, column, span) => {
    expect(errorsOf(wrap(body))).toEqual([{ errorType: 'LINT_ERROR', value, location: { line, column, span } }]);
  });

  it('async functions, await, generators and yield are rejected by their rules', () => {
    const code = 'export async function request(ctx) { return await ctx.args; }\nfunction* gen() { yield 1; }\nexport function response(ctx) { return ctx.result; }\n';
    expect(errorsOf(code).map((e) => e.value)).toEqual([
      'Async functions are not supported. (@aws-appsync/no-async)',
      'The `await` keyword is not supported (@aws-appsync/no-await)',
      'Generator functions are not supported. (@aws-appsync/no-generators)',
      'Yield statements are not supported (@aws-appsync/no-yield)',
    ]);
  });

  it('a parse error is a PARSER_ERROR with its position', () => {
    expect(errorsOf('export function request(ctx) {\n  return "unterminated;\n}\n')).toEqual([
      { errorType: 'PARSER_ERROR', value: 'Parsing error: Unterminated string constant', location: { line: 2, column: 10, span: 0 } },
    ]);
  });

  it('accepts what AppSync allows: for-of, for-in, switch, spread, template literals, arrow functions, ctx.stash writes at depth 2', () => {
    const code = wrap('const out = [];\n  for (const x of ctx.args.list) { out.push(`${x}`); }\n  for (const k in ctx.args) { out.push(k); }\n  switch (out.length) { case 0: break; default: out.push(0); }\n  ctx.stash.seen = [...out].map((x) => x);\n  return out;');
    expect(errorsOf(code)).toEqual([]);
  });
});

describe('save-time module checks (docs/APPSYNC-BEHAVIOUR.md#js-module-format)', () => {
  it('rejects imports other than the built-in modules', () => {
    expect(errorsOf(`import { x } from 'lodash';\n${wrap('return 1;')}`)).toEqual([
      { errorType: 'VALIDATION_ERROR', value: "Cannot find module 'lodash': only the built-in @aws-appsync modules can be imported; bundle everything else", location: { line: 1, column: 1, span: 27 } },
    ]);
  });
  it('rejects a name the built-in module does not export (AppSync: TS2339)', () => {
    expect(errorsOf(`import { nope } from '@aws-appsync/utils/dynamodb';\n${wrap('return 1;')}`)).toEqual([
      { errorType: 'VALIDATION_ERROR', value: "Module '@aws-appsync/utils/dynamodb' has no exported member 'nope'", location: { line: 1, column: 10, span: 4 } },
    ]);
  });
  it('rejects code without a response export', () => {
    expect(errorsOf('export function request(ctx) { return {}; }\n')).toEqual([
      { errorType: 'VALIDATION_ERROR', value: 'The code must export a response function', location: { line: 1, column: 1, span: 0 } },
    ]);
  });
});

describe('limits (docs/APPSYNC-BEHAVIOUR.md#js-code-size-limit; API_Resolver.html code length)', () => {
  it(`rejects code longer than ${CODE_SIZE_LIMIT} characters`, () => {
    const code = wrap('return 1;') + `// ${'x'.repeat(CODE_SIZE_LIMIT)}\n`;
    expect(errorsOf(code)).toEqual([
      { errorType: 'VALIDATION_ERROR', value: `The code is ${code.length} characters; AppSync accepts at most ${CODE_SIZE_LIMIT}`, location: { line: 1, column: 1, span: code.length } },
    ]);
  });
  it(`accepts code of exactly ${CODE_SIZE_LIMIT} characters`, () => {
    const base = wrap('return 1;') + '// ';
    expect(errorsOf(base + 'x'.repeat(CODE_SIZE_LIMIT - base.length))).toEqual([]);
  });
});

describe('save-time no-recursion check (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html: "Recursive function calls are not supported"; @aws-appsync/no-recursion)', () => {
  const lint = (value: string, line: number, column: number, span: number): CodeError => ({
    errorType: 'LINT_ERROR', value: `Recursive function calls not supported. Detected cycle in ${value} (@aws-appsync/no-recursion)`, location: { line, column, span },
  });
  const handlers = (requestBody: string): string => `export function request(ctx) {\n  ${requestBody}\n}\nexport function response(ctx) { return ctx.result; }\n`;

  it('rejects direct recursion in EvaluateCode, reporting the recursive call and the call into the recursive function', () => {
    const code = `function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }\n${handlers('return fact(3);')}`;
    expect(evaluateCode({ code, function: 'request', context: '{}' }, RUNTIME)).toEqual({
      error: { message: 'The code contains one or more errors', codeErrors: [lint('fact <-fact', 1, 44, 11), lint('fact <-fact', 3, 10, 7)] },
      logs: [],
    });
  });
  it('rejects mutual recursion between a const arrow function and a function declaration', () => {
    const code = `const isEven = (n) => n === 0 ? true : isOdd(n - 1);\nfunction isOdd(n) { return n === 0 ? false : isEven(n - 1); }\n${handlers('return isEven(4);')}`;
    expect(errorsOf(code)).toEqual([
      lint('isEven <-isOdd <-isEven', 1, 40, 12),
      lint('isOdd <-isEven <-isOdd', 2, 46, 13),
      lint('isEven <-isOdd <-isEven', 4, 10, 9),
    ]);
  });
  it('rejects a cycle through a function nested in the recursive one', () => {
    const code = `function walk(n) {\n  const step = (m) => walk(m - 1);\n  return n > 0 ? step(n) : 0;\n}\n${handlers('return walk(2);')}`;
    expect(errorsOf(code)).toEqual([
      lint('step <-walk <-step', 2, 23, 11),
      lint('walk <-step <-walk', 3, 18, 7),
      lint('walk <-step <-walk', 6, 10, 7),
    ]);
  });
  it('accepts a parameter, a local variable or a method that shares a function\'s name, and functions calling each other without a cycle', () => {
    const code = [
      'function fact(fact) { return fact.n; }',
      'function twice(n) { const twice = n * 2; return twice; }',
      'const helpers = { fact(n) { return n; }, twice: (n) => helpers.fact(n) };',
      'function leaf(n) { return n + 1; }',
      'function left(n) { return leaf(n); }',
      'function right(n) { return leaf(leaf(n)); }',
      handlers('return [fact({ n: 1 }), twice(2), helpers.fact(3), helpers.twice(4), left(1) + right(1), [1, 2].map((x) => leaf(x))];'),
    ].join('\n');
    expect([errorsOf(code), evaluateCode({ code, function: 'request', context: '{}' }, RUNTIME).evaluationResult]).toEqual([[], '[1,4,3,4,5,[2,3]]']);
  });
});

import { describe, expect, it } from 'vitest';
import { compileResolver, evaluateCode } from '../../../local/runtime/index.ts';
import type { ResolverContextInput } from '../../../local/runtime/index.ts';
import { evalModule } from './evaluate.ts';
import { RUNTIME } from './runtime-mode.ts';

describe('EvaluateCode logs (https://docs.aws.amazon.com/appsync/latest/devguide/test-debug-resolvers-js.html)', () => {
  it('returns the documented Dog example: INFO - code.js:<line>:<column of the call>: and the JSON-encoded argument', () => {
    const code = [
      "import { util } from '@aws-appsync/utils';",
      '',
      'export function request(ctx) {',
      '  return {',
      "    operation: 'PutItem',",
      '    key: util.dynamodb.toMapValues({ id: util.autoId() }),',
      '    attributeValues: util.dynamodb.toMapValues(ctx.args),',
      '  };',
      '}',
      '',
      'export function response(ctx) {',
      "  if (ctx.identity.username === 'Nadia') {",
      '    console.log("This request is allowed")',
      '    return ctx.result;',
      '  }',
      '  util.unauthorized();',
      '}',
      '',
    ].join('\n');
    const context = {
      arguments: { firstname: 'Shaggy', age: 4 },
      source: {},
      result: { breed: 'Miniature Schnauzer', color: 'black_grey' },
      identity: { sub: 'uuid', issuer: ' https://cognito-idp.{region}.amazonaws.com/{userPoolId}', username: 'Nadia', claims: {}, sourceIp: ['x.x.x.x'], defaultAuthStrategy: 'ALLOW' },
    };
    expect(evaluateCode({ code, function: 'response', context: JSON.stringify(context) }, RUNTIME)).toEqual({
      evaluationResult: '{"breed":"Miniature Schnauzer","color":"black_grey"}',
      logs: ['INFO - code.js:13:5: "This request is allowed"'],
      stash: '{}',
    });
  });

  it('JSON-encodes every argument and separates them with one space (our choice: undefined prints as undefined)', () => {
    const code = "export function request(ctx) {\n  console.log('current id', ctx.args.id, 2, true, null, { a: [1] }, undefined);\n  return null;\n}\nexport function response(ctx) { return ctx.result; }\n";
    expect(evalModule(code, 'request', { arguments: { id: 'record-id' } })).toEqual({
      evaluationResult: 'null',
      logs: ['INFO - code.js:2:3: "current id" "record-id" 2 true null {"a":[1]} undefined'],
      stash: '{}',
    });
  });

  it('logs console.error at ERROR, and (our choice; the docs list only log and error) info/warn/debug at INFO/WARN/DEBUG', () => {
    const code = "export function request(ctx) {\n  console.error('e');\n  console.info('i');\n    console.warn('w');\n  console.debug('d');\n  return null;\n}\nexport function response(ctx) { return ctx.result; }\n";
    expect(evalModule(code).logs).toEqual(['ERROR - code.js:2:3: "e"', 'INFO - code.js:3:3: "i"', 'WARN - code.js:4:5: "w"', 'DEBUG - code.js:5:3: "d"']);
  });

  it('reports where the call starts, also for a call split over lines, a computed method, an alias and a call at the top level', () => {
    const code = [
      "console.log('top');",
      'export function request(ctx) {',
      '  console',
      "    .log('split');",
      "  console['log']('computed');",
      '  const c = console;',
      "  c.log('alias'); console.log('second on the line');",
      '  return null;',
      '}',
      'export function response(ctx) { return ctx.result; }',
      '',
    ].join('\n');
    expect(evalModule(code).logs).toEqual([
      'INFO - code.js:1:1: "top"',
      'INFO - code.js:3:3: "split"',
      'INFO - code.js:5:3: "computed"',
      'INFO - code.js:7:3: "alias"',
      'INFO - code.js:7:19: "second on the line"',
    ]);
  });

  it('formats the lines the same way for a resolver loaded from a file (the local server prints them as they are)', () => {
    const compiled = compileResolver("export function request(ctx) {\n  console.log('from', ctx.args.id);\n  return null;\n}\nexport function response(ctx) { return ctx.result; }\n", '/project/dist/resolvers/Query.getAsset.js', RUNTIME);
    const ctx: ResolverContextInput = {
      arguments: { id: 'a1' }, identity: null, source: null, stash: {}, request: { headers: {}, domainName: null },
      info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' }, env: {}, authType: 'API_KEY',
    };
    expect(compiled.evaluate('request', ctx).logs).toEqual(['INFO - code.js:2:3: "from" "a1"']);
  });
});

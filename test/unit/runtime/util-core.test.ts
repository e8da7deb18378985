import { describe, expect, it } from 'vitest';
import { evalExpr, evalModule, resolverReturning } from './evaluate.ts';

describe('util encoding (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; built-in-util-js.html "Encoding utils")', () => {
  it('urlEncode follows Java URLEncoder: space → +, UTF-8 %XX upper case, * kept, ~ escaped', () => {
    expect(evalExpr('util.urlEncode("a b&c=d/é~*")')).toBe('a+b%26c%3Dd%2F%C3%A9%7E*');
  });
  it('urlDecode inverts urlEncode', () => {
    expect(evalExpr('util.urlDecode("a+b%26c%3Dd%2F%C3%A9%7E*")')).toBe('a b&c=d/é~*');
  });
  it('base64Encode encodes the UTF-8 bytes with padding', () => {
    expect(evalExpr('util.base64Encode("héllo wörld")')).toBe('aMOpbGxvIHfDtnJsZA==');
  });
  it('base64Decode decodes to UTF-8 text', () => {
    expect(evalExpr('util.base64Decode("aMOpbGxvIHfDtnJsZA==")')).toBe('héllo wörld');
  });
  it('escapeJavaScript escapes quotes, slash, backslash, control and non-ASCII characters', () => {
    expect(evalExpr(String.raw`util.escapeJavaScript("it's \"a\"/b\\c\n\té")`)).toBe(String.raw`it\'s \"a\"\/b\\c\n\t\u00E9`);
  });
});

describe('util ids (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; built-in-util-js.html "ID utils")', () => {
  it('autoId returns a lower-case random v4 UUID, different each call', () => {
    const [a, b] = evalExpr('[util.autoId(), util.autoId()]') as [string, string];
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
  it('autoUlid returns 26 Crockford base32 characters whose first 10 encode the current time', () => {
    const before = Date.now();
    const ulid = evalExpr('util.autoUlid()') as string;
    expect(ulid).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    let ms = 0;
    for (const ch of ulid.slice(0, 10)) ms = ms * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(ch);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });
  it('autoKsuid returns 27 base62 characters', () => {
    expect(evalExpr('util.autoKsuid()')).toMatch(/^[0-9A-Za-z]{27}$/);
  });
});

describe('util errors (docs/APPSYNC-BEHAVIOUR.md#js-util-errors; built-in-util-js.html "Error utils")', () => {
  it('util.error stops the handler and reports the message', () => {
    const code = resolverReturning('null').replace('return null;', 'util.error("boom", "Custom:Type", { a: 1 }, { b: 2 });\n  return "unreached";');
    expect(evalModule(code)).toEqual({ error: { message: 'boom' }, logs: [], stash: '{}' });
  });
  it('util.error with non-string arguments is a no-op (aws-appsync-community#384)', () => {
    expect(evalExpr('[util.error(404), util.error("msg", 404), "went on"][2]')).toBe('went on');
  });
  it('util.appendError records errors and lets the handler return its value (outErrors)', () => {
    const code = resolverReturning('null').replace('return null;', 'util.appendError("first", "T1", { id: 1 });\n  util.appendError("second");\n  return { ok: true };');
    expect(evalModule(code)).toEqual({
      evaluationResult: '{"ok":true}',
      logs: [],
      stash: '{}',
      outErrors: JSON.stringify([
        { message: 'first', errorType: 'T1', data: { id: 1 }, errorInfo: null },
        { message: 'second', errorType: null, data: null, errorInfo: null },
      ]),
    });
  });
  it('util.unauthorized shows "Unauthorized" in EvaluateCode (docs/APPSYNC-BEHAVIOUR.md#js-util-errors)', () => {
    const code = resolverReturning('null').replace('return null;', 'util.unauthorized();');
    expect(evalModule(code)).toEqual({ error: { message: 'Unauthorized' }, logs: [], stash: '{}' });
  });
});

describe('util.matches (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; built-in-util-js.html "Pattern matching")', () => {
  it('matches the whole string with Java Pattern syntax', () => {
    expect(evalExpr('[util.matches("a*b", "aaab"), util.matches("a", "abc"), util.matches("(?i)abc", "ABC")]')).toEqual([true, false, true]);
  });
});

describe('util.authType from the mock identity (docs/APPSYNC-BEHAVIOUR.md#resolver-identity-and-request)', () => {
  const cases: [string, unknown, string][] = [
    ['no identity', null, 'API Key Authorization'],
    ['empty identity', {}, 'Lambda Authorization'],
    ['Lambda resolverContext', { resolverContext: { a: 1 } }, 'Lambda Authorization'],
    ['IAM shape', { accountId: '1', cognitoIdentityPoolId: null, cognitoIdentityId: null, sourceIp: ['1.2.3.4'], username: 'u', userArn: 'arn', cognitoIdentityAuthType: null, cognitoIdentityAuthProvider: null }, 'IAM Authorization'],
    ['IAM shape with sourceIp null', { accountId: '1', sourceIp: null, username: 'u', userArn: 'arn' }, 'API Key Authorization'],
    ['user pool shape', { sub: 's', issuer: 'i', username: 'u', claims: {}, sourceIp: ['1.2.3.4'], defaultAuthStrategy: 'ALLOW', groups: null }, 'User Pool Authorization'],
    ['user pool shape without defaultAuthStrategy', { sub: 's', issuer: 'i', username: 'u', claims: {}, sourceIp: ['1.2.3.4'] }, 'API Key Authorization'],
    ['OIDC shape', { sub: 's', issuer: 'i', claims: {} }, 'Open ID Connect Authorization'],
    ['OIDC shape plus username', { sub: 's', issuer: 'i', claims: {}, username: 'u' }, 'API Key Authorization'],
    ['claims alone', { claims: {} }, 'API Key Authorization'],
  ];
  it.each(cases)('%s → %s', (_name, identity, expected) => {
    expect(evalExpr('util.authType()', { identity })).toBe(expected);
  });
});

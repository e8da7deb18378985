/**
 * Contract: what the API refuses, and the exact shape of each refusal: GraphQL-level errors (HTTP
 * 200), request-level errors (HTTP 4xx with `x-amzn-ErrorType`), the IAM-only mutation, and S3's
 * refusal of PUTs that do not match their ticket.
 *
 * Sources of the expected shapes: AppSync's published HTTP behaviour (400 MalformedHttpRequestException
 * for an unparsable body, 200 with `data: null` and graphql-java's messages for syntax and validation
 * errors, 401 UnauthorizedException with "Missing authorization header" / "You are not authorized to
 * make this call."), https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html, and
 * S3's error responses, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompleteUploadDocument, GetAssetDocument } from '../../generated/operations.ts';
import { createCallers, createUpload, dataOf, ISO_MILLIS, sendToTicket, uniqueName, type Callers, type Ticket, type UploadAnswer } from './kit.ts';
import { unauthorized } from './suite-flow.ts';
import type { ContractTarget } from './target.ts';

const BYTES = Buffer.from('hello, asset');
const SHA256 = createHash('sha256').update(BYTES).digest('base64');

/** A request-level refusal: the status, the `x-amzn-ErrorType` header, and the body AppSync sends. */
function refusal(status: number, errorType: string, message: string): Record<string, unknown> {
  return { status, errorType, body: { errors: [{ errorType, message }] } };
}

/** A GraphQL-level error of the document as a whole (no path): HTTP 200, `data: null`. */
function documentError(line: number, column: number, message: string): Record<string, unknown> {
  return { status: 200, errorType: null, body: { data: null, errors: [{ path: null, locations: [{ line, column, sourceName: null }], message }] } };
}

/** S3's XML error: code, message, whatever the code adds, then the request and host ids. */
function s3Error(code: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Code: code, Message: message, ...extra, RequestId: expect.any(String), HostId: expect.any(String) };
}

/** SignatureDoesNotMatch carries the request as S3 saw it; its code and message are the contract. */
const SIGNATURE_MISMATCH = s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
  AWSAccessKeyId: expect.any(String),
  StringToSign: expect.any(String),
  SignatureProvided: expect.stringMatching(/^[0-9a-f]{64}$/),
  StringToSignBytes: expect.any(String),
  CanonicalRequest: expect.stringMatching(/^PUT\n/),
  CanonicalRequestBytes: expect.any(String),
});

export function describeErrors(getTarget: () => ContractTarget): void {
  describe('errors: request and document', () => {
    let callers: Callers;
    beforeAll(async () => {
      callers = await createCallers(getTarget());
    });

    it('answers a syntax error with HTTP 200, data null and the offending token', async () => {
      expect(await callers.post({ query: '{ listAssets { items { id } ' }, { apiKey: callers.target.apiKey })).toEqual(
        documentError(1, 29, "Invalid Syntax : offending token '<EOF>' at line 1 column 29"),
      );
    });

    it('answers a validation error (unknown field) with HTTP 200, data null and the field path', async () => {
      expect(await callers.post({ query: '{ listAssets { bogus } }' }, { apiKey: callers.target.apiKey })).toEqual(
        documentError(1, 16, "Validation error of type FieldUndefined: Field 'bogus' in type 'AssetConnection' is undefined @ 'listAssets/bogus'"),
      );
    });

    it('answers a missing required variable with HTTP 200 and data null', async () => {
      expect(await callers.post({ query: 'query Q($id: ID!) { getAsset(id: $id) { id } }' }, { apiKey: callers.target.apiKey })).toEqual(
        documentError(1, 9, "Variable 'id' has coerced Null value for NonNull type 'ID!'"),
      );
    });

    it('answers an empty body and a body that is not a GraphQL request with 400 MalformedHttpRequestException', async () => {
      expect(await callers.post('', { apiKey: callers.target.apiKey })).toEqual(refusal(400, 'MalformedHttpRequestException', 'Request body is empty.'));
      expect(await callers.post('{}}', { apiKey: callers.target.apiKey })).toEqual(refusal(400, 'MalformedHttpRequestException', 'Unable to parse GraphQL query.'));
      expect(await callers.post({}, { apiKey: callers.target.apiKey })).toEqual(refusal(400, 'MalformedHttpRequestException', 'Unable to parse GraphQL query.'));
    });

    it('answers a request without any authorization with 401 UnauthorizedException', async () => {
      expect(await callers.post({ query: '{ __typename }' }, { headers: {} })).toEqual(refusal(401, 'UnauthorizedException', 'Missing authorization header'));
    });

    it('answers an unknown API key with 401 UnauthorizedException', async () => {
      expect(await callers.post({ query: '{ __typename }' }, { apiKey: 'da2-wrongwrongwrongwrongwrong00' })).toEqual(refusal(401, 'UnauthorizedException', 'You are not authorized to make this call.'));
    });

    it('answers an Authorization header that is not a JWT with 401 UnauthorizedException', async () => {
      expect(await callers.post({ query: '{ __typename }' }, { token: 'not-a-token' })).toEqual(refusal(401, 'UnauthorizedException', 'Unable to parse JWT token.'));
    });

    it('answers a user-pool token whose signature was changed with 401 UnauthorizedException', async () => {
      const [header, payload, signature = ''] = callers.alice.token.split('.');
      const forged = `${header}.${payload}.${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      expect(await callers.post({ query: '{ __typename }' }, { token: forged })).toEqual(refusal(401, 'UnauthorizedException', 'You are not authorized to make this call.'));
    });
  });

  describe('completeUpload: backend only (IAM)', () => {
    it('refuses a user-pool caller and an API-key caller with Unauthorized, and the asset stays PENDING', async () => {
      const callers = await createCallers(getTarget());
      const { asset } = await createUpload(callers.asAlice, { name: uniqueName('claim', 'txt'), contentType: 'text/plain', size: BYTES.length });
      const input = { key: `assets/${asset.owner}/${asset.id}/${asset.name}`, size: BYTES.length, contentType: 'text/plain' };
      const refused = { data: { completeUpload: null }, errors: [unauthorized('completeUpload', 'Mutation')] };

      expect(await callers.asAlice(CompleteUploadDocument, { input })).toEqual(refused);
      expect(await callers.asApiKey(CompleteUploadDocument, { input })).toEqual(refused);
      expect(await callers.asAlice(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: { ...asset, downloadUrl: null } } });
    });

    it("accepts the backend's SigV4 call, and marks an asset REJECTED when the reported size is not the ticket's", async (context) => {
      const callers = await createCallers(getTarget());
      if (callers.asBackend === null) return context.skip('the target has no backend (IAM) credentials');
      const { asset } = await createUpload(callers.asAlice, { name: uniqueName('short', 'txt'), contentType: 'text/plain', size: BYTES.length });
      const input = { key: `assets/${asset.owner}/${asset.id}/${asset.name}`, size: BYTES.length + 1, contentType: 'text/plain' };

      expect(await callers.asBackend(CompleteUploadDocument, { input })).toEqual({ data: { completeUpload: { ...asset, status: 'REJECTED', updatedAt: expect.stringMatching(ISO_MILLIS) } } });
      expect((await dataOf(callers.asAlice, GetAssetDocument, { id: asset.id })).getAsset?.status).toBe('REJECTED');
    });

    it('refuses a SigV4 signature made with the wrong secret with 403 InvalidSignatureException', async (context) => {
      const callers = await createCallers(getTarget());
      const credentials = callers.target.backendCredentials;
      if (credentials === null) return context.skip('the target has no backend (IAM) credentials');
      const answer = await callers.post({ query: '{ __typename }' }, { iam: { credentials: { ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` }, region: callers.target.region } });
      // https://docs.aws.amazon.com/appsync/latest/APIReference/CommonErrors.html (InvalidSignatureException, 403)
      expect({ status: answer.status, errorType: answer.errorType }).toEqual({ status: 403, errorType: 'InvalidSignatureException' });
    });
  });

  describe('upload: S3 refuses a PUT that does not match its ticket, and the asset stays PENDING', () => {
    /** Each case changes one thing about the request the ticket describes. */
    const cases: readonly { readonly name: string; readonly send: (ticket: Ticket) => Promise<UploadAnswer>; readonly expected: { readonly status: number; readonly error: Record<string, unknown> } }[] = [
      { name: 'another Content-Type (signed): 403 SignatureDoesNotMatch', send: (t) => sendToTicket(t, BYTES, { overrides: { 'content-type': 'text/html' } }), expected: { status: 403, error: SIGNATURE_MISMATCH } },
      { name: 'more bytes than the ticket allows (signed Content-Length): 403 SignatureDoesNotMatch', send: (t) => sendToTicket(t, Buffer.concat([BYTES, Buffer.from('!')])), expected: { status: 403, error: SIGNATURE_MISMATCH } },
      { name: 'other bytes of the same length (signed x-amz-checksum-sha256): 400 BadDigest', send: (t) => sendToTicket(t, Buffer.from(BYTES.toString('utf8').toUpperCase())), expected: { status: 400, error: s3Error('BadDigest', 'The SHA256 you specified did not match the calculated checksum.') } },
      { name: 'a changed signature: 403 SignatureDoesNotMatch', send: (t) => sendToTicket(t, BYTES, { url: changeSignature(t.url) }), expected: { status: 403, error: SIGNATURE_MISMATCH } },
      { name: 'another object key with the same signature: 403 SignatureDoesNotMatch', send: (t) => sendToTicket(t, BYTES, { url: changeKey(t.url) }), expected: { status: 403, error: SIGNATURE_MISMATCH } },
    ];

    it.for(cases)('$name', async ({ send, expected }) => {
      const callers = await createCallers(getTarget());
      const { asset, ticket } = await createUpload(callers.asAlice, { name: uniqueName('photo', 'png'), contentType: 'image/png', size: BYTES.length, checksumSha256: SHA256 });

      expect(await send(ticket)).toEqual(expected);
      expect(await callers.asAlice(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: { ...asset, downloadUrl: null } } });
    });
  });
}

/** The ticket's URL with the last hex digit of `X-Amz-Signature` changed. */
function changeSignature(url: string): string {
  const parsed = new URL(url);
  const signature = parsed.searchParams.get('X-Amz-Signature') ?? '';
  parsed.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
  return parsed.toString();
}

/** The ticket's URL pointing at another object (the file name changed), query string untouched. */
function changeKey(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/[^/]+$/, 'other.png');
  return parsed.toString();
}

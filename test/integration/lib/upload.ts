/** Sending bytes to an upload ticket, as a client does: one request, with exactly the ticket's headers. */
import { CreateUploadDocument, type CreateUploadInput, type CreateUploadMutation } from '../../../generated/operations.ts';
import type { GraphQLCall } from '../../support/graphql-client.ts';
import { readS3Error } from '../fixtures/s3-fixtures.ts';

export interface Ticket {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

export interface PutResult {
  readonly status: number;
  /** S3's XML error fields (`Code`, `Message`, …); null on success. */
  readonly error: Record<string, string> | null;
}

/** The ticket's headers as a plain object, with `overrides` applied (a test changes one on purpose). */
export function ticketHeaders(ticket: Ticket, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...Object.fromEntries(ticket.headers.map((h) => [h.name.toLowerCase(), h.value])), ...overrides };
}

/**
 * PUTs `body` to the ticket's URL with the ticket's headers. Node's fetch sets Content-Length from the
 * body (and refuses one given by hand), so a test that wants another length sends other bytes.
 */
export async function putToTicket(ticket: Ticket, body: Uint8Array | string, overrides: Readonly<Record<string, string>> = {}): Promise<PutResult> {
  const { 'content-length': _length, ...headers } = ticketHeaders(ticket, overrides);
  const response = await fetch(ticket.url, { method: ticket.method, headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  return { status: response.status, error: response.ok ? null : readS3Error(text) };
}

/** The single-PUT ticket of a `createUpload` answer for a file up to the multipart threshold; throws for a multipart answer. */
export function singlePutTicket<T extends Ticket>(ticket: T | null | undefined): T {
  if (ticket === null || ticket === undefined) throw new Error('createUpload answered no single-PUT ticket (a multipart upload?)');
  return ticket;
}

type CreatedAsset = CreateUploadMutation['createUpload']['asset'];
type SinglePutTicket = NonNullable<CreateUploadMutation['createUpload']['upload']>;

/** `createUpload` of a file up to the multipart threshold: the PENDING asset and its single-PUT ticket; throws on errors. */
export async function createUpload(call: GraphQLCall, input: CreateUploadInput): Promise<{ asset: CreatedAsset; ticket: SinglePutTicket }> {
  const result = await call(CreateUploadDocument, { input });
  if (!result.data) throw new Error(`createUpload failed: ${JSON.stringify(result)}`);
  const ticket = result.data.createUpload.upload;
  // Files up to the multipart threshold get one PUT ticket.
  if (ticket === null) throw new Error(`createUpload answered a multipart upload: ${JSON.stringify(result.data.createUpload)}`);
  return { asset: result.data.createUpload.asset, ticket };
}

/** The object key of an asset's bytes: `assets/<owner>/<id>/<name>`. */
export function assetKeyOf(asset: { readonly owner: string; readonly id: string; readonly name: string }): string {
  return `assets/${asset.owner}/${asset.id}/${asset.name}`;
}

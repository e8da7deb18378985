/**
 * What a SigV4 request claims, read from the `Authorization` header or from the query parameters of
 * a presigned URL: the credential scope, the signed headers, the signature and the request time.
 * Parsing only: each verifier decides what to refuse and answers in its own service's words.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html ("Add the signature
 * to the request"); presigned URLs:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */

/** The query parameters of a presigned URL that carry the signature itself. */
export const PRESIGN_PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
] as const;

/** `Credential=` / `X-Amz-Credential`: `<access key id>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** `aws4_request` when well formed. */
  readonly terminal: string;
}

/** The five `/`-separated parts of a credential (empty parts included); undefined unless there are exactly five. */
export function parseCredential(credential: string): CredentialScope | undefined {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminal] = parts;
  if (parts.length !== 5 || accessKeyId === undefined || date === undefined || region === undefined || service === undefined || terminal === undefined) return undefined;
  return { accessKeyId, date, region, service, terminal };
}

/**
 * The `name=value` fields after the algorithm of an `Authorization` header
 * (`Credential=…, SignedHeaders=…, Signature=…`), names and values trimmed. A piece without `=`
 * is skipped; a repeated name keeps its last value.
 */
export function parseAuthorizationFields(fields: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const piece of fields.split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) out.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  return out;
}

/** The signature parameters of a presigned URL, by their exact (case-sensitive) names. */
export interface PresignedParameters {
  readonly algorithm: string;
  readonly credential: string;
  readonly amzDate: string;
  readonly expires: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

/** The six required presigned parameters, or undefined when one is missing (the first occurrence of each counts). */
export function readPresignedParameters(params: readonly (readonly [string, string])[]): PresignedParameters | undefined {
  const get = (name: (typeof PRESIGN_PARAMETERS)[number]): string | undefined => params.find(([key]) => key === name)?.[1];
  const algorithm = get('X-Amz-Algorithm');
  const credential = get('X-Amz-Credential');
  const amzDate = get('X-Amz-Date');
  const expires = get('X-Amz-Expires');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  if (algorithm === undefined || credential === undefined || amzDate === undefined || expires === undefined || signedHeaders === undefined || signature === undefined) {
    return undefined;
  }
  return { algorithm, credential, amzDate, expires, signedHeaders, signature };
}

/** `20240131T024659Z` → Date (an invalid Date when malformed). */
export function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return new Date(Number.NaN);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

/** Date → `20240131T024659Z`. */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Signing outgoing requests: `@smithy/signature-v4`'s `SignatureV4` (the signer the AWS SDK for
 * JavaScript uses), with SHA-256 and HMAC from `node:crypto` instead of the pure-JS hash, so a
 * signature costs microseconds. Verifying incoming requests uses this folder's own canonicalisation
 * instead (see `canonical-request.ts` for why).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';

function toBinary(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** SHA-256, or HMAC-SHA256 when given a secret, in the `Checksum` shape the SDK signer constructs. */
export class NodeSha256 implements Checksum {
  readonly #secret: string | Uint8Array | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : toBinary(secret);
    this.#hash = this.#create();
  }

  #create(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }

  reset(): void {
    this.#hash = this.#create();
  }
}

export interface SdkSignerOptions {
  /** The signing name, e.g. `dynamodb`. */
  readonly service: string;
  readonly region: string;
  /** Fixed credentials, or a provider called for every signature (the SDK's providers cache). */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * Add `x-amz-content-sha256` to the signed headers (S3 wants it; DynamoDB's JSON protocol does
   * not send it). @default false
   */
  readonly applyChecksum?: boolean;
}

/** A `SignatureV4` that signs (`sign`) and presigns (`presign`) requests for one service and region. */
export function createSdkSigner(options: SdkSignerOptions): SignatureV4 {
  return new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
    applyChecksum: options.applyChecksum ?? false,
  });
}

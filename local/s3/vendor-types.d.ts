/** Minimal types for s3rver 3 (it ships none): the parts `s3-store.ts` and `confined-store.ts` use. */
declare module 's3rver' {
  import type { Server } from 'node:http';
  import type FilesystemStore from 's3rver/lib/stores/filesystem.js';

  interface S3rverOptions {
    directory?: string;
    silent?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** A Koa application. */
  class S3rver {
    constructor(options?: S3rverOptions);
    /** Koa's middleware list; runs in order for each request. */
    middleware: ((ctx: { state: Record<string, unknown> }, next: () => Promise<void>) => Promise<void> | void)[];
    /** The store `configureBuckets` uses. */
    store: FilesystemStore;
    /** Koa's prototype of every request context; its `store` is the one the controllers use. */
    context: { store: FilesystemStore };
    configureBuckets(): Promise<void>;
    /** `http.Server#listen` arguments; resolves with the listening server. */
    listen(...args: unknown[]): Promise<Server>;
  }
  export default S3rver;
}

declare module 's3rver/lib/models/account.js' {
  const AWSAccount: { readonly DUMMY_ACCOUNT: object };
  export default AWSAccount;
}

/** s3rver's on-disk store: every object, upload and bucket setting is a file under `rootDirectory`. */
declare module 's3rver/lib/stores/filesystem.js' {
  class FilesystemStore {
    constructor(rootDirectory: string);
    readonly rootDirectory: string;
    /** `<root>/<bucket>`. */
    getBucketPath(bucketName: string): string;
    /** `<root>/<bucket>/<key folders>/<last key segment>._S3rver_<resource>`. */
    getResourcePath(bucket: string, key?: string, resource?: string): string;
    putBucket(bucket: string): Promise<unknown>;
    deleteBucket(bucket: string): Promise<void>;
    putObject(object: { bucket: string; key: string; content: Buffer; metadata: Record<string, string> }): Promise<{ size: number; md5: string }>;
    copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata: Record<string, string> | null): Promise<unknown>;
    deleteObject(bucket: string, key: string): Promise<void>;
    initiateUpload(bucket: string, key: string, uploadId: string, metadata: unknown): Promise<void>;
    putPart(bucket: string, uploadId: string, partNumber: number | string, content: unknown): Promise<{ size: number; md5: string }>;
    putObjectMultipart(bucket: string, uploadId: string, parts: unknown): Promise<{ size: number; md5: string }>;
    /** Writes `<object>._S3rver_metadata.json` (allowed headers and `x-amz-meta-*`) and, when given, the `.md5` file the ETag is read from. */
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  }
  export default FilesystemStore;
}

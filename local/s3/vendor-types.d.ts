/** Minimal types for s3rver 3 (it ships none): the parts `s3-store.ts` uses. */
declare module 's3rver' {
  import type { Server } from 'node:http';

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

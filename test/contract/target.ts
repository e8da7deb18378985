/**
 * What the contract suite needs to know about the endpoint it tests, and nothing more: URLs, the API
 * key, a way to get user-pool users, and (for the backend-only checks) IAM credentials. The suite
 * talks only HTTP, WebSocket and the S3 URLs the API hands out; it never imports the server, reads
 * the table or looks into the store.
 *
 * Three kinds of target implement this (chosen by `ASSET_API_TARGET`):
 * - `npm-start`: the real `npm start` in a child process, cold and then warm, over HTTP/WS and TLS;
 * - `endpoint`: an endpoint already running (`ENDPOINT`, `API_KEY`, ...);
 * - `aws`: a deployed stack, from the outputs of `cdk deploy --outputs-file`.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A signed-in user-pool user, as a client holds it. */
export interface ContractUser {
  /** The token's `sub`: what the API stores as the asset's owner. */
  readonly sub: string;
  /** The value for the `Authorization` header (AppSync accepts the ID or access token of the pool). */
  readonly token: string;
}

export interface ContractTarget {
  /** Shown in test names: `npm start (cold, tls)`, `endpoint`, `aws`. */
  readonly label: string;
  /** `http(s)://…/graphql`. */
  readonly graphqlUrl: string;
  /** `ws(s)://…/graphql/realtime` (on AWS: the `appsync-realtime-api` host). */
  readonly realtimeUrl: string;
  /** An API key the API accepts (the API's additional auth mode). */
  readonly apiKey: string;
  /** The API's region (for SigV4). */
  readonly region: string;
  /** PEM of a CA the client must trust for https/wss (the local CA), or null when the system's trust is enough. */
  readonly caCertPem: string | null;
  /** Two distinct users; the same name returns the same user for the life of the target. */
  user(name: 'alice' | 'bob'): Promise<ContractUser>;
  /** Credentials that may call IAM-only fields (the backend's), or null when the target cannot give any. */
  readonly backendCredentials: AwsCredentials | null;
  /** Releases what the target created (users on AWS, processes locally). Safe to call twice. */
  close(): Promise<void>;
}

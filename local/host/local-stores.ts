/**
 * The stores behind the local API: the embedded DynamoDB and S3 emulators, or the configured
 * endpoints (`--dynamodb-endpoint`, `--s3-endpoint`), and the tables the definition declares.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import type { ApiDefinition, BucketDefinition } from '../../api/types.ts';
import type { AwsCredentials } from '../config.ts';
import type { ObjectCreatedEvent } from '../s3/object-created-events.ts';
import { startS3Store, type S3Store, type S3StoreOptions } from '../s3/s3-store.ts';
import { startDynamoStore, type DynamoStore, type DynamoStoreOptions } from '../stores/dynamo-store.ts';
import { removeOrphanIndexEntries } from '../stores/index-repair.ts';
import { ensureTables, localTableNames } from '../stores/tables.ts';

/** Name of the embedded bucket. */
export const LOCAL_BUCKET_NAME = 'asset-api-local-assets';

export interface LocalStoresDeps {
  /** Receives the embedded bucket's "Object Created" events, in order; a rejection is retried. */
  readonly onObjectCreated: (event: ObjectCreatedEvent) => Promise<void>;
  readonly onEventError: NonNullable<S3StoreOptions['onEventError']>;
  /** The embedded DynamoDB store, already starting (`startEmbeddedDynamo`); null with a configured endpoint. */
  readonly dynamo: Promise<DynamoStore> | null;
}

export interface LocalStoresOptions {
  /** Where the emulators keep their data; null keeps it in memory. */
  readonly dataDir: string | null;
  /** A configured DynamoDB endpoint; null starts the embedded one. */
  readonly dynamodbEndpoint: string | null;
  /** A configured S3 endpoint; null starts the embedded one. */
  readonly s3Endpoint: string | null;
  readonly region: string;
  readonly accountId: string;
  /** The backend identity: the embedded stores accept only it. */
  readonly localCredentials: AwsCredentials;
  /** Credentials for configured endpoints. @default localCredentials */
  readonly storeCredentials: AwsCredentials | null;
  readonly bucket: BucketDefinition;
}

export interface LocalStores {
  /** For table set-up, repair and TTL sweeps. */
  readonly dynamodb: DynamoDBClient;
  /** Where the data sources' DynamoDB calls go, and as whom. */
  readonly dynamodbTransport: { readonly endpoint: string; readonly region: string; readonly credentials: AwsCredentials };
  /** The embedded DynamoDB is running (it keeps no TTL and may need index repair). */
  readonly embeddedDynamo: boolean;
  /** The embedded S3 front; null with a configured endpoint. */
  readonly s3: S3Store | null;
  /** S3 as the Lambdas reach it: the endpoint (undefined: AWS's own) and the credentials. */
  readonly lambdaS3: { readonly endpoint: string | undefined; readonly credentials: AwsCredentials };
  /** Closes S3 (delivering its queued events), the client, then DynamoDB. Safe to call twice. */
  close(): Promise<void>;
}

function startEmbeddedS3(deps: LocalStoresDeps, options: LocalStoresOptions): Promise<S3Store> {
  return startS3Store({
    ...(options.dataDir === null ? {} : { dataDir: join(options.dataDir, 's3') }),
    bucketName: LOCAL_BUCKET_NAME,
    keyPrefix: options.bucket.keyPrefix,
    abortIncompleteMultipartUploadAfterDays: options.bucket.abortIncompleteMultipartUploadAfterDays,
    credentials: options.localCredentials,
    region: options.region,
    accountId: options.accountId,
    cors: { allowedOrigins: ['*'] },
    onObjectCreated: deps.onObjectCreated,
    onEventError: deps.onEventError,
  });
}

/**
 * Starts the embedded DynamoDB store unless an endpoint is configured. Its worker loads dynalite on
 * a thread of its own (tens of milliseconds), so the server calls this before the rest of its
 * start-up, which the loading then overlaps, and hands the promise to `startLocalStores`. The
 * promise is marked handled: a start-up failure surfaces where it is awaited, not as an unhandled
 * rejection while the server is still busy with earlier steps.
 */
export function startEmbeddedDynamo(options: Pick<LocalStoresOptions, 'dataDir' | 'dynamodbEndpoint'>, onCrash: DynamoStoreOptions['onCrash']): Promise<DynamoStore> | null {
  if (options.dynamodbEndpoint !== null) return null;
  const starting = startDynamoStore({ ...(options.dataDir === null ? {} : { dataDir: join(options.dataDir, 'dynamodb') }), ...(onCrash === undefined ? {} : { onCrash }) });
  starting.catch(() => undefined);
  return starting;
}

/** Closes a store `startEmbeddedDynamo` started, once it has started (one that failed to start needs nothing). */
export async function closeEmbeddedDynamo(starting: Promise<DynamoStore> | null): Promise<void> {
  const store = await starting?.catch(() => null);
  await store?.close();
}

/** Takes over the embedded DynamoDB store (`deps.dynamo`) and starts S3 as the options ask; when one fails, the other is closed again. */
export async function startLocalStores(deps: LocalStoresDeps, options: LocalStoresOptions): Promise<LocalStores> {
  const [dynamoResult, s3Result] = await Promise.allSettled([
    deps.dynamo ?? Promise.resolve(null),
    options.s3Endpoint === null ? startEmbeddedS3(deps, options) : Promise.resolve(null),
  ]);
  const dynamo: DynamoStore | null = dynamoResult.status === 'fulfilled' ? dynamoResult.value : null;
  const s3: S3Store | null = s3Result.status === 'fulfilled' ? s3Result.value : null;
  if (dynamoResult.status === 'rejected' || s3Result.status === 'rejected') {
    await Promise.allSettled([dynamo?.close(), s3?.close()]);
    throw dynamoResult.status === 'rejected' ? dynamoResult.reason : (s3Result as PromiseRejectedResult).reason;
  }
  const configured = options.storeCredentials ?? options.localCredentials;
  const dynamodbTransport = { endpoint: dynamo?.endpoint ?? options.dynamodbEndpoint ?? '', region: options.region, credentials: dynamo ? options.localCredentials : configured };
  // A copy: the SDK annotates the credentials object it is given, and Config is frozen.
  const dynamodb = new DynamoDBClient({ endpoint: dynamodbTransport.endpoint, region: options.region, credentials: { ...dynamodbTransport.credentials } });

  let closing: Promise<void> | null = null;
  return {
    dynamodb,
    dynamodbTransport,
    embeddedDynamo: dynamo !== null,
    s3,
    lambdaS3: { endpoint: s3?.endpoint ?? options.s3Endpoint ?? undefined, credentials: s3 ? options.localCredentials : configured },
    close: function closeLocalStores() {
      closing ??= (async () => {
        try {
          await s3?.close();
        } finally {
          dynamodb.destroy();
          await dynamo?.close();
        }
      })();
      return closing;
    },
  };
}

/**
 * Creates the definition's tables where missing and, on a kept embedded DynamoDB, removes index
 * entries a kill in the middle of a write left without their item (`local/stores/index-repair.ts`).
 * Resolves with the physical table names.
 */
export async function prepareTables(stores: Pick<LocalStores, 'dynamodb' | 'embeddedDynamo'>, definition: ApiDefinition, options: { readonly repair: boolean; readonly log: (line: string) => void }): Promise<Record<string, string>> {
  const tableNames = localTableNames(definition);
  await ensureTables(stores.dynamodb, definition, tableNames);
  if (stores.embeddedDynamo && options.repair) {
    const removed = Object.values(await removeOrphanIndexEntries(stores.dynamodb, definition, tableNames)).reduce((a, b) => a + b, 0);
    if (removed > 0) options.log(`[start] removed ${removed} index entr${removed === 1 ? 'y' : 'ies'} left by an interrupted write`);
  }
  return tableNames;
}

/**
 * DynamoDB TTL for stores that lack it (dynalite, DynamoDB Local): periodically deletes items whose
 * TTL attribute (epoch seconds, a Number) is in the past, as DynamoDB's background process does.
 *
 * Like DynamoDB: only Number values count, values more than five years in the past are ignored
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html), and an update that
 * removed or moved the TTL before the delete wins (the delete is conditional on the item still being
 * expired). Each deleted item is reported to `onExpired` (the host removes the object of an expired
 * PENDING asset), as a DynamoDB Stream would report a TTL delete.
 */
import { DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ApiDefinition, TableDefinition } from '../../api/types.ts';

export interface ExpiredItem {
  /** Logical table name in the definition (`assets`). */
  readonly table: string;
  /** Physical table name. */
  readonly tableName: string;
  /** The item as it was deleted. */
  readonly item: Record<string, AttributeValue>;
}

export interface TtlSweeperOptions {
  readonly client: DynamoDBClient;
  readonly api: ApiDefinition;
  /** Physical names by logical name (see `localTableNames`). */
  readonly tableNames: Readonly<Record<string, string>>;
  /** Pause between the end of one sweep and the start of the next. */
  readonly intervalMs: number;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
  /** Told about a failed sweep or a failing `onExpired`; the sweeper keeps going. @default a process warning */
  readonly onError?: (error: unknown) => void;
}

export interface SweepResult {
  /** Items deleted, per logical table. */
  readonly deleted: Readonly<Record<string, number>>;
}

export interface TtlSweeper {
  /** Runs one sweep now (waits for a running one first). */
  sweepOnce(): Promise<SweepResult>;
  /** Stops the timer and waits for a running sweep. Safe to call twice. */
  close(): Promise<void>;
}

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60;

/** One sweep over every table that declares `timeToLiveAttribute`. */
export async function sweepExpiredItems(
  options: Pick<TtlSweeperOptions, 'client' | 'api' | 'tableNames' | 'now' | 'onError'>,
  onExpired?: (expired: ExpiredItem) => void | Promise<void>,
): Promise<SweepResult> {
  const nowSeconds = Math.floor((options.now ?? (() => new Date()))().getTime() / 1000);
  const deleted: Record<string, number> = {};
  for (const [logicalName, table] of Object.entries(options.api.tables)) {
    const ttlAttribute = table.timeToLiveAttribute;
    const tableName = options.tableNames[logicalName];
    if (ttlAttribute === undefined || tableName === undefined) continue;
    deleted[logicalName] = await sweepTable(options, logicalName, tableName, table, ttlAttribute, nowSeconds, onExpired);
  }
  return { deleted };
}

async function sweepTable(
  options: Pick<TtlSweeperOptions, 'client' | 'onError'>,
  logicalName: string,
  tableName: string,
  table: TableDefinition,
  ttlAttribute: string,
  nowSeconds: number,
  onExpired: ((expired: ExpiredItem) => void | Promise<void>) | undefined,
): Promise<number> {
  const expiredCondition = {
    expression: '#ttl < :now AND #ttl >= :oldest',
    names: { '#ttl': ttlAttribute },
    values: { ':now': { N: String(nowSeconds) }, ':oldest': { N: String(nowSeconds - FIVE_YEARS_SECONDS) } },
  };
  let count = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await options.client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: expiredCondition.expression,
        ExpressionAttributeNames: expiredCondition.names,
        ExpressionAttributeValues: expiredCondition.values,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of page.Items ?? []) {
      const key: Record<string, AttributeValue> = {};
      for (const name of [table.partitionKey.name, table.sortKey?.name]) {
        const value = name === undefined ? undefined : item[name];
        if (name !== undefined && value !== undefined) key[name] = value;
      }
      let old: Record<string, AttributeValue> | undefined;
      try {
        const result = await options.client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: expiredCondition.expression,
            ExpressionAttributeNames: expiredCondition.names,
            ExpressionAttributeValues: expiredCondition.values,
            ReturnValues: 'ALL_OLD',
          }),
        );
        old = result.Attributes;
      } catch (error) {
        // A concurrent update removed or moved the TTL: the update wins, as in DynamoDB.
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') continue;
        throw error;
      }
      if (old === undefined) continue;
      count += 1;
      if (onExpired !== undefined) {
        try {
          await onExpired({ table: logicalName, tableName, item: old });
        } catch (error) {
          (options.onError ?? warn)(error);
        }
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}

export function createTtlSweeper(options: TtlSweeperOptions, onExpired?: (expired: ExpiredItem) => void | Promise<void>): TtlSweeper {
  const onError = options.onError ?? warn;
  let running: Promise<SweepResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;

  function sweepOnce(): Promise<SweepResult> {
    const previous = running ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => sweepExpiredItems({ ...options, onError }, onExpired));
    running = next;
    void next.finally(() => {
      if (running === next) running = undefined;
    }).catch(() => undefined);
    return next;
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(function sweepOnTimer() {
      sweepOnce().then(
        () => schedule(),
        (error: unknown) => {
          onError(error);
          schedule();
        },
      );
    }, options.intervalMs);
    timer.unref();
  }
  schedule();

  return {
    sweepOnce,
    close: function closeTtlSweeper() {
      closing ??= (async () => {
        closed = true;
        if (timer !== undefined) clearTimeout(timer);
        await running?.catch(() => undefined);
      })();
      return closing;
    },
  };
}

function warn(error: unknown): void {
  process.emitWarning(`TTL sweeper: ${error instanceof Error ? error.message : String(error)}`);
}

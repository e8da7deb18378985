/**
 * The data sources' lean DynamoDB transport against the AWS SDK client it is built from: the same
 * call through `client.send` and through `transport.send` gives the same output and the same error
 * fields (`name`, `message`, `$metadata`, the exception's own members), on dynalite and DynamoDB
 * Local; its SigV4 signature is the SDK signer's; it retries what the SDK's standard strategy retries.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, test as base } from 'vitest';
import { createDynamoDBTransport, type DynamoDBTransport } from '../../local/datasources/dynamodb-transport.ts';
import { createLocalDynamoClient, selectedDynamoTargets, type DynamoTarget } from './fixtures/dynamo-targets.ts';

interface StoreFixture {
  readonly client: DynamoDBClient;
  readonly transport: DynamoDBTransport;
  readonly table: string;
}

function storeFixture(target: DynamoTarget) {
  return base.extend<{ store: StoreFixture }>({
    store: [
      async ({}, use) => {
        const store = await target.start({});
        const client = createLocalDynamoClient(store.endpoint);
        const table = `transport-${randomUUID()}`;
        await client.send(
          new CreateTableCommand({
            TableName: table,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [
              { AttributeName: 'pk', AttributeType: 'S' },
              { AttributeName: 'sk', AttributeType: 'N' },
            ],
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
          }),
        );
        const transport = createDynamoDBTransport(client);
        await use({ client, transport, table });
        transport.close();
        client.destroy();
        await store.close();
      },
      { scope: 'file' },
    ],
  });
}

/** An output without the SDK's per-call `$metadata`. */
function withoutMetadata(output: object): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  return rest;
}

/** The fields of a failure the data sources read, plus the exception's own members. */
async function failureOf(call: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await call();
  } catch (e) {
    const error = e as Error & Record<string, unknown> & { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } };
    const own: Record<string, unknown> = {};
    for (const key of Object.keys(error)) {
      if (!['$metadata', '$response', '$fault', '$retryable', 'name', 'message', 'stack', 'code', 'errno', 'syscall', 'address', 'port'].includes(key)) own[key] = error[key];
    }
    return {
      name: error.name,
      message: error.message,
      code: error['code'],
      status: error.$metadata?.httpStatusCode,
      hasRequestId: typeof error.$metadata?.requestId === 'string' && error.$metadata.requestId !== '',
      attempts: error.$metadata?.attempts,
      own,
    };
  }
  throw new Error('expected the call to fail');
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

/** Every attribute type, binary ones nested too. */
function sampleItem(pk: string, sk: number): Record<string, AttributeValue> {
  return {
    pk: { S: pk },
    sk: { N: String(sk) },
    text: { S: 'héllo "quoted" \u2028' },
    count: { N: '12.5' },
    blob: { B: bytes('binary\u0000data') },
    flag: { BOOL: false },
    nothing: { NULL: true },
    names: { SS: ['a', 'b'] },
    numbers: { NS: ['1', '2.5'] },
    blobs: { BS: [bytes('x'), bytes('yz')] },
    list: { L: [{ S: 'one' }, { N: '2' }, { B: bytes('three') }, { M: { deep: { B: bytes('deeper') } } }] },
    map: { M: { B: { S: 'an attribute named B' }, BS: { L: [] }, inner: { B: bytes('inner') } } },
  };
}

for (const target of selectedDynamoTargets()) {
  const test = storeFixture(target);

  describe(`dynamodb transport (${target.name}): same results as the SDK client`, { timeout: target.timeoutMs }, () => {
    test('GetItem returns every attribute type as the SDK does (N as text, B and BS as bytes), and no Item when missing', async ({ store }) => {
      const pk = randomUUID();
      await store.transport.send('PutItem', { TableName: store.table, Item: sampleItem(pk, 1) });
      const key = { pk: { S: pk }, sk: { N: '1' } };
      const viaSdk = withoutMetadata(await store.client.send(new GetItemCommand({ TableName: store.table, Key: key, ConsistentRead: true })));
      const viaTransport = await store.transport.send('GetItem', { TableName: store.table, Key: key, ConsistentRead: true });
      expect(viaTransport).toEqual(viaSdk);
      expect(viaTransport).toEqual({ Item: sampleItem(pk, 1) });
      const missing = { pk: { S: pk }, sk: { N: '2' } };
      expect(await store.transport.send('GetItem', { TableName: store.table, Key: missing })).toEqual(withoutMetadata(await store.client.send(new GetItemCommand({ TableName: store.table, Key: missing }))));
    });

    test('Query and Scan page with the same Items, Count, ScannedCount and LastEvaluatedKey', async ({ store }) => {
      const pk = randomUUID();
      for (let sk = 1; sk <= 5; sk++) await store.client.send(new PutItemCommand({ TableName: store.table, Item: { pk: { S: pk }, sk: { N: String(sk) }, even: { BOOL: sk % 2 === 0 } } }));
      const query = {
        TableName: store.table,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: 'even = :yes',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': { S: pk }, ':yes': { BOOL: true } },
        ScanIndexForward: false,
        Limit: 3,
      };
      const viaTransport = await store.transport.send('Query', query);
      expect(viaTransport).toEqual(withoutMetadata(await store.client.send(new QueryCommand(query))));
      expect(viaTransport.Items).toEqual([{ pk: { S: pk }, sk: { N: '4' }, even: { BOOL: true } }]);
      expect(viaTransport.LastEvaluatedKey).toEqual({ pk: { S: pk }, sk: { N: '3' } });
      const scan = { TableName: store.table, Limit: 2 };
      expect(await store.transport.send('Scan', scan)).toEqual(withoutMetadata(await store.client.send(new ScanCommand(scan))));
    });

    test('UpdateItem returns ALL_NEW attributes as the SDK does', async ({ store }) => {
      const pk = randomUUID();
      await store.client.send(new PutItemCommand({ TableName: store.table, Item: { pk: { S: pk }, sk: { N: '1' }, n: { N: '1' } } }));
      const update = (n: string) => ({
        TableName: store.table,
        Key: { pk: { S: pk }, sk: { N: '1' } },
        UpdateExpression: 'SET n = :n, b = :b',
        ExpressionAttributeValues: { ':n': { N: n }, ':b': { B: bytes(n) } },
        ReturnValues: 'ALL_NEW' as const,
      });
      const viaTransport = await store.transport.send('UpdateItem', update('2'));
      const viaSdk = withoutMetadata(await store.client.send(new UpdateItemCommand(update('2'))));
      expect(viaTransport).toEqual(viaSdk);
      expect(viaTransport).toEqual({ Attributes: { pk: { S: pk }, sk: { N: '1' }, n: { N: '2' }, b: { B: bytes('2') } } });
    });

    test('a failed condition, an invalid expression and a missing table fail with the SDK error fields', async ({ store }) => {
      const pk = randomUUID();
      const item = { pk: { S: pk }, sk: { N: '1' } };
      await store.client.send(new PutItemCommand({ TableName: store.table, Item: item }));
      const conditional = { TableName: store.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' };
      const conditionFailure = await failureOf(() => store.transport.send('PutItem', conditional));
      expect(conditionFailure).toEqual(await failureOf(() => store.client.send(new PutItemCommand(conditional))));
      expect(conditionFailure).toEqual({
        name: 'ConditionalCheckFailedException',
        message: 'The conditional request failed',
        code: undefined,
        status: 400,
        hasRequestId: true,
        attempts: 1,
        own: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' },
      });
      const invalid = { TableName: store.table, Key: item, ProjectionExpression: 'a b' };
      const validationFailure = await failureOf(() => store.transport.send('GetItem', invalid));
      expect(validationFailure).toEqual(await failureOf(() => store.client.send(new GetItemCommand(invalid))));
      expect(validationFailure).toMatchObject({ name: 'ValidationException', status: 400, attempts: 1 });
      const missing = { TableName: `missing-${randomUUID()}`, Key: item };
      const missingFailure = await failureOf(() => store.transport.send('GetItem', missing));
      expect(missingFailure).toEqual(await failureOf(() => store.client.send(new GetItemCommand(missing))));
      expect(missingFailure).toMatchObject({ name: 'ResourceNotFoundException', status: 400, attempts: 1 });
    });

    if (target.name === 'dynamodb-local') {
      test('a cancelled transaction carries the CancellationReasons (stored Item with bytes) the SDK reports', async ({ store }) => {
        const pk = randomUUID();
        const stored = { ...sampleItem(pk, 1) };
        await store.client.send(new PutItemCommand({ TableName: store.table, Item: stored }));
        const transaction = {
          TransactItems: [
            { Put: { TableName: store.table, Item: { pk: { S: pk }, sk: { N: '2' } } } },
            {
              Put: {
                TableName: store.table,
                Item: { pk: { S: pk }, sk: { N: '1' } },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
              },
            },
          ],
        };
        const viaTransport = await failureOf(() => store.transport.send('TransactWriteItems', transaction));
        expect(viaTransport).toEqual(await failureOf(() => store.client.send(new TransactWriteItemsCommand(transaction))));
        expect(viaTransport['own']).toEqual({ __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: stored }] });
      });
    }
  });
}

interface Recorded {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly path: string;
}

/** A stand-in store on 127.0.0.1 that records each request and answers from a script. */
async function startScriptedStore(answers: readonly { status: number; body: unknown; headers?: Record<string, string> }[]) {
  const recorded: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      recorded.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
      const answer = answers[Math.min(recorded.length - 1, answers.length - 1)] ?? { status: 200, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${recorded.length}`, ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    recorded,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function clientFor(endpoint: string, options: { maxAttempts?: number; sessionToken?: string } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret', ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}) },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}

describe('dynamodb transport: wire format, signature and retries', () => {
  base('posts awsJson1_0 with the target header and a SigV4 signature equal to the SDK signer\'s, session token included', async () => {
    const store = await startScriptedStore([{ status: 200, body: { Item: { id: { S: 'a' }, b: { B: Buffer.from('hi').toString('base64') } } } }]);
    const client = clientFor(`${store.endpoint}/base`, { sessionToken: 'session-token' });
    const transport = createDynamoDBTransport(client);
    try {
      const out = await transport.send('GetItem', { TableName: 't', Key: { id: { S: 'a' }, bin: { B: bytes('key') } } });
      expect(out).toEqual({ Item: { id: { S: 'a' }, b: { B: bytes('hi') } } });
      const [request] = store.recorded;
      if (!request) throw new Error('no request recorded');
      expect(request.path).toBe('/base');
      expect(JSON.parse(request.body)).toEqual({ TableName: 't', Key: { id: { S: 'a' }, bin: { B: Buffer.from('key').toString('base64') } } });
      const amzDate = String(request.headers['x-amz-date']);
      expect({
        'content-type': request.headers['content-type'],
        'x-amz-target': request.headers['x-amz-target'],
        'x-amz-security-token': request.headers['x-amz-security-token'],
        'content-length': request.headers['content-length'],
      }).toEqual({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem', 'x-amz-security-token': 'session-token', 'content-length': String(Buffer.byteLength(request.body)) });
      // The same signed headers; the SDK client also signs its own (user agent, invocation id, x-amz-content-sha256).
      const signer = new SignatureV4({
        service: 'dynamodb',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret', sessionToken: 'session-token' },
        sha256: Sha256,
        applyChecksum: false,
      });
      const url = new URL(store.endpoint);
      const signed = await signer.sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: '/base',
          headers: { 'content-type': 'application/x-amz-json-1.0', host: url.host, 'x-amz-target': 'DynamoDB_20120810.GetItem' },
          body: request.body,
        },
        { signingDate: new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`) },
      );
      expect(request.headers['authorization']).toBe(signed.headers['authorization']);
    } finally {
      transport.close();
      client.destroy();
      await store.close();
    }
  });

  base('retries a 500 and a throttling error, then answers; a client error is not retried', async () => {
    const store = await startScriptedStore([
      { status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' } },
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' } },
      { status: 200, body: { Count: 0, Items: [], ScannedCount: 0 } },
      { status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'bad input' } },
    ]);
    const client = clientFor(store.endpoint, { maxAttempts: 3 });
    const transport = createDynamoDBTransport(client);
    try {
      expect(await transport.send('Scan', { TableName: 't' })).toEqual({ Count: 0, Items: [], ScannedCount: 0 });
      expect(store.recorded).toHaveLength(3);
      expect(await failureOf(() => transport.send('Scan', { TableName: 't' }))).toEqual({
        name: 'ValidationException',
        message: 'bad input',
        code: undefined,
        status: 400,
        hasRequestId: true,
        attempts: 1,
        own: { __type: 'com.amazon.coral.validate#ValidationException' },
      });
      expect(store.recorded).toHaveLength(4);
    } finally {
      transport.close();
      client.destroy();
      await store.close();
    }
  });

  base('gives up after maxAttempts on a refused connection with the error the SDK gives', async () => {
    const store = await startScriptedStore([]);
    const endpoint = store.endpoint;
    await store.close();
    const client = clientFor(endpoint, { maxAttempts: 2 });
    const transport = createDynamoDBTransport(client);
    try {
      const viaTransport = await failureOf(() => transport.send('GetItem', { TableName: 't', Key: { id: { S: 'a' } } }));
      expect(viaTransport).toEqual(await failureOf(() => client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } }))));
      expect(viaTransport).toEqual({ name: 'Error', message: `connect ECONNREFUSED ${endpoint.slice('http://'.length)}`, code: 'ECONNREFUSED', status: undefined, hasRequestId: false, attempts: 2, own: {} });
    } finally {
      transport.close();
      client.destroy();
    }
  });
});

/**
 * Checks the one definition before either host uses it, with errors that name the offending field and
 * the value received (STYLE 2): a mistake fails at synth or at start, not at the first request.
 */
import { existsSync, readFileSync } from 'node:fs';
import { buildSchema, isObjectType, type GraphQLSchema } from 'graphql';
import { ConfigError } from './config-error.ts';
import { projectPath } from './paths.ts';
import { APPSYNC_DEFINITIONS_SDL } from './appsync-sdl.ts';
import type { ApiCacheDefinition, ApiCacheType, ApiDefinition, KeyAttribute, ResolverCachingDefinition } from './types.ts';

/** AppSync allows at most 10 functions in a pipeline. */
export const MAX_PIPELINE_FUNCTIONS = 10;

/** Parses `schema.graphql` with AppSync's built-in scalars and directives declared. */
export function loadSchema(api: ApiDefinition): GraphQLSchema {
  const file = projectPath(api.schemaFile);
  if (!existsSync(file)) throw new ConfigError(`schemaFile: no such file. Received: ${api.schemaFile}`);
  return buildSchema(`${APPSYNC_DEFINITIONS_SDL}\n${readFileSync(file, 'utf8')}`);
}

function assertFile(field: string, file: string): void {
  if (!file.endsWith('.ts')) throw new ConfigError(`${field}: must name a .ts file. Received: ${file}`);
  if (!existsSync(projectPath(file))) throw new ConfigError(`${field}: no such file. Received: ${file}`);
}

function assertKey(field: string, key: KeyAttribute): void {
  if (!/^[A-Za-z0-9_.-]{1,255}$/.test(key.name)) throw new ConfigError(`${field}.name: invalid attribute name. Received: ${key.name}`);
}

/** Throws a ConfigError for the first problem found; returns the parsed schema when all is well. */
export function validateDefinition(api: ApiDefinition): GraphQLSchema {
  const schema = loadSchema(api);
  const { dataSources, functions, tables, lambdas } = api;

  for (const [name, table] of Object.entries(tables)) {
    assertKey(`tables.${name}.partitionKey`, table.partitionKey);
    if (table.sortKey) assertKey(`tables.${name}.sortKey`, table.sortKey);
    const seen = new Set<string>();
    for (const gsi of table.globalSecondaryIndexes) {
      if (seen.has(gsi.indexName)) throw new ConfigError(`tables.${name}.globalSecondaryIndexes: duplicate indexName. Received: ${gsi.indexName}`);
      seen.add(gsi.indexName);
      assertKey(`tables.${name}.globalSecondaryIndexes.${gsi.indexName}.partitionKey`, gsi.partitionKey);
    }
  }
  for (const [name, fn] of Object.entries(lambdas)) {
    assertFile(`lambdas.${name}.entry`, fn.entry);
    if (fn.memorySize < 128 || fn.memorySize > 10240) throw new ConfigError(`lambdas.${name}.memorySize: must be 128-10240. Received: ${fn.memorySize}`);
    if (fn.timeoutSeconds < 1 || fn.timeoutSeconds > 900) throw new ConfigError(`lambdas.${name}.timeoutSeconds: must be 1-900. Received: ${fn.timeoutSeconds}`);
    for (const field of fn.permissions.graphqlFields ?? []) {
      const [typeName = '', fieldName = ''] = field.split('.');
      const type = schema.getType(typeName);
      if (!isObjectType(type) || !type.getFields()[fieldName]) throw new ConfigError(`lambdas.${name}.permissions.graphqlFields: no such field in the schema. Received: ${field}`);
    }
  }
  if (!lambdas[api.bucket.onObjectCreated]) throw new ConfigError(`bucket.onObjectCreated: no such lambda. Received: ${api.bucket.onObjectCreated}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(api.bucket.keyPrefix)) throw new ConfigError(`bucket.keyPrefix: lower-case letters, digits and dashes only. Received: ${api.bucket.keyPrefix}`);

  for (const [name, ds] of Object.entries(dataSources)) {
    if (ds.type === 'AMAZON_DYNAMODB' && !tables[ds.table]) throw new ConfigError(`dataSources.${name}.table: no such table. Received: ${ds.table}`);
    if (ds.type === 'AWS_LAMBDA' && !lambdas[ds.lambda]) throw new ConfigError(`dataSources.${name}.lambda: no such lambda. Received: ${ds.lambda}`);
  }
  for (const [name, fn] of Object.entries(functions)) {
    if (!dataSources[fn.dataSource]) throw new ConfigError(`functions.${name}.dataSource: no such data source. Received: ${fn.dataSource}`);
    assertFile(`functions.${name}.code`, fn.code);
  }

  const fieldsSeen = new Set<string>();
  for (const resolver of api.resolvers) {
    const where = `resolvers[${resolver.typeName}.${resolver.fieldName}]`;
    const type = schema.getType(resolver.typeName);
    if (!isObjectType(type) || !type.getFields()[resolver.fieldName]) throw new ConfigError(`${where}: no such field in ${api.schemaFile}. Received: ${resolver.typeName}.${resolver.fieldName}`);
    if (fieldsSeen.has(`${resolver.typeName}.${resolver.fieldName}`)) throw new ConfigError(`${where}: declared twice`);
    fieldsSeen.add(`${resolver.typeName}.${resolver.fieldName}`);
    assertFile(`${where}.code`, resolver.code);
    if (resolver.kind === 'UNIT') {
      const ds = dataSources[resolver.dataSource];
      if (!ds) throw new ConfigError(`${where}.dataSource: no such data source. Received: ${resolver.dataSource}`);
      if (resolver.maxBatchSize !== undefined && (ds.type !== 'AWS_LAMBDA' || resolver.maxBatchSize < 1 || resolver.maxBatchSize > 2000)) {
        throw new ConfigError(`${where}.maxBatchSize: only for AWS_LAMBDA data sources, 1-2000. Received: ${resolver.maxBatchSize}`);
      }
    } else {
      if (resolver.functions.length < 1 || resolver.functions.length > MAX_PIPELINE_FUNCTIONS) {
        throw new ConfigError(`${where}.functions: a pipeline takes 1-${MAX_PIPELINE_FUNCTIONS} functions. Received: ${resolver.functions.length}`);
      }
      for (const fn of resolver.functions) if (!functions[fn]) throw new ConfigError(`${where}.functions: no such function. Received: ${fn}`);
    }
    if (resolver.caching !== undefined) assertCaching(`${where}.caching`, resolver.caching);
  }
  if (api.cache !== undefined) assertCache(api.cache);
  assertUploadLimits(api);
  return schema;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** S3's multipart limits: https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const S3_LIMITS = { minPartBytes: 5 * MIB, maxPartBytes: 5 * GIB, maxParts: 10_000, maxObjectBytes: 5 * 1024 * GIB, maxPutBytes: 5 * GIB } as const;

function assertUploadLimits(api: ApiDefinition): void {
  const { maxUploadBytes, multipartThresholdBytes, multipartPartBytes, multipartExpirySeconds } = api.assets;
  const int = (field: string, value: number, min: number, max: number, rule: string): void => {
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new ConfigError(`assets.${field}: ${rule}. Received: ${value}`);
  };
  int('maxUploadBytes', maxUploadBytes, 1, S3_LIMITS.maxObjectBytes, 'must be an integer from 1 byte to 5 TiB (S3\'s largest object)');
  int('multipartThresholdBytes', multipartThresholdBytes, S3_LIMITS.minPartBytes, S3_LIMITS.maxPutBytes, 'must be an integer from 5 MiB to 5 GiB (S3\'s largest single PUT)');
  int('multipartPartBytes', multipartPartBytes, S3_LIMITS.minPartBytes, S3_LIMITS.maxPartBytes, 'must be an integer from 5 MiB to 5 GiB (S3\'s part sizes)');
  const maxDays = api.bucket.abortIncompleteMultipartUploadAfterDays;
  int('multipartExpirySeconds', multipartExpirySeconds, 60, maxDays * 86_400, `must be an integer from 60 to ${maxDays * 86_400} (bucket.abortIncompleteMultipartUploadAfterDays: the lifecycle rule aborts the upload then)`);
}

/** AppSync: a cache TTL is 1-3600 seconds (https://docs.aws.amazon.com/appsync/latest/APIReference/API_CachingConfig.html). */
function assertTtl(field: string, ttl: number): void {
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 3600) throw new ConfigError(`${field}: must be an integer 1-3600 (seconds). Received: ${ttl}`);
}

/** Caching keys are entries of `$context.arguments`, `$context.source` or `$context.identity` (same page). */
export const CACHING_KEY_PATTERN = /^\$(context|ctx)\.(arguments|args|source|identity)\.[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function assertCaching(field: string, caching: ResolverCachingDefinition): void {
  if (caching.ttlSeconds !== undefined) assertTtl(`${field}.ttlSeconds`, caching.ttlSeconds);
  if (caching.keys.length === 0) throw new ConfigError(`${field}.keys: name at least one caching key (a result without keys would be shared by every caller). Received: []`);
  for (const key of caching.keys) {
    if (!CACHING_KEY_PATTERN.test(key)) throw new ConfigError(`${field}.keys: must be an entry of $context.arguments, $context.source or $context.identity. Received: ${key}`);
  }
}

const CACHE_TYPES: readonly ApiCacheType[] = ['SMALL', 'MEDIUM', 'LARGE', 'XLARGE', 'LARGE_2X', 'LARGE_4X', 'LARGE_8X', 'LARGE_12X'];

function assertCache(cache: ApiCacheDefinition): void {
  assertTtl('cache.ttlSeconds', cache.ttlSeconds);
  if (!CACHE_TYPES.includes(cache.type)) throw new ConfigError(`cache.type: must be one of ${CACHE_TYPES.join(', ')}. Received: ${String(cache.type)}`);
  if (cache.atRestEncryption !== true || cache.transitEncryption !== true) {
    throw new ConfigError(`cache: cached results hold asset metadata, so atRestEncryption and transitEncryption must both be true. Received: ${JSON.stringify({ atRestEncryption: cache.atRestEncryption, transitEncryption: cache.transitEncryption })}`);
  }
}

/**
 * Deployment settings of the CDK app, read once from CDK context (`cdk.json` or `-c key=value`) and
 * validated with errors that name the key and the value received (STYLE 10). Everything about the API
 * itself comes from `api/definition.ts`; this file only holds what differs between deployments.
 */
import type { Node } from 'constructs';
import { ConfigError } from '../api/config-error.ts';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** Optional S3 storage class transitions of asset objects. */
export interface StorageTransitions {
  /** Days after creation before objects move to STANDARD_IA (S3 requires at least 30). */
  readonly infrequentAccessDays?: number;
  /** Days after creation before objects move to GLACIER_IR (after the IA transition, if any). */
  readonly glacierDays?: number;
}

export interface InfraConfig {
  /** Deployment stage; names the stack (`AssetApi-<stage>`). @default 'dev' */
  readonly stage: string;
  /** What happens to the table, bucket, user pool and logs when the stack goes. @default 'retain' for prod, 'destroy' otherwise */
  readonly removalPolicy: 'retain' | 'destroy';
  /** Whether GraphQL introspection is allowed. @default true, except false for prod */
  readonly introspection: boolean;
  /** Browser origins allowed to PUT/GET objects with presigned URLs. @default ['http://localhost:4000'] */
  readonly corsAllowedOrigins: readonly string[];
  /** Storage class transitions of asset objects. @default none */
  readonly storageTransitions?: StorageTransitions;
  /** A regional WAFv2 web ACL to associate with the GraphQL API. @default none */
  readonly wafWebAclArn?: string;
  /** Retention of every log group the stack creates. @default 30 for dev, 365 otherwise */
  readonly logRetentionDays: LogRetentionDays;
  /** 'aws-managed' (SSE-S3, DynamoDB AWS-owned/managed keys) or 'customer-managed' (one KMS key with rotation). @default 'aws-managed' */
  readonly encryption: 'aws-managed' | 'customer-managed';
  /** S3 versioning of the asset bucket (noncurrent versions expire after 30 days). @default false */
  readonly bucketVersioning: boolean;
}

/** The stack's name for a stage (what `cdk deploy` and `--outputs-file` call it). */
export function stackName(stage: string): string {
  return `AssetApi-${stage}`;
}

/** The context keys this app reads. */
export const CONTEXT_KEYS = [
  'stage',
  'removalPolicy',
  'introspection',
  'corsAllowedOrigins',
  'storageTransitions',
  'wafWebAclArn',
  'logRetentionDays',
  'encryption',
  'bucketVersioning',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

function received(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

function fail(key: string, rule: string, value: unknown): never {
  throw new ConfigError(`context.${key}: ${rule}. Received: ${received(value)}`);
}

/** `-c key=value` always yields strings; cdk.json may hold JSON. Accept both for structured values. */
function parseJsonString(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail(key, 'must be valid JSON', value);
  }
}

function readBoolean(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(key, 'must be true or false', value);
}

function readInteger(key: string, value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return fail(key, 'must be a positive integer', value);
  return n;
}

function readOrigins(value: unknown): string[] {
  const key = 'corsAllowedOrigins';
  const parsed = parseJsonString(key, value);
  const list = typeof parsed === 'string' ? parsed.split(',').map((s) => s.trim()) : parsed;
  if (!Array.isArray(list) || list.length === 0) return fail(key, 'must be a non-empty list of origins', value);
  return list.map((origin: unknown) => {
    // An origin is scheme://host[:port], with no path; '*' would let any site upload with a stolen URL.
    if (typeof origin !== 'string' || !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      return fail(key, 'each origin must look like https://host[:port] (no path, no wildcard)', origin);
    }
    return origin;
  });
}

function readTransitions(value: unknown): StorageTransitions | undefined {
  const key = 'storageTransitions';
  if (value === undefined) return undefined;
  const parsed = parseJsonString(key, value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(key, 'must be an object { infrequentAccessDays?, glacierDays? }', value);
  const record = parsed as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    if (k !== 'infrequentAccessDays' && k !== 'glacierDays') fail(`${key}.${k}`, 'unknown key (use infrequentAccessDays or glacierDays)', record[k]);
  }
  const ia = record['infrequentAccessDays'] === undefined ? undefined : readInteger(`${key}.infrequentAccessDays`, record['infrequentAccessDays']);
  const glacier = record['glacierDays'] === undefined ? undefined : readInteger(`${key}.glacierDays`, record['glacierDays']);
  // S3: "Days for Transition action must be greater than or equal to 30 for storageClass STANDARD_IA".
  if (ia !== undefined && ia < 30) fail(`${key}.infrequentAccessDays`, 'S3 requires at least 30', ia);
  // S3 requires 30 days in STANDARD_IA before the next transition.
  if (ia !== undefined && glacier !== undefined && glacier < ia + 30) fail(`${key}.glacierDays`, `must be at least infrequentAccessDays + 30 (${ia + 30})`, glacier);
  return { ...(ia === undefined ? {} : { infrequentAccessDays: ia }), ...(glacier === undefined ? {} : { glacierDays: glacier }) };
}

/**
 * Validates raw context values (as `node.tryGetContext` returns them) into a frozen config.
 * `context` holds only the keys that were set.
 */
export function parseInfraConfig(context: Readonly<Partial<Record<ContextKey, unknown>>>): InfraConfig {
  const stage = context.stage ?? 'dev';
  if (typeof stage !== 'string' || !/^[a-z][a-z0-9-]{0,19}$/.test(stage)) fail('stage', 'lower-case letters, digits and dashes, 1-20 characters, starting with a letter', stage);
  const prod = stage === 'prod';

  const removalPolicy = context.removalPolicy ?? (prod ? 'retain' : 'destroy');
  if (removalPolicy !== 'retain' && removalPolicy !== 'destroy') fail('removalPolicy', "must be 'retain' or 'destroy'", removalPolicy);

  const logRetention = context.logRetentionDays === undefined ? (stage === 'dev' ? 30 : 365) : readInteger('logRetentionDays', context.logRetentionDays);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetention)) fail('logRetentionDays', `must be one of ${LOG_RETENTION_DAYS.join(', ')}`, context.logRetentionDays);

  const encryption = context.encryption ?? 'aws-managed';
  if (encryption !== 'aws-managed' && encryption !== 'customer-managed') fail('encryption', "must be 'aws-managed' or 'customer-managed'", encryption);

  const waf = context.wafWebAclArn;
  if (waf !== undefined && (typeof waf !== 'string' || !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[^/]+\/[^/]+$/.test(waf))) {
    fail('wafWebAclArn', 'must be the ARN of a REGIONAL WAFv2 web ACL (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)', waf);
  }
  const storageTransitions = readTransitions(context.storageTransitions);

  return Object.freeze({
    stage,
    removalPolicy,
    introspection: readBoolean('introspection', context.introspection, !prod),
    corsAllowedOrigins: Object.freeze(readOrigins(context.corsAllowedOrigins ?? ['http://localhost:4000'])),
    logRetentionDays: logRetention as LogRetentionDays,
    encryption,
    bucketVersioning: readBoolean('bucketVersioning', context.bucketVersioning, false),
    ...(storageTransitions === undefined ? {} : { storageTransitions: Object.freeze(storageTransitions) }),
    ...(waf === undefined ? {} : { wafWebAclArn: waf }),
  });
}

/** Reads the config from a construct node's context (the CDK app's), e.g. `loadInfraConfig(app.node)`. */
export function loadInfraConfig(node: Node): InfraConfig {
  const context: Partial<Record<ContextKey, unknown>> = {};
  for (const key of CONTEXT_KEYS) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined) context[key] = value;
  }
  return parseInfraConfig(context);
}

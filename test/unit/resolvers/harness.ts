/**
 * Runs the shipped resolver bundles (`dist/resolvers/...`, built by the global setup) through the
 * local APPSYNC_JS runtime, one handler at a time, with contexts as AppSync builds them, in the
 * runtime mode of the test project (test/unit/runtime/runtime-mode.ts).
 */
import { api } from '../../../api/definition.ts';
import { resolverEnvironment, tableEnvironment } from '../../../api/environment.ts';
import { localTableNames } from '../../../local/stores/tables.ts';
import { resolverBundlePath } from '../../../api/paths.ts';
import type { AuthType } from '../../../api/types.ts';
import { loadResolverFile, type HandlerOutcome, type ResolverContextInput } from '../../../local/runtime/index.ts';
import { RUNTIME } from '../runtime/runtime-mode.ts';

/** `ctx.env` as both hosts set it (table names as the local host names them). */
export const ENV = { ...resolverEnvironment(api), ...tableEnvironment(localTableNames(api)) };
export const ASSETS_TABLE = localTableNames(api)['assets'] ?? '';
export const ASSET_TAGS_TABLE = localTableNames(api)['assetTags'] ?? '';

export const USER_A = 'a1f0c2e4-1111-4aaa-8bbb-000000000001';
export const USER_B = 'b2f0c2e4-2222-4aaa-8bbb-000000000002';

/** A Cognito user-pool identity (docs/APPSYNC-BEHAVIOUR.md#resolver-identity-and-request). */
export function userPoolIdentity(sub: string): Record<string, unknown> {
  return {
    sub,
    issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
    username: `user-${sub.slice(0, 4)}`,
    claims: { sub, 'cognito:username': `user-${sub.slice(0, 4)}`, token_use: 'id' },
    sourceIp: ['198.51.100.23'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  };
}

export const IAM_IDENTITY = {
  accountId: '123456789012',
  cognitoIdentityPoolId: null,
  cognitoIdentityId: null,
  sourceIp: ['10.0.0.1'],
  username: 'AROAEXAMPLE:upload-completed',
  userArn: 'arn:aws:sts::123456789012:assumed-role/upload-completed/upload-completed',
  cognitoIdentityAuthType: null,
  cognitoIdentityAuthProvider: null,
};

/** Who calls: a user-pool user, an API-key caller, or the backend with IAM. */
export type Caller = { readonly user: string } | 'apikey' | 'iam';

export interface Call {
  readonly caller?: Caller;
  readonly args?: Record<string, unknown>;
  readonly source?: Record<string, unknown> | null;
  readonly stash?: Record<string, unknown>;
  readonly prev?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly message: string; readonly type: string };
}

/** `Type.field` of the resolver that runs `codeFile` (for a pipeline function: the resolver listing it). */
function fieldOf(codeFile: string): { parentTypeName: string; fieldName: string } {
  const fn = Object.entries(api.functions).find(([, f]) => f.code === codeFile)?.[0];
  const resolver = api.resolvers.find((r) => r.code === codeFile || (fn !== undefined && r.kind === 'PIPELINE' && (r.functions as readonly string[]).includes(fn)));
  if (resolver === undefined) throw new Error(`${codeFile} is not in api/definition.ts`);
  return { parentTypeName: resolver.typeName, fieldName: resolver.fieldName };
}

/** The error `util.unauthorized()` raises in a live request (docs/APPSYNC-BEHAVIOUR.md#js-util-errors). */
export function unauthorized(codeFile: string): { message: string; errorType: string } {
  const { parentTypeName, fieldName } = fieldOf(codeFile);
  return { message: `Not Authorized to access ${fieldName} on type ${parentTypeName}`, errorType: 'Unauthorized' };
}

function identityOf(caller: Caller): { identity: Record<string, unknown> | null; authType: AuthType } {
  if (caller === 'apikey') return { identity: null, authType: 'API_KEY' };
  if (caller === 'iam') return { identity: IAM_IDENTITY, authType: 'AWS_IAM' };
  return { identity: userPoolIdentity(caller.user), authType: 'AMAZON_COGNITO_USER_POOLS' };
}

/** `ctx` for a handler of `codeFile`, as AppSync builds it for `call`; its stash is `call.stash` itself. */
export function contextOf(codeFile: string, call: Call = {}): ResolverContextInput {
  const { identity, authType } = identityOf(call.caller ?? { user: USER_A });
  return {
    arguments: call.args ?? {},
    identity,
    source: call.source ?? null,
    stash: call.stash ?? {},
    ...(call.prev === undefined ? {} : { prev: { result: call.prev } }),
    ...(call.result === undefined ? {} : { result: call.result }),
    ...(call.error === undefined ? {} : { error: call.error }),
    request: { headers: {}, domainName: null },
    info: { ...fieldOf(codeFile), variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
    env: ENV,
    authType,
  };
}

/**
 * Evaluates `handler` of the bundle built from `codeFile`, in the test project's runtime mode
 * (test/unit/runtime/runtime-mode.ts); the stash is written back into `call.stash`.
 */
export function run(codeFile: string, handler: 'request' | 'response', call: Call = {}): HandlerOutcome & { stash: Record<string, unknown> } {
  const ctx = contextOf(codeFile, call);
  const outcome = loadResolverFile(resolverBundlePath(codeFile), RUNTIME).evaluate(handler, ctx);
  return { ...outcome, stash: ctx.stash };
}

/**
 * The parts of an outcome most tests assert on. `earlyReturn.skipTo` is kept only when the resolver
 * passed one; the runtime marks the default (whose meaning depends on where it was called).
 */
export function summary(outcome: HandlerOutcome): { value: unknown; error: unknown; earlyReturn: unknown } {
  const early = outcome.earlyReturn as (HandlerOutcome['earlyReturn'] & { readonly skipToDefaulted?: boolean }) | null;
  return {
    value: outcome.value,
    error: outcome.error && { message: outcome.error.message, errorType: outcome.error.errorType },
    earlyReturn: early && (early.skipToDefaulted === true ? { value: early.value } : { value: early.value, skipTo: early.skipTo }),
  };
}

/** An item of the assets table. */
export function assetItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = (overrides['id'] as string | undefined) ?? '7d3c6a5e-0b1f-4c2d-9e8f-0123456789ab';
  const owner = (overrides['owner'] as string | undefined) ?? USER_A;
  return {
    id,
    owner,
    name: 'photo.png',
    contentType: 'image/png',
    size: 2048,
    checksumSha256: null,
    description: null,
    tags: null,
    status: 'PENDING',
    createdAt: '2025-03-04T05:06:07.890Z',
    updatedAt: '2025-03-04T05:06:07.890Z',
    key: `assets/${owner}/${id}/photo.png`,
    expiresAt: 1741068067,
    ...overrides,
  };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

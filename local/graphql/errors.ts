/**
 * The error a field resolution raises on purpose: `util.error`, `util.unauthorized`, a data-source
 * request AppSync would reject, an auth directive, a limit. It knows its AppSync wire shape
 * (docs/APPSYNC-BEHAVIOUR.md#graphql-error-object) and is recognised by brand (STYLE 7), because errors raised inside
 * the resolver sandbox come from another realm.
 */
import { defineBrandedError, hasErrorBrand } from '../../api/branded-error.ts';

/** `errorType` values the executor itself raises, named as AppSync names them. */
export const ERROR_TYPE = {
  UNAUTHORIZED: 'Unauthorized',
  CODE: 'Code',
  MAPPING_TEMPLATE: 'MappingTemplate',
  QUERY_DEPTH_LIMIT_REACHED: 'QueryDepthLimitReached',
  RESOLVER_EXECUTION_LIMIT_REACHED: 'ResolverExecutionLimitReached',
  LAMBDA_UNHANDLED: 'Lambda:Unhandled',
  INTERNAL_FAILURE: 'InternalFailure',
} as const;

export interface AppSyncResolverErrorShape {
  readonly message: string;
  readonly errorType: string | null;
  readonly data?: unknown;
  readonly errorInfo?: unknown;
}

export class AppSyncResolverError extends defineBrandedError('AppSyncResolverError') {
  readonly errorType: string | null;
  readonly data: unknown;
  readonly errorInfo: unknown;

  constructor(shape: AppSyncResolverErrorShape) {
    super(shape.message);
    this.errorType = shape.errorType;
    this.data = shape.data ?? null;
    this.errorInfo = shape.errorInfo ?? null;
  }
}

export function isAppSyncResolverError(e: unknown): e is AppSyncResolverError {
  return hasErrorBrand(e, 'AppSyncResolverError');
}

/** `Not Authorized to access <field> on type <Type>` (docs/APPSYNC-BEHAVIOUR.md#field-authorization-directives). */
export function unauthorizedFieldError(fieldName: string, typeName: string): AppSyncResolverError {
  return new AppSyncResolverError({
    message: `Not Authorized to access ${fieldName} on type ${typeName}`,
    errorType: ERROR_TYPE.UNAUTHORIZED,
  });
}

/** Normalises any thrown value to an Error (STYLE 8). */
export function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    const error = new Error((e as { message: string }).message);
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string') error.name = name;
    return error;
  }
  return new Error(typeof e === 'string' ? e : String(e));
}

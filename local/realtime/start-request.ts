/** Reading a `start` frame's `payload.data`, and executor errors as realtime wire errors. */
import { isRecord } from '../../api/guards.ts';
import type { AppSyncGraphQLError, GraphQLRequest } from '../graphql/contract.ts';
import type { AppSyncHttpError } from '../http/http-error.ts';
import { RealtimeError, REALTIME_ERROR_TYPE, type WireError } from './frames.ts';

/** A start's `authorization` object with lower-case header names, string values only. */
export function lowerCaseStrings(value: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key.toLowerCase()] = v;
  return out;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** `payload.data` -> GraphQL request, or a `RealtimeError` naming the problem. */
export function parseStartData(id: string, data: string): GraphQLRequest {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, 'start: payload.data must be a JSON string holding {"query", "variables"}, got text that is not JSON', { id });
  }
  if (!isRecord(value)) throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, `start: payload.data must hold a JSON object, got ${describe(value)}`, { id });
  const { query, variables, operationName } = value;
  if (typeof query !== 'string') throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, `start: payload.data.query must be a string, got ${describe(query)}`, { id });
  if (variables !== undefined && variables !== null && !isRecord(variables)) {
    throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, `start: payload.data.variables must be an object, got ${describe(variables)}`, { id });
  }
  return { query, variables: variables ?? null, ...(typeof operationName === 'string' ? { operationName } : {}) };
}

/**
 * Executor errors -> realtime wire errors (docs/APPSYNC-BEHAVIOUR.md#realtime-errors): directive denials become
 * `UnauthorizedException` "Permission denied"; validation errors carry only their message.
 */
export function toWireErrors(errors: readonly AppSyncGraphQLError[]): WireError[] {
  return errors.map((e) =>
    e.errorType === 'Unauthorized'
      ? { errorType: REALTIME_ERROR_TYPE.UNAUTHORIZED, message: 'Permission denied' }
      : { ...(e.errorType !== undefined ? { errorType: e.errorType } : {}), message: e.message },
  );
}

export function authWireError(error: AppSyncHttpError): WireError {
  return { errorType: error.errorType, message: error.message, errorCode: error.status };
}

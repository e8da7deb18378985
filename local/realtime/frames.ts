/**
 * AppSync's realtime message vocabulary (docs/APPSYNC-BEHAVIOUR.md#realtime-message-catalogue): client frames parsed at the
 * edge into a typed union (STYLE 9), server frames built in one place, and `RealtimeError` with its one
 * formatter (STYLE 6).
 */
import { defineBrandedError, hasErrorBrand } from '../../api/branded-error.ts';
import { isRecord } from '../../api/guards.ts';

export const CLIENT_MESSAGE = {
  CONNECTION_INIT: 'connection_init',
  START: 'start',
  STOP: 'stop',
} as const;

export const SERVER_MESSAGE = {
  CONNECTION_ACK: 'connection_ack',
  CONNECTION_ERROR: 'connection_error',
  KA: 'ka',
  START_ACK: 'start_ack',
  DATA: 'data',
  ERROR: 'error',
  COMPLETE: 'complete',
} as const;

/** errorType strings of the realtime error catalogue (docs/APPSYNC-BEHAVIOUR.md#realtime-errors), spelled as AWS spells them. */
export const REALTIME_ERROR_TYPE = {
  UNAUTHORIZED: 'UnauthorizedException',
  UNSUPPORTED_OPERATION: 'UnsupportedOperation',
  DUPLICATED_OPERATION: 'DuplicatedOperationError',
  MAX_SUBSCRIPTIONS: 'MaxSubscriptionsReachedError',
  BAD_REQUEST: 'BadRequestException',
  INTERNAL: 'InternalFailureException',
} as const;

export type ClientFrame =
  | { readonly type: 'connection_init' }
  | {
      readonly type: 'start';
      readonly id: string;
      /** `payload.data`: the JSON string `{"query":…,"variables":…}`, kept verbatim (IAM signs it). */
      readonly data: string;
      /** `payload.extensions.authorization`, null when absent. */
      readonly authorization: Readonly<Record<string, unknown>> | null;
    }
  | { readonly type: 'stop'; readonly id: string };

/** A failure reported on the socket: an `error` frame (with `id` when it concerns one subscription). */
export class RealtimeError extends defineBrandedError('RealtimeError') {
  constructor(
    readonly errorType: string | null,
    message: string,
    readonly details: {
      readonly id?: string;
      readonly errorCode?: number;
      /** AppSync sends `MaxSubscriptionsReachedError` with `errors` as an object, not an array (docs/APPSYNC-BEHAVIOUR.md#realtime-limits). */
      readonly errorsAsObject?: boolean;
    } = {},
  ) {
    super(message);
  }
}

export function isRealtimeError(e: unknown): e is RealtimeError {
  return hasErrorBrand(e, 'RealtimeError');
}

export interface WireError {
  readonly errorType?: string;
  readonly message: string;
  readonly errorCode?: number;
}

/** The one formatter for realtime failures. */
export function formatRealtimeError(error: RealtimeError): string {
  const wire: WireError = {
    ...(error.errorType !== null ? { errorType: error.errorType } : {}),
    message: error.message,
    ...(error.details.errorCode !== undefined ? { errorCode: error.details.errorCode } : {}),
  };
  return errorFrame(error.details.id ?? null, error.details.errorsAsObject === true ? wire : [wire]);
}

export function errorFrame(id: string | null, errors: readonly WireError[] | WireError): string {
  return JSON.stringify(id === null ? { type: SERVER_MESSAGE.ERROR, payload: { errors } } : { type: SERVER_MESSAGE.ERROR, id, payload: { errors } });
}

export function connectionAckFrame(connectionTimeoutMs: number): string {
  return JSON.stringify({ type: SERVER_MESSAGE.CONNECTION_ACK, payload: { connectionTimeoutMs } });
}

export function connectionErrorFrame(errors: readonly WireError[]): string {
  return JSON.stringify({ type: SERVER_MESSAGE.CONNECTION_ERROR, payload: { errors } });
}

export const KA_FRAME = JSON.stringify({ type: SERVER_MESSAGE.KA });

export function startAckFrame(id: string): string {
  return JSON.stringify({ type: SERVER_MESSAGE.START_ACK, id });
}

/** `{"type":"data","id":…,"payload":…}` around an already serialized payload (shared by many sockets). */
export function dataFrame(id: string, payloadJson: string): string {
  return `{"type":"${SERVER_MESSAGE.DATA}","id":${JSON.stringify(id)},"payload":${payloadJson}}`;
}

export function completeFrame(id: string, payload?: { readonly message: string }): string {
  return JSON.stringify(payload === undefined ? { type: SERVER_MESSAGE.COMPLETE, id } : { type: SERVER_MESSAGE.COMPLETE, id, payload });
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function badRequest(message: string, id?: string): RealtimeError {
  return new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, message, id === undefined ? {} : { id });
}

/** Parses one text frame from the client, or throws a `RealtimeError` saying what was wrong. */
export function parseClientFrame(raw: string): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest('message must be a JSON object, got text that is not JSON');
  }
  if (!isRecord(value)) throw badRequest(`message must be a JSON object, got ${describe(value)}`);
  const { type } = value;
  const id = typeof value['id'] === 'string' && value['id'] !== '' ? value['id'] : undefined;
  switch (type) {
    case CLIENT_MESSAGE.CONNECTION_INIT:
      return { type };
    case CLIENT_MESSAGE.STOP:
      if (id === undefined) throw badRequest(`stop: id must be a non-empty string, got ${describe(value['id'])}`);
      return { type, id };
    case CLIENT_MESSAGE.START: {
      if (id === undefined) throw badRequest(`start: id must be a non-empty string, got ${describe(value['id'])}`);
      const payload = value['payload'];
      if (!isRecord(payload)) throw badRequest(`start: payload must be an object, got ${describe(payload)}`, id);
      const data = payload['data'];
      if (typeof data !== 'string') throw badRequest(`start: payload.data must be a JSON string, got ${describe(data)}`, id);
      const extensions = payload['extensions'];
      const authorization = isRecord(extensions) && isRecord(extensions['authorization']) ? extensions['authorization'] : null;
      return { type, id, data, authorization };
    }
    default:
      throw badRequest(`message type must be one of connection_init, start, stop, got ${typeof type === 'string' ? JSON.stringify(type) : describe(type)}`, id);
  }
}

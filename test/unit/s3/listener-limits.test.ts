import { describe, expect, it } from 'vitest';
import { assertS3ListenerLimits, DEFAULT_S3_LISTENER_LIMITS } from '../../../local/s3/listener-limits.ts';

describe('s3 listener limits: options', () => {
  it("defaults to the public port's silence, header and keep-alive bounds, with at most 1024 connections", () => {
    expect(assertS3ListenerLimits(DEFAULT_S3_LISTENER_LIMITS)).toEqual({ idleTimeoutMs: 10_000, headersTimeoutMs: 15_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024 });
  });

  it('refuses limits that are not positive integers, naming the field and the value received', () => {
    expect(() => assertS3ListenerLimits({ ...DEFAULT_S3_LISTENER_LIMITS, idleTimeoutMs: 0 })).toThrow('listenerLimits.idleTimeoutMs: must be a positive integer. Received: 0');
    expect(() => assertS3ListenerLimits({ ...DEFAULT_S3_LISTENER_LIMITS, maxConnections: 1.5 })).toThrow('listenerLimits.maxConnections: must be a positive integer. Received: 1.5');
  });
});

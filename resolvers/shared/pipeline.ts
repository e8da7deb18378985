/** Response handlers that pipeline functions share. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';

/**
 * Surfaces `ctx.error` (AppSync does not raise a data source's error for you), else passes the
 * previous function's result on: for a function whose own result is of no further use.
 */
export function passOnPrevResult<TResult>(ctx: Pick<Context<unknown, Record<string, unknown>, { result: TResult }>, 'error' | 'prev'>): TResult {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.prev.result;
}

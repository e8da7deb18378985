// PLACEHOLDER: being written (issue 5).
import type { Context } from '@aws-appsync/utils';
export function request(ctx: Context) { return { payload: null }; }
export function response(ctx: Context) { return ctx.prev?.result ?? ctx.result; }

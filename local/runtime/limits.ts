/**
 * AppSync limits the local runtime enforces (docs/APPSYNC-BEHAVIOUR.md#js-code-size-limit; AWS docs:
 * API_Resolver.html, API_EvaluateCode.html, the AppSync service quotas page).
 */

/** Characters in a resolver's or function's `code` (`Resolver.code`, `FunctionConfiguration.code`). */
export const CODE_SIZE_LIMIT = 32_768;

/** Characters in the mock `context` of `EvaluateCode`. */
export const EVALUATE_CONTEXT_SIZE_LIMIT = 28_000;

/** Functions in one pipeline resolver (service quota: https://docs.aws.amazon.com/general/latest/gr/appsync.html). */
export const PIPELINE_FUNCTION_LIMIT = 10;

/** Bytes of a resolver's evaluated request/response mapping (service quota "mapping template size": 5 MB). */
export const RESPONSE_SIZE_LIMIT_BYTES = 5 * 1024 * 1024;

/** `extensions.invalidateSubscriptions` unique calls per request (docs/APPSYNC-BEHAVIOUR.md#subscription-invalidation). */
export const INVALIDATION_CALL_LIMIT = 5;

/** Bytes of custom response headers `util.http.addResponseHeader(s)` may add (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers). */
export const RESPONSE_HEADERS_LIMIT_BYTES = 4096;

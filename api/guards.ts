/**
 * Type guards shared by the local runtime, the API declaration, the CDK app and the scripts. The
 * APPSYNC_JS resolvers, the Lambda bundles and the vm sandbox (`local/runtime/sandbox/`) keep their
 * own copies: each is bundled on its own and must not pull in host modules.
 */

/** A non-null object that is not an array: the shape of a parsed JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the file `cdk deploy --outputs-file <file>` writes ({ "<stack name>": { "<output key>":
 * "<value>" } }) into what the AWS target needs, with errors that name the file, the stack and the
 * missing or malformed output.
 * https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-deploy.html
 */
import { STACK_OUTPUT_KEYS } from '../../../infra/stack-outputs.ts';

/** The outputs the AWS target reads; each must exist in the synthesized template. */
export const AWS_TARGET_OUTPUT_KEYS = [
  STACK_OUTPUT_KEYS.graphqlUrl,
  STACK_OUTPUT_KEYS.realtimeUrl,
  STACK_OUTPUT_KEYS.graphqlApiId,
  STACK_OUTPUT_KEYS.region,
  STACK_OUTPUT_KEYS.userPoolId,
  STACK_OUTPUT_KEYS.userPoolClientId,
] as const;

export interface AwsStackOutputs {
  readonly stackName: string;
  /** `https://<id>.appsync-api.<region>.amazonaws.com/graphql` */
  readonly graphqlUrl: string;
  /** `wss://<id>.appsync-realtime-api.<region>.amazonaws.com/graphql` */
  readonly realtimeUrl: string;
  readonly graphqlApiId: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

/**
 * AppSync's own endpoints: `https://<id>.appsync-api.<region>.amazonaws.com/graphql`, and for
 * realtime the same host with `appsync-api` replaced by `appsync-realtime-api`, scheme `wss`.
 * https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
 */
const GRAPHQL_URL = /^https:\/\/([a-z0-9]+)\.appsync-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/graphql$/;

/** The realtime URL AWS documents for a GraphQL URL (default domain only; custom domains differ). */
export function deriveRealtimeUrl(graphqlUrl: string): string {
  const url = parseGraphqlUrl(graphqlUrl);
  return `wss://${url.apiId}.appsync-realtime-api.${url.region}.amazonaws.com${url.cnSuffix}/graphql`;
}

/** The API id and region in an AppSync GraphQL URL, or an error that quotes the URL. */
export function parseGraphqlUrl(graphqlUrl: string): { readonly apiId: string; readonly region: string; readonly cnSuffix: string } {
  const match = GRAPHQL_URL.exec(graphqlUrl);
  if (!match?.[1] || !match[2]) {
    throw new Error(`${STACK_OUTPUT_KEYS.graphqlUrl}: must be https://<id>.appsync-api.<region>.amazonaws.com/graphql. Received: ${JSON.stringify(graphqlUrl)}`);
  }
  return { apiId: match[1], region: match[2], cnSuffix: match[3] ?? '' };
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Picks the stack: `stackName` when that stack is in the file, else the only stack in the file.
 * `source` names the file in errors.
 */
export function selectStackOutputs(file: unknown, stackName: string, source: string): { readonly stackName: string; readonly outputs: Record<string, unknown> } {
  if (!isRecord(file)) throw new Error(`${source}: must be a JSON object of stack name -> outputs (cdk deploy --outputs-file). Received: ${describe(file)}`);
  const names = Object.keys(file);
  const chosen = stackName in file ? stackName : names.length === 1 ? names[0]! : undefined;
  if (chosen === undefined) {
    throw new Error(`${source}: no stack named ${JSON.stringify(stackName)}, and ${names.length === 0 ? 'no stack at all' : `several stacks (${names.join(', ')})`}; deploy it or pick one with ASSET_API_STACK.`);
  }
  const outputs = file[chosen];
  if (!isRecord(outputs)) throw new Error(`${source}: ${chosen}: must be an object of output key -> value. Received: ${describe(outputs)}`);
  return { stackName: chosen, outputs };
}

/** Validates a stack's outputs (as `selectStackOutputs` returns them) into the values the target uses. */
export function parseAwsStackOutputs(file: unknown, options: { readonly stackName: string; readonly source: string }): AwsStackOutputs {
  const selected = selectStackOutputs(file, options.stackName, options.source);
  const where = `${options.source}: ${selected.stackName}`;
  const read = (key: (typeof AWS_TARGET_OUTPUT_KEYS)[number]): string => {
    const value = selected.outputs[key];
    if (value === undefined) throw new Error(`${where}: missing output ${key} (was the stack deployed from this checkout, with a user pool?)`);
    if (typeof value !== 'string' || value.length === 0) throw new Error(`${where}: output ${key} must be a non-empty string. Received: ${describe(value)}`);
    return value;
  };
  const graphqlUrl = read(STACK_OUTPUT_KEYS.graphqlUrl);
  const { apiId, region } = parseGraphqlUrl(graphqlUrl);
  const values: AwsStackOutputs = {
    stackName: selected.stackName,
    graphqlUrl,
    realtimeUrl: read(STACK_OUTPUT_KEYS.realtimeUrl),
    graphqlApiId: read(STACK_OUTPUT_KEYS.graphqlApiId),
    region: read(STACK_OUTPUT_KEYS.region),
    userPoolId: read(STACK_OUTPUT_KEYS.userPoolId),
    userPoolClientId: read(STACK_OUTPUT_KEYS.userPoolClientId),
  };
  // The outputs come from one template, so they must agree; a mismatch means a hand-edited file.
  const expected = { realtimeUrl: deriveRealtimeUrl(graphqlUrl), graphqlApiId: apiId, region };
  const received = { realtimeUrl: values.realtimeUrl, graphqlApiId: values.graphqlApiId, region: values.region };
  if (describe(expected) !== describe(received)) {
    throw new Error(`${where}: outputs ${STACK_OUTPUT_KEYS.realtimeUrl}, ${STACK_OUTPUT_KEYS.graphqlApiId} and ${STACK_OUTPUT_KEYS.region} disagree with ${STACK_OUTPUT_KEYS.graphqlUrl}. Expected: ${describe(expected)}. Received: ${describe(received)}`);
  }
  // A user pool id is `<region>_<suffix>`.
  if (!values.userPoolId.startsWith(`${region}_`)) {
    throw new Error(`${where}: output ${STACK_OUTPUT_KEYS.userPoolId} must be <region>_<id> in ${region}. Received: ${describe(values.userPoolId)}`);
  }
  return Object.freeze(values);
}

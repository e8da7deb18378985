/**
 * The API key, read with `appsync:ListApiKeys` rather than from the stack's outputs: AppSync's key id
 * is the key itself, and outputs are readable by anyone allowed `cloudformation:DescribeStacks`.
 * https://docs.aws.amazon.com/appsync/latest/APIReference/API_ListApiKeys.html
 */
import { ListApiKeysCommand, type AppSyncClient, type ListApiKeysCommandInput, type ListApiKeysCommandOutput } from '@aws-sdk/client-appsync';

/** The AppSync operation the target uses, with only the response fields it reads. */
export interface AppSyncKeysApi {
  listApiKeys(input: ListApiKeysCommandInput): Promise<Pick<ListApiKeysCommandOutput, 'apiKeys' | 'nextToken'>>;
}

export function createSdkAppSyncKeys(client: AppSyncClient): AppSyncKeysApi {
  return { listApiKeys: (input) => client.send(new ListApiKeysCommand(input)) };
}

export interface ListedApiKey {
  readonly id?: string | undefined;
  /** Seconds since the epoch (da2 keys). */
  readonly expires?: number | undefined;
}

/**
 * The key to use: of the keys not yet expired, the one that expires last (any valid key of the API is
 * accepted, and that one outlives the run by the widest margin). Throws when there is none.
 */
export function pickApiKey(keys: readonly ListedApiKey[], nowSeconds: number, apiId: string): string {
  const valid = keys.filter((k): k is { id: string; expires: number } => typeof k.id === 'string' && typeof k.expires === 'number' && k.expires > nowSeconds);
  const [latest] = valid.sort((a, b) => b.expires - a.expires);
  if (!latest) throw new Error(`appsync:ListApiKeys: API ${apiId} has no unexpired API key (${keys.length} listed); create one (aws appsync create-api-key --api-id ${apiId}) or redeploy`);
  return latest.id;
}

/** Every key of the API, following `nextToken`. */
export async function listAllApiKeys(appsync: AppSyncKeysApi, apiId: string): Promise<ListedApiKey[]> {
  const keys: ListedApiKey[] = [];
  let nextToken: string | undefined;
  do {
    const page = await appsync.listApiKeys({ apiId, ...(nextToken === undefined ? {} : { nextToken }) });
    keys.push(...(page.apiKeys ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return keys;
}

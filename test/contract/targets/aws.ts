/**
 * The contract suite's third target: a deployed stack (`ASSET_API_TARGET=aws`). Everything comes from
 * the file `cdk deploy --outputs-file <file>` wrote and from the caller's AWS credentials (the default
 * chain): the API key is read with `appsync:ListApiKeys`, two test users are created in the user pool
 * and signed in (TOTP MFA included), and `close()` deletes them. See docs/contract-suite-aws.md.
 */
import { AppSyncClient } from '@aws-sdk/client-appsync';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadCdkJsonContext } from '../../../infra/cdk-json.ts';
import { parseInfraConfig, stackName as stackNameOf } from '../../../infra/config.ts';
import type { AwsCredentials, ContractTarget, ContractUser } from '../target.ts';
import { createSdkAppSyncKeys, listAllApiKeys, pickApiKey, type AppSyncKeysApi } from './aws-api-key.ts';
import { createSdkCognitoAdmin, createSignedInTestUser, deleteTestUser, type CognitoAdminApi, type TestUserDeps } from './aws-cognito-users.ts';
import { parseAwsStackOutputs, type AwsStackOutputs } from './aws-outputs.ts';

export interface AwsTargetOptions {
  /** The file `cdk deploy --outputs-file` wrote, relative to the working directory. @default 'cdk-outputs.json' */
  readonly outputsFile?: string;
  /** The stack to read from that file. @default `AssetApi-<stage>` with cdk.json's stage, else the only stack in the file */
  readonly stackName?: string;
  /** Use this API key instead of reading one. @default the API's unexpired key that expires last (appsync:ListApiKeys) */
  readonly apiKey?: string;
  /** AWS credentials for every call and for `backendCredentials`. @default the SDK's default chain (`defaultProvider()` of @aws-sdk/credential-provider-node) */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * Cognito calls. @default an SDK client in the stack's region. Only CI's target test passes
   * something else: a recording fake that checks the sequence of calls and their inputs.
   */
  readonly cognito?: CognitoAdminApi;
  /** AppSync's ListApiKeys. @default an SDK client in the stack's region (CI: a recording fake, as for `cognito`) */
  readonly appsync?: AppSyncKeysApi;
  /** Epoch milliseconds, for TOTP codes and key expiry. @default Date.now */
  readonly now?: () => number;
  /** Waits (for the next TOTP step). @default node:timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Entropy for usernames and passwords. @default crypto.randomBytes, hex */
  readonly randomHex?: (bytes: number) => string;
}

/** The stack name `cdk deploy` uses with this checkout's cdk.json. */
export function defaultStackName(): string {
  return stackNameOf(parseInfraConfig(loadCdkJsonContext()).stage);
}

/** Reads and validates the outputs file; errors name the file, the stack and the output. */
export async function loadAwsStackOutputs(outputsFile: string, stackName: string): Promise<AwsStackOutputs> {
  const path = resolve(outputsFile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the stack outputs (run: npx cdk deploy --outputs-file ${outputsFile}): ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${path}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseAwsStackOutputs(parsed, { stackName, source: path });
}

async function resolveCredentials(provider: AwsCredentialIdentityProvider): Promise<AwsCredentials> {
  try {
    const identity = await provider();
    return { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey, ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}) };
  } catch (error) {
    throw new Error(`AWS credentials: none found in the default chain (environment, shared config and SSO, container, instance metadata): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Builds the target; resolves the credentials and the API key before returning. */
export async function createAwsTarget(options: AwsTargetOptions = {}): Promise<ContractTarget> {
  const outputs = await loadAwsStackOutputs(options.outputsFile ?? 'cdk-outputs.json', options.stackName ?? defaultStackName());
  const credentials = options.credentials ?? defaultProvider();
  const backendCredentials = await resolveCredentials(credentials);
  const clientConfig = { region: outputs.region, credentials };
  // Clients this target makes are its own to destroy; injected ones belong to the caller.
  const owned: { destroy(): void }[] = [];
  const own = <T extends { destroy(): void }>(client: T): T => {
    owned.push(client);
    return client;
  };
  const cognito = options.cognito ?? createSdkCognitoAdmin(own(new CognitoIdentityProviderClient(clientConfig)));
  const now = options.now ?? Date.now;
  const deps: TestUserDeps = {
    cognito,
    now,
    sleep: options.sleep ?? ((ms) => delay(ms)),
    randomHex: options.randomHex ?? ((bytes) => randomBytes(bytes).toString('hex')),
  };

  let apiKey = options.apiKey;
  if (apiKey === undefined) {
    try {
      const appsync = options.appsync ?? createSdkAppSyncKeys(own(new AppSyncClient(clientConfig)));
      apiKey = pickApiKey(await listAllApiKeys(appsync, outputs.graphqlApiId), now() / 1000, outputs.graphqlApiId);
    } catch (error) {
      for (const client of owned) client.destroy();
      throw error;
    }
  }

  const pool = { userPoolId: outputs.userPoolId, clientId: outputs.userPoolClientId };
  const users = new Map<string, Promise<ContractUser>>();
  /** Every username created, including users whose sign-in then failed. */
  const created = new Set<string>();
  let closing: Promise<void> | undefined;

  async function closeAwsTarget(): Promise<void> {
    // Let sign-ins in flight finish (or fail) first, so no user is created after the deletions.
    await Promise.allSettled(users.values());
    const results = await Promise.allSettled([...created].map(async (username) => {
      await deleteTestUser(cognito, pool, username);
      created.delete(username);
    }));
    for (const client of owned) client.destroy();
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
    if (failed.length > 0) {
      throw new Error(`aws target: could not delete test users ${[...created].join(', ')} from ${pool.userPoolId} (delete them with aws cognito-idp admin-delete-user): ${failed.join('; ')}`);
    }
  }

  return {
    label: 'aws',
    graphqlUrl: outputs.graphqlUrl,
    realtimeUrl: outputs.realtimeUrl,
    apiKey,
    region: outputs.region,
    caCertPem: null,
    backendCredentials,
    user: function userOfAwsTarget(name) {
      if (closing) return Promise.reject(new Error(`aws target: user(${name}) after close()`));
      let user = users.get(name);
      if (!user) {
        user = createSignedInTestUser(deps, pool, name, (username) => created.add(username)).then(({ sub, idToken }) => ({ sub, token: idToken }));
        users.set(name, user);
      }
      return user;
    },
    close: function closeOnce() {
      closing ??= closeAwsTarget();
      return closing;
    },
  };
}

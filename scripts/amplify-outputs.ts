/**
 * `npm run outputs`: writes `amplify_outputs.json` for a deployed stack, from the file
 * `cdk deploy --outputs-file cdk-outputs.json` writes. The stack's `AmplifyOutputs` output is the
 * document without the API key (an output is readable by anyone allowed
 * cloudformation:DescribeStacks, and AppSync's key id is the key itself), so the key is read here with
 * `appsync:ListApiKeys` (https://docs.aws.amazon.com/appsync/latest/APIReference/API_ListApiKeys.html),
 * as the contract suite does (docs/contract-suite-aws.md). Without credentials that allow it, the file
 * gets a placeholder and the script says how to fill it in.
 *
 *   npm run outputs -- [--outputs-file cdk-outputs.json] [--stack NAME] [--out amplify_outputs.json]
 *
 * `--out` ending in `.dart` writes Amplify Flutter's `amplify_outputs.dart`. The same document
 * `npm start` writes for the local endpoint, so an app switches by swapping the file (docs/devices.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppSyncClient } from '@aws-sdk/client-appsync';
import type { AmplifyOutputs } from '../api/amplify-outputs.ts';
import { STACK_OUTPUT_KEYS } from '../infra/stack-outputs.ts';
import { writeAmplifyOutputsFile } from '../local/host/write-outputs.ts';
import { createSdkAppSyncKeys, listAllApiKeys, pickApiKey, type AppSyncKeysApi } from '../test/contract/targets/aws-api-key.ts';
import { selectStackOutputs } from '../test/contract/targets/aws-outputs.ts';

/** What `data.api_key` holds when the key could not be read. */
export const API_KEY_PLACEHOLDER = 'REPLACE_WITH_API_KEY';

export interface StackAmplifyOutputs {
  readonly outputs: AmplifyOutputs;
  /** Why the API key is a placeholder; null when it was read (or the API has no API_KEY mode). */
  readonly note: string | null;
}

/**
 * The stack's document with its API key. `appsync` is called only when the API has an API_KEY mode;
 * a failure (no credentials, AccessDenied, no unexpired key) leaves the placeholder and a note.
 */
export async function amplifyOutputsFromStack(file: unknown, options: { readonly stackName: string; readonly source: string; readonly appsync: (region: string) => AppSyncKeysApi; readonly nowSeconds: number }): Promise<StackAmplifyOutputs> {
  const { stackName, outputs } = selectStackOutputs(file, options.stackName, options.source);
  const raw = outputs[STACK_OUTPUT_KEYS.amplifyOutputs];
  if (typeof raw !== 'string') throw new Error(`${options.source}: ${stackName}: missing output ${STACK_OUTPUT_KEYS.amplifyOutputs} (deploy the stack from this checkout). Received: ${JSON.stringify(raw) ?? 'nothing'}`);
  let document: AmplifyOutputs;
  try {
    document = JSON.parse(raw) as AmplifyOutputs;
  } catch (error) {
    throw new Error(`${options.source}: ${stackName}: output ${STACK_OUTPUT_KEYS.amplifyOutputs} is not JSON: ${String(error)}`);
  }
  const usesApiKey = [document.data.default_authorization_type, ...document.data.authorization_types].includes('API_KEY');
  if (!usesApiKey) return { outputs: document, note: null };
  const apiId = outputs[STACK_OUTPUT_KEYS.graphqlApiId];
  if (typeof apiId !== 'string') throw new Error(`${options.source}: ${stackName}: missing output ${STACK_OUTPUT_KEYS.graphqlApiId}`);
  try {
    const apiKey = pickApiKey(await listAllApiKeys(options.appsync(document.data.aws_region), apiId), options.nowSeconds, apiId);
    return { outputs: { ...document, data: { ...document.data, api_key: apiKey } }, note: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      outputs: { ...document, data: { ...document.data, api_key: API_KEY_PLACEHOLDER } },
      note: `data.api_key is a placeholder: appsync:ListApiKeys failed (${reason}). Put the key from \`aws appsync list-api-keys --api-id ${apiId} --region ${document.data.aws_region}\` in its place, or run this again with credentials that allow appsync:ListApiKeys.`,
    };
  }
}

function argValue(argv: readonly string[], name: string, fallback: string): string {
  const index = argv.indexOf(name);
  const value = index === -1 ? undefined : argv[index + 1];
  if (index !== -1 && (value === undefined || value.startsWith('--'))) throw new Error(`${name}: a value is required`);
  return value ?? fallback;
}

async function main(argv: readonly string[]): Promise<void> {
  const source = resolve(argValue(argv, '--outputs-file', 'cdk-outputs.json'));
  const out = resolve(argValue(argv, '--out', 'amplify_outputs.json'));
  const stackName = argValue(argv, '--stack', process.env['ASSET_API_STACK'] ?? '');
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new Error(`${source}: cannot read it as JSON (write it with: npx cdk deploy --outputs-file cdk-outputs.json): ${String(error)}`);
  }
  const result = await amplifyOutputsFromStack(file, { stackName, source, appsync: (region) => createSdkAppSyncKeys(new AppSyncClient({ region })), nowSeconds: Date.now() / 1000 });
  writeAmplifyOutputsFile(out, result.outputs);
  process.stdout.write(`wrote ${out} (${result.outputs.data.url})\n`);
  if (result.note !== null) process.stderr.write(`note: ${result.note}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, 'amplify-outputs.ts')) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`npm run outputs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * Builds the CDK app: reads the deployment config from context, creates the stack from the definition
 * and registers cdk-nag's AwsSolutions pack as a validation plugin, so every synth (CLI or test)
 * checks the template. Bundling happens before this (see `infra/app.ts`).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api as definition } from '../api/definition.ts';
import { PROJECT_ROOT } from '../api/paths.ts';
import type { ApiDefinition } from '../api/types.ts';
import { AssetApiStack } from './asset-api-stack.ts';
import { loadInfraConfig, type InfraConfig } from './config.ts';

export interface CreateAssetApiAppOptions {
  /** The definition to build from. @default the one in api/definition.ts */
  readonly api?: ApiDefinition;
  /** Context for the app. @default what the CDK CLI passes (cdk.json and -c values) */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Cloud assembly folder. @default what the CDK CLI passes, else a temporary folder */
  readonly outdir?: string;
}

export interface AssetApiApp {
  readonly app: App;
  readonly stack: AssetApiStack;
  readonly config: InfraConfig;
  /** The AwsSolutions pack registered on the app; `nag.validateScope(app)` lists unacknowledged findings. */
  readonly nag: AwsSolutionsChecks;
}

/** The stack's name for a stage. */
export function stackName(stage: string): string {
  return `AssetApi-${stage}`;
}

/** The `context` block of cdk.json: the feature flags and defaults the CLI would pass. */
export function loadCdkJsonContext(): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...parsed.context };
}

export function createAssetApiApp(options: CreateAssetApiAppOptions = {}): AssetApiApp {
  const app = new App({
    ...(options.context ? { context: { ...options.context } } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const config = loadInfraConfig(app.node);
  const api = options.api ?? definition;
  const stack = new AssetApiStack(app, stackName(config.stage), {
    api,
    config,
    description: `${api.name} (${config.stage}): AppSync GraphQL API for file assets, generated from api/definition.ts`,
  });
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return { app, stack, config, nag };
}

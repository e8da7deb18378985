/** Reads cdk.json without loading the CDK, for the app and for tools that only need its context. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../api/paths.ts';

/** The `context` block of cdk.json: the feature flags and defaults the CLI would pass. */
export function loadCdkJsonContext(): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...parsed.context };
}

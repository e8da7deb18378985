/**
 * cdk-nag's AwsSolutions pack on the synthesized app: zero unacknowledged errors and warnings, and
 * every acknowledgement names a finding that exists and gives a written reason. The counts are printed.
 */
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { createAssetApiApp, loadCdkJsonContext } from '../../infra/create-app.ts';
import { acknowledgements, RecordingAwsSolutionsChecks, SYNTH_TIMEOUT_MS, type Acknowledgement, type NagFinding } from './synth.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

let findings: NagFinding[];
let unacknowledged: PolicyValidationPluginReport;
let acks: Acknowledgement[];
const outdirs: string[] = [];

function tempOutdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-api-nag-'));
  outdirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  // GIVEN the app as `cdk synth` builds it (cdk.json context), with the AwsSolutions pack registered
  const { app } = createAssetApiApp({ context: loadCdkJsonContext(), outdir: tempOutdir() });
  // WHEN it is synthesized (the registered pack runs as a validation plugin and fails synth on findings)
  app.synth();
  // and a recording copy of the pack walks the same tree
  const recorder = new RecordingAwsSolutionsChecks();
  unacknowledged = recorder.validateScope(app);
  findings = recorder.findings;
  acks = acknowledgements(app);
}, SYNTH_TIMEOUT_MS);

/** Whether an acknowledgement covers a finding: same id, made on the resource or one of its parents. */
function covers(ack: Acknowledgement, finding: NagFinding): boolean {
  return ack.id === finding.id && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));
}

describe('cdk-nag: AwsSolutions', () => {
  it('reports 0 unacknowledged errors and 0 unacknowledged warnings', () => {
    const errors = unacknowledged.violations.filter((v) => v.severity === 'error');
    const warnings = unacknowledged.violations.filter((v) => v.severity !== 'error');
    console.log(
      `cdk-nag AwsSolutions: ${findings.length} findings, ${findings.length - unacknowledged.violations.length} acknowledged, ` +
        `${errors.length} unacknowledged errors, ${warnings.length} unacknowledged warnings; ${acks.length} acknowledgements:\n` +
        acks.map((a) => `  ${a.id} @ ${a.path}\n    reason: ${a.reason}`).join('\n'),
    );
    expect(unacknowledged.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(unacknowledged.success).toBe(true);
  });

  it('acknowledges only these findings, each with a written reason and each matching a real finding', () => {
    expect([...new Set(acks.map((a) => a.id.replace(/<[A-Za-z0-9]+\.Arn>/, '<Bucket.Arn>')))].sort()).toEqual([
      'AwsSolutions-ASC3',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<Bucket.Arn>/assets/*]',
      'AwsSolutions-L1',
      'AwsSolutions-SQS3',
    ]);
    for (const ack of acks) {
      expect({ id: ack.id, reasonIsWritten: ack.reason.trim().length >= 40, matchesAFinding: findings.some((f) => covers(ack, f)) }).toEqual({
        id: ack.id,
        reasonIsWritten: true,
        matchesAFinding: true,
      });
    }
    // Every finding is covered by an acknowledgement (the unacknowledged list above is empty).
    expect(findings.filter((f) => !acks.some((a) => covers(a, f)))).toEqual([]);
  });

  it('fails synthesis when a finding is not acknowledged (the pack runs as a validation plugin of the app)', () => {
    // GIVEN the same app plus a queue that breaks AwsSolutions-SQS3/SQS4 and has no acknowledgement
    const { app, stack } = createAssetApiApp({
      // CloudFormation's default-rule validation is not what this test is about; skipping it saves a few seconds.
      context: { ...loadCdkJsonContext(), '@aws-cdk/core:validateAgainstDefaultRules': false },
      outdir: tempOutdir(),
    });
    new sqs.Queue(stack, 'UnacknowledgedQueue');
    // WHEN / THEN
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*UnacknowledgedQueue|UnacknowledgedQueue[\s\S]*AwsSolutions-SQS3/);
  }, SYNTH_TIMEOUT_MS);
});

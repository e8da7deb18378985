/**
 * Shared helpers of the CDK tests: synthesize an app the way the CLI would (cdk.json context), and
 * read the parts of a template the tests walk (IAM statements, staged assets).
 */
import { CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, NagRuleCompliance, type IApplyRule } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiDefinition } from '../../api/types.ts';
import { createAssetApiApp, loadCdkJsonContext, type AssetApiApp } from '../../infra/create-app.ts';

/**
 * A CDK synth takes a few seconds alone and much longer on a busy 2-core machine; hooks that
 * synthesize get this limit instead of the suite's default (it bounds a hang, it asserts nothing).
 */
export const SYNTH_TIMEOUT_MS = 180_000;

export interface Synthesized extends AssetApiApp {
  readonly template: Template;
  /** The template as JSON, for walks the assertions library does not offer. */
  readonly json: TemplateJson;
  readonly assembly: CloudAssembly;
  /** Removes the temporary cloud assembly folder. */
  dispose(): void;
}

export interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/** Builds and synthesizes the app with cdk.json's context plus `context` overrides (one synth). */
export function synthesize(options: { api?: ApiDefinition; context?: Record<string, unknown> } = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'asset-api-cdk-'));
  const dispose = (): void => rmSync(outdir, { recursive: true, force: true });
  try {
    const built = createAssetApiApp({ ...(options.api ? { api: options.api } : {}), context: { ...loadCdkJsonContext(), ...options.context }, outdir });
    const assembly = built.app.synth();
    const template = Template.fromStack(built.stack);
    return { ...built, assembly, template, json: template.toJSON() as TemplateJson, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(built: AssetApiApp, resource: IConstruct): string {
  const element = CfnElement.isCfnElement(resource) ? resource : (resource.node.defaultChild as CfnElement);
  return built.stack.resolve(element.logicalId) as string;
}

export function resourcesOfType(json: TemplateJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

export interface IamStatement {
  /** Logical id of the policy or role that holds the statement. */
  readonly holder: string;
  /** Logical ids of the roles the statement applies to. */
  readonly roles: string[];
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Every statement of every identity policy: AWS::IAM::Policy, ::ManagedPolicy, and Roles' inline policies. */
export function identityStatements(json: TemplateJson): IamStatement[] {
  const statements: IamStatement[] = [];
  for (const [id, r] of Object.entries(json.Resources)) {
    const props = r.Properties ?? {};
    const documents =
      r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
        ? [props['PolicyDocument']]
        : r.Type === 'AWS::IAM::Role'
          ? asArray(props['Policies']).map((p) => (p as Record<string, unknown>)['PolicyDocument'])
          : [];
    const roles = r.Type === 'AWS::IAM::Role' ? [id] : asArray(props['Roles']).map((ref) => String((ref as Record<string, unknown>)['Ref']));
    for (const doc of documents) {
      for (const s of asArray((doc as Record<string, unknown>)['Statement'])) {
        const st = s as Record<string, unknown>;
        statements.push({ holder: id, roles, Effect: String(st['Effect']), Action: asArray(st['Action']).map(String), Resource: asArray(st['Resource']) });
      }
    }
  }
  return statements;
}

/** Renders an intrinsic the way cdk-nag does: `{Fn::GetAtt:[X,Arn]}` -> `<X.Arn>`, joins concatenated. */
export function flattenResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (typeof v['Ref'] === 'string') return `<${v['Ref']}>`;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenResource).join(sep);
  }
  return JSON.stringify(value);
}

/** The staged copy of an asset named by its hash (`<hash>.js` file or `<hash>.zip` folder). */
export function stagedAsset(assembly: CloudAssembly, s3Key: string, file?: string): string {
  const name = `asset.${s3Key.replace(/\.zip$/, '')}`;
  return readFileSync(join(assembly.directory, file === undefined ? name : join(name.replace(/\.js$/, ''), file)), 'utf8');
}

/** The object key of an AppSync `CodeS3Location` (`s3://<bucket>/<hash>.js`). */
export function codeS3Key(location: unknown): string {
  const text = typeof location === 'string' ? location : String((location as Record<string, unknown>)['Fn::Sub'] ?? JSON.stringify(location));
  const match = /\/([0-9a-f]{64}\.js)$/.exec(text);
  if (!match?.[1]) throw new Error(`not an asset location: ${text}`);
  return match[1];
}

export interface NagFinding {
  /** `AwsSolutions-<rule>` or `AwsSolutions-<rule>[<finding>]`, as acknowledgements name them. */
  readonly id: string;
  readonly path: string;
  readonly level: string;
}

/**
 * The AwsSolutions pack, recording every finding before the pack checks acknowledgements (through
 * `applyRule`, the extension point NagPack offers to packs), so a test can report acknowledged
 * findings as well as the unacknowledged ones `validateScope` returns.
 */
export class RecordingAwsSolutionsChecks extends AwsSolutionsChecks {
  readonly findings: NagFinding[] = [];

  protected override applyRule(params: IApplyRule): void {
    const ruleId = `${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
    const record = (id: string): void => {
      this.findings.push({ id, path: params.node.node.path, level: String(params.level) });
    };
    try {
      const result = params.rule(params.node);
      if (result === NagRuleCompliance.NON_COMPLIANT) record(ruleId);
      else if (Array.isArray(result)) for (const finding of result) record(`${ruleId}[${finding}]`);
    } catch {
      record(ruleId);
    }
    super.applyRule(params);
  }
}

export interface Acknowledgement {
  readonly id: string;
  readonly path: string;
  readonly reason: string;
}

/** Every `Validations.of(x).acknowledge(...)` in the tree, with the construct it was made on. */
export function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), path: c.node.path, reason }))),
  );
}

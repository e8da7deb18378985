/**
 * Per-field authorization from AppSync's auth directives (docs/APPSYNC-BEHAVIOUR.md#field-authorization-directives): the
 * directives on the field if it has any, else those on its type, else the API's default mode. A
 * directive on the field replaces the type's set. `cognito_groups` must intersect the caller's groups.
 * Rules are computed once per field at start-up; a request only does a map lookup.
 */
import { isObjectType, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';
import type { ApiDefinition, AuthType } from '../../api/types.ts';
import type { RequestAuth } from './contract.ts';

/** Allowed modes of one field; a non-null value lists the Cognito groups one of which is required. */
export type FieldAuthRule = ReadonlyMap<AuthType, readonly string[] | null>;

const DIRECTIVE_MODES: Readonly<Record<string, AuthType>> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
};

const DEFAULT_GROUPS_CLAIM = 'cognito:groups';

function groupsArgument(directive: ConstDirectiveNode): readonly string[] | null {
  const arg = directive.arguments?.find((a) => a.name.value === 'cognito_groups');
  if (!arg || arg.value.kind !== 'ListValue') return null;
  return arg.value.values.flatMap((v) => (v.kind === 'StringValue' ? [v.value] : []));
}

function ruleFromDirectives(directives: readonly ConstDirectiveNode[], legacyAuth: boolean): Map<AuthType, readonly string[] | null> | null {
  const rule = new Map<AuthType, readonly string[] | null>();
  for (const directive of directives) {
    const name = directive.name.value;
    const mode = DIRECTIVE_MODES[name];
    if (mode) rule.set(mode, mode === 'AMAZON_COGNITO_USER_POOLS' ? groupsArgument(directive) : null);
    // @aws_auth is the legacy single-mode form: only meaningful when user pools is the only mode.
    if (name === 'aws_auth' && legacyAuth) rule.set('AMAZON_COGNITO_USER_POOLS', groupsArgument(directive) ?? []);
  }
  return rule.size > 0 ? rule : null;
}

export interface FieldAuthorizer {
  /**
   * Whether a caller may resolve `typeName.fieldName`, the field's rule looked up once (each field's
   * `resolve` calls the answer per request). Unknown fields (introspection) are allowed.
   */
  checkerFor(typeName: string, fieldName: string): (auth: RequestAuth) => boolean;
}

export function createFieldAuthorizer(api: ApiDefinition, schema: GraphQLSchema): FieldAuthorizer {
  const modes = [api.auth.default, ...api.auth.additional];
  const cognito = modes.find((m) => m.type === 'AMAZON_COGNITO_USER_POOLS');
  const groupsClaim = cognito?.groupsClaim ?? DEFAULT_GROUPS_CLAIM;
  const legacyAuth = api.auth.default.type === 'AMAZON_COGNITO_USER_POOLS' && api.auth.additional.length === 0;
  const defaultRule: FieldAuthRule = new Map([[api.auth.default.type, null]]);

  const rules = new Map<string, Map<string, FieldAuthRule>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeDirectives = [type.astNode, ...type.extensionASTNodes].flatMap((n) => n?.directives ?? []);
    const typeRule = ruleFromDirectives(typeDirectives, legacyAuth);
    const byField = new Map<string, FieldAuthRule>();
    for (const field of Object.values(type.getFields())) {
      byField.set(field.name, ruleFromDirectives(field.astNode?.directives ?? [], legacyAuth) ?? typeRule ?? defaultRule);
    }
    rules.set(type.name, byField);
  }

  function callerGroups(auth: RequestAuth): readonly unknown[] {
    const identity = auth.identity;
    if (!identity) return [];
    const direct = identity['groups'];
    if (Array.isArray(direct)) return direct;
    const claims = identity['claims'];
    if (typeof claims !== 'object' || claims === null) return [];
    const claim = (claims as Record<string, unknown>)[groupsClaim];
    if (Array.isArray(claim)) return claim;
    return typeof claim === 'string' ? claim.split(',').map((g) => g.trim()) : [];
  }

  function allowedBy(rule: FieldAuthRule | undefined, auth: RequestAuth): boolean {
    if (!rule) return true;
    const groups = rule.get(auth.authType);
    if (groups === undefined) return false;
    if (groups === null) return true;
    const mine = callerGroups(auth);
    return groups.some((g) => mine.includes(g));
  }

  return {
    checkerFor: function checkerFor(typeName, fieldName) {
      const rule = rules.get(typeName)?.get(fieldName);
      return function isAllowed(auth) {
        return allowedBy(rule, auth);
      };
    },
  };
}

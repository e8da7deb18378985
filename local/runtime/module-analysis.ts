/**
 * Decides at load time whether a resolver module's top level may run ONCE and be shared by every
 * evaluation, or must run afresh for each one. On AppSync every handler run starts from the uploaded
 * code, so module-level state never carries over from one request to the next; sharing one instance
 * is only allowed when nothing a handler does can change that instance. The proof is static
 * (eslint-scope references of each top-level binding) plus value checks the sandbox runs right after
 * the one instantiation (`ValueCheck`), and the sandbox then deep-freezes every top-level value as a
 * backstop: a mutation the analysis did not foresee fails loudly (TypeError → errorType `Code`)
 * instead of leaking state. Any doubt means `per-evaluation`, which is always correct, only slower.
 *
 * A module is shared when:
 * - its top level holds only imports, declarations and directives (no top-level statements);
 * - every top-level initializer is pure: no call, `new`, assignment, update or `delete` outside
 *   function bodies (so `const id = util.autoId()` still gives each request its own id);
 * - no top-level binding is ever reassigned (`x = …`, `x += …`, `x++`, destructuring targets);
 * - no member of a top-level value is written, deleted, or changed by a mutating method
 *   (`B.a = 1`, `delete B.a`, `B.list.push(x)`, `B[k].sort()`);
 * - wherever a top-level value (or a member read from it) flows on as a value (an argument, a
 *   variable, a return value, a spread, a `for…of`), the value found there after instantiation is a
 *   primitive or a function (`ValueCheck`), so no mutable object escapes to handler code.
 */
import type { Scope } from 'eslint';
import type * as ESTree from 'estree';

/** What the sandbox checks on the instantiated module before sharing it. */
export interface ValueCheck {
  /** Index into `ModuleStatePlan.bindings`. */
  readonly binding: number;
  /** Member path from the binding; `null` stands for a computed member (every own value is checked). */
  readonly path: readonly (string | null)[];
  /** `value`: the value itself must be primitive or a function; `elements`: also each of its own values. */
  readonly kind: 'value' | 'elements';
  readonly line: number;
}

export interface ModuleStatePlan {
  /** `shared`: the top level runs once per compilation; `per-evaluation`: before every handler run. */
  readonly mode: 'shared' | 'per-evaluation';
  /** Why the module cannot be shared (first reason found), or null. */
  readonly reason: string | null;
  /** Top-level bindings other than imports, in the order the factory reports their values. */
  readonly bindings: readonly string[];
  readonly checks: readonly ValueCheck[];
}

/** Array/Map/Set methods that change their receiver. */
const MUTATING_METHODS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

/** Methods whose result is a primitive computed from the receiver without exposing its elements to code. */
const PRIMITIVE_METHODS = new Set([
  'includes', 'indexOf', 'lastIndexOf', 'join', 'toString', 'hasOwnProperty', 'startsWith', 'endsWith', 'charAt', 'charCodeAt',
  'codePointAt', 'toUpperCase', 'toLowerCase', 'trim', 'trimStart', 'trimEnd', 'padStart', 'padEnd', 'repeat', 'localeCompare',
  'toFixed', 'toPrecision', 'valueOf', 'split', 'substring', 'replace', 'replaceAll', 'normalize',
]);

type WithParent = ESTree.Node & { parent?: WithParent; loc?: ESTree.SourceLocation | null };

const lineOf = (node: ESTree.Node): number => (node as WithParent).loc?.start.line ?? 1;

/** The first impure sub-expression of a top-level initializer (function bodies are not entered). */
function findImpure(node: ESTree.Node | null | undefined): ESTree.Node | null {
  if (!node) return null;
  switch (node.type) {
    case 'FunctionExpression': case 'ArrowFunctionExpression': case 'Literal': case 'Identifier': case 'ThisExpression':
      return null;
    case 'CallExpression': case 'NewExpression': case 'TaggedTemplateExpression': case 'AssignmentExpression':
    case 'UpdateExpression': case 'ImportExpression': case 'AwaitExpression': case 'YieldExpression': case 'ClassExpression':
      return node;
    case 'UnaryExpression':
      return node.operator === 'delete' ? node : findImpure(node.argument);
    default:
      break;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (typeof child === 'object' && child !== null && typeof (child as { type?: unknown }).type === 'string') {
        const found = findImpure(child as ESTree.Node);
        if (found) return found;
      }
    }
  }
  return null;
}

function memberKey(member: ESTree.MemberExpression): string | null {
  if (!member.computed) return member.property.type === 'Identifier' ? member.property.name : null;
  return member.property.type === 'Literal' && (typeof member.property.value === 'string' || typeof member.property.value === 'number') ? String(member.property.value) : null;
}

type Use = { kind: 'ok' } | { kind: 'mutate'; what: string } | { kind: 'check'; check: 'value' | 'elements'; path: (string | null)[] };

/** How one read of a top-level binding uses the value (climbing its member chain `B.a[k].c`). */
function classifyRead(identifier: ESTree.Identifier): Use {
  let node = identifier as WithParent;
  const path: (string | null)[] = [];
  for (;;) {
    const parent = node.parent;
    if (parent?.type === 'MemberExpression' && parent.object === node) {
      path.push(memberKey(parent));
      node = parent;
    } else if (parent?.type === 'ChainExpression') {
      node = parent;
    } else break;
  }
  const parent = node.parent;
  const chain = path.length > 0;
  if (!parent) return { kind: 'check', check: 'value', path };
  switch (parent.type) {
    case 'AssignmentExpression':
      if (parent.left === node) return chain ? { kind: 'mutate', what: 'a member is assigned' } : { kind: 'ok' };
      return { kind: 'check', check: 'value', path };
    case 'UpdateExpression':
      return { kind: 'mutate', what: 'a member is updated' };
    case 'UnaryExpression':
      return parent.operator === 'delete' ? { kind: 'mutate', what: 'a member is deleted' } : { kind: 'ok' };
    case 'CallExpression':
      if (parent.callee === node) {
        if (!chain) return { kind: 'ok' };
        const method = path[path.length - 1] ?? null;
        if (method === null || MUTATING_METHODS.has(method)) return { kind: 'mutate', what: `it is the receiver of ${method === null ? 'a computed method call' : `.${method}()`}` };
        if (PRIMITIVE_METHODS.has(method)) return { kind: 'ok' };
        // Other methods (map, filter, slice, …) may hand the receiver's elements to code.
        return { kind: 'check', check: 'elements', path: path.slice(0, -1) };
      }
      return { kind: 'check', check: 'value', path };
    case 'SpreadElement':
      return { kind: 'check', check: 'elements', path };
    case 'ForOfStatement':
      return parent.right === node ? { kind: 'check', check: 'elements', path } : { kind: 'mutate', what: 'it is a for…of target' };
    case 'ForInStatement':
      return parent.right === node ? { kind: 'ok' } : { kind: 'mutate', what: 'it is a for…in target' };
    case 'MemberExpression':
      // `x[B.k]`: used as a key only.
      return { kind: 'ok' };
    case 'BinaryExpression': case 'TemplateLiteral': case 'IfStatement': case 'SwitchStatement': case 'SwitchCase':
      return { kind: 'ok' };
    case 'ConditionalExpression':
      return parent.test === node ? { kind: 'ok' } : { kind: 'check', check: 'value', path };
    case 'ExportSpecifier':
      return { kind: 'ok' };
    default:
      return { kind: 'check', check: 'value', path };
  }
}

function perEvaluation(reason: string, bindings: readonly string[]): ModuleStatePlan {
  return { mode: 'per-evaluation', reason, bindings, checks: [] };
}

/**
 * Analyses a parsed module (ESLint's AST, whose nodes carry `parent`, and its scope manager).
 * `bindings` lists every top-level name the factory must report, whatever the mode.
 */
export function analyzeModuleState(program: ESTree.Program, scopeManager: Scope.ScopeManager): ModuleStatePlan {
  const moduleScope = scopeManager.scopes.find((s) => s.type === 'module') ?? scopeManager.globalScope;
  if (!moduleScope) return perEvaluation('no module scope', []);
  const variables = moduleScope.variables.filter((v) => !v.defs.some((d) => d.type === 'ImportBinding'));
  const bindings = variables.map((v) => v.name);

  for (const statement of program.body) {
    const node = statement.type === 'ExportNamedDeclaration' && statement.declaration ? statement.declaration : statement;
    if (node.type === 'ImportDeclaration' || node.type === 'FunctionDeclaration' || node.type === 'EmptyStatement') continue;
    if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration' || node.type === 'ExportAllDeclaration') continue;
    if (node.type === 'ExpressionStatement' && 'directive' in node && typeof node.directive === 'string') continue;
    if (node.type === 'VariableDeclaration') {
      for (const d of node.declarations) {
        const impure = findImpure(d.init) ?? (d.id.type === 'Identifier' ? null : findImpure(d.id));
        if (impure) return perEvaluation(`a top-level initializer has a ${impure.type} (line ${lineOf(impure)})`, bindings);
      }
      continue;
    }
    return perEvaluation(`the top level runs a ${node.type} (line ${lineOf(node)})`, bindings);
  }

  const checks: ValueCheck[] = [];
  for (const [index, variable] of variables.entries()) {
    for (const ref of variable.references) {
      if (ref.init) continue;
      if (ref.isWrite()) return perEvaluation(`top-level \`${variable.name}\` is reassigned (line ${lineOf(ref.identifier)})`, bindings);
      const use = classifyRead(ref.identifier);
      if (use.kind === 'mutate') return perEvaluation(`top-level \`${variable.name}\` may be mutated: ${use.what} (line ${lineOf(ref.identifier)})`, bindings);
      if (use.kind === 'check') checks.push({ binding: index, path: use.path, kind: use.check, line: lineOf(ref.identifier) });
    }
  }
  return { mode: 'shared', reason: null, bindings, checks: dedupeChecks(checks) };
}

function dedupeChecks(checks: readonly ValueCheck[]): ValueCheck[] {
  const seen = new Map<string, ValueCheck>();
  for (const c of checks) {
    const key = JSON.stringify([c.binding, c.path, c.kind]);
    if (!seen.has(key)) seen.set(key, c);
  }
  return [...seen.values()];
}

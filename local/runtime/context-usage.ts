/**
 * Which members of `ctx` a handler can observe, proven at load time, so an evaluation copies only
 * those into the sandbox (copying `info`, `request.headers` and the stash in and out is most of an
 * evaluation's cost). A handler whose `ctx` parameter is only ever read as `ctx.member` (also
 * `ctx?.member`, `const { a, b } = ctx`, or a destructured parameter), or passed on as a direct
 * argument to a top-level function that itself only does that, can observe nothing else: no other
 * member is reachable, and no code can enumerate `ctx`. Any other use (`JSON.stringify(ctx)`,
 * `{ ...ctx }`, `ctx[k]`, returning or storing `ctx`, `arguments`) means every member (null).
 */
import type { Scope } from 'eslint';
import type * as ESTree from 'estree';

type WithParent = ESTree.Node & { parent?: WithParent };
type FunctionNode = ESTree.FunctionDeclaration | ESTree.FunctionExpression | ESTree.ArrowFunctionExpression;

/** Every member name of `ctx` the runtime knows (`args` is an alias of `arguments`). */
export const CONTEXT_MEMBERS = ['arguments', 'args', 'identity', 'source', 'stash', 'prev', 'request', 'info', 'env', 'result', 'error'] as const;

function isFunctionNode(node: ESTree.Node | null | undefined): node is FunctionNode {
  return node?.type === 'FunctionDeclaration' || node?.type === 'FunctionExpression' || node?.type === 'ArrowFunctionExpression';
}

function propertyName(key: ESTree.Node, computed: boolean): string | null {
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return null;
}

/** Members named by an object pattern, or null when it has a rest element or a computed key. */
function patternMembers(pattern: ESTree.ObjectPattern): string[] | null {
  const names: string[] = [];
  for (const p of pattern.properties) {
    if (p.type === 'RestElement') return null;
    const name = propertyName(p.key, p.computed);
    if (name === null) return null;
    names.push(name);
  }
  return names;
}

/** The function a top-level name is bound to, when it is never reassigned. */
function moduleFunction(name: string, moduleScope: Scope.Scope): FunctionNode | null {
  const variable = moduleScope.set.get(name);
  if (!variable || variable.defs.length !== 1 || variable.references.some((r) => r.isWrite() && !r.init)) return null;
  const def = variable.defs[0]!;
  if (def.type === 'FunctionName' && isFunctionNode(def.node)) return def.node;
  if (def.type === 'Variable' && def.node.type === 'VariableDeclarator' && isFunctionNode(def.node.init)) return def.node.init;
  return null;
}

function collectParamUses(fn: FunctionNode, index: number, scopeManager: Scope.ScopeManager, moduleScope: Scope.Scope, into: Set<string>, visiting: Set<FunctionNode>): boolean {
  if (visiting.has(fn)) return false;
  let param: ESTree.Pattern | undefined = fn.params[index];
  if (param === undefined) return true;
  if (param.type === 'AssignmentPattern') param = param.left;
  if (param.type === 'ObjectPattern') {
    const names = patternMembers(param);
    if (names === null) return false;
    for (const n of names) into.add(n);
    return true;
  }
  if (param.type !== 'Identifier') return false;
  const fnScope = scopeManager.acquire(fn);
  if (!fnScope) return false;
  if (fnScope.set.get('arguments')?.references.length) return false;
  const variable = fnScope.set.get(param.name);
  if (!variable) return false;
  visiting.add(fn);
  try {
    for (const ref of variable.references) {
      if (ref.init) continue;
      if (ref.isWrite()) return false;
      const node = ref.identifier as WithParent;
      const parent = node.parent;
      if (parent?.type === 'MemberExpression' && parent.object === node) {
        const name = propertyName(parent.property, parent.computed);
        if (name === null) return false;
        into.add(name);
      } else if (parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'ObjectPattern') {
        const names = patternMembers(parent.id);
        if (names === null) return false;
        for (const n of names) into.add(n);
      } else if (parent?.type === 'CallExpression' && parent.callee.type === 'Identifier' && parent.arguments.includes(node as ESTree.Expression)) {
        const callee = moduleFunction(parent.callee.name, moduleScope);
        if (callee === null || !collectParamUses(callee, parent.arguments.indexOf(node as ESTree.Expression), scopeManager, moduleScope, into, visiting)) return false;
      } else {
        return false;
      }
    }
    return true;
  } finally {
    visiting.delete(fn);
  }
}

/**
 * For each exported handler: the `ctx` members it can observe, or null for all of them. `exports`
 * maps exported names to local bindings (module-rewrite.ts).
 */
export function analyzeContextUsage(exports: ReadonlyMap<string, string>, scopeManager: Scope.ScopeManager): Record<string, readonly string[] | null> {
  const moduleScope = scopeManager.scopes.find((s) => s.type === 'module') ?? scopeManager.globalScope;
  const usage: Record<string, readonly string[] | null> = {};
  for (const [exported, local] of exports) {
    const fn = moduleScope ? moduleFunction(local, moduleScope) : null;
    const members = new Set<string>();
    const known = fn !== null && moduleScope !== null && collectParamUses(fn, 0, scopeManager, moduleScope, members, new Set());
    usage[exported] = known ? CONTEXT_MEMBERS.filter((m) => members.has(m)) : null;
  }
  return usage;
}

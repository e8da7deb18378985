/**
 * `@aws-appsync/no-recursion` without a TypeScript program. "Recursive function calls are not
 * supported" (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html); the
 * plugin's rule of that name (in its `recommended` config) needs the type checker only to find the
 * function a call names, which for resolver code (one module, built-in imports only) eslint-scope
 * finds as well: the callee is an identifier bound to a function declaration, or to a variable whose
 * initializer is a function or arrow expression. A member call (`o.f()`), a parameter or any other
 * binding names no function, so it never counts.
 *
 * The walk is the plugin's: from each call, follow the calls made directly in the body of the called
 * function (not in nested functions, nor inside another call's arguments) and report the call when
 * the path comes back to a function already on it. Like the plugin, this reports every call that
 * enters a cycle (the recursive call and the calls into the recursive function), with the message
 * `Recursive function calls not supported. Detected cycle in fact <-fact`, and misses recursion
 * through a callback (`xs.map((x) => f(x))` inside `f`).
 */
import type { Rule, Scope, SourceCode } from 'eslint';
import type * as ESTree from 'estree';

type FunctionNode = ESTree.FunctionDeclaration | ESTree.FunctionExpression | ESTree.ArrowFunctionExpression;
type WithParent = ESTree.Node & { parent?: WithParent };

/** Followed edges per analysed call; a bound on pathological call graphs (the plugin has none). */
const STEP_BUDGET = 20_000;

const CYCLE = Symbol('cycle');
const OVER_BUDGET = Symbol('over budget');

/** A function node as TypeScript's `isFunctionDeclaration`/`isFunctionExpression`/`isArrowFunction` sees it: methods and accessors are not. */
function isFunctionish(node: WithParent): node is FunctionNode & WithParent {
  if (node.type === 'FunctionDeclaration' || node.type === 'ArrowFunctionExpression') return true;
  if (node.type !== 'FunctionExpression') return false;
  const parent = node.parent;
  if (parent?.type === 'MethodDefinition') return false;
  return !(parent?.type === 'Property' && parent.value === node && (parent.method || parent.kind !== 'init'));
}

function enclosingFunction(node: ESTree.Node): FunctionNode | null {
  for (let p = (node as WithParent).parent; p; p = p.parent) if (isFunctionish(p)) return p;
  return null;
}

function isFunctionValue(node: ESTree.Node | null | undefined): node is ESTree.FunctionExpression | ESTree.ArrowFunctionExpression {
  return node?.type === 'FunctionExpression' || node?.type === 'ArrowFunctionExpression';
}

interface FoundCall {
  readonly node: ESTree.CallExpression;
  readonly scope: FunctionNode | null;
  readonly target: FunctionNode;
}

/** The source being linted, and the calls made directly in each function, found once. */
interface CallGraph {
  readonly sourceCode: SourceCode;
  readonly outgoingCache: Map<FunctionNode, FunctionNode[]>;
}

/** The function a call's callee names, or null. */
function calledFunction(sourceCode: SourceCode, call: ESTree.CallExpression): FunctionNode | null {
  if (call.callee.type !== 'Identifier') return null;
  const callee = call.callee;
  let variable: Scope.Variable | null = null;
  for (let scope: Scope.Scope | null = sourceCode.getScope(call); scope && !variable; scope = scope.upper) {
    const ref = scope.references.find((r) => r.identifier === callee);
    if (ref) variable = ref.resolved;
  }
  const def = variable?.defs[0];
  if (!def) return null;
  if (def.type === 'FunctionName' && isFunctionish(def.node as WithParent)) return def.node as FunctionNode;
  if (def.type === 'Variable' && isFunctionValue(def.node.init)) return def.node.init;
  return null;
}

/** Calls made directly in `fn` (its parameters and body), in source order, not entering any call expression. */
function outgoing(graph: CallGraph, fn: FunctionNode): FunctionNode[] {
  const { sourceCode, outgoingCache } = graph;
  const cached = outgoingCache.get(fn);
  if (cached) return cached;
  const found = new Set<FunctionNode>();
  const visit = (node: ESTree.Node): void => {
    if (node.type === 'CallExpression') {
      if (enclosingFunction(node) === fn) {
        const target = calledFunction(sourceCode, node);
        if (target) found.add(target);
      }
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      const children: unknown[] = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (typeof child === 'object' && child !== null && typeof (child as { type?: unknown }).type === 'string') visit(child as ESTree.Node);
      }
    }
  };
  for (const param of fn.params) visit(param);
  visit(fn.body);
  const list = [...found];
  outgoingCache.set(fn, list);
  return list;
}

function nameOf(sourceCode: SourceCode, fn: FunctionNode | null): string {
  if (fn === null) return 'Unknown';
  if (fn.type === 'FunctionDeclaration') return fn.id?.name ?? 'Anonymous Function';
  const parent = (fn as WithParent).parent;
  if (parent?.type === 'VariableDeclarator' && parent.init === fn) return sourceCode.getText(parent.id);
  return fn.type === 'ArrowFunctionExpression' ? 'Anonymous Arrow Function' : 'Anonymous Function';
}

/** Reports `node` when a walk of the calls from its target comes back to a function on the path. */
function checkCall(context: Rule.RuleContext, graph: CallGraph, { node, scope, target }: FoundCall): void {
  let steps = 0;
  const detect = (fn: FunctionNode, path: readonly (FunctionNode | null)[]): void => {
    steps += 1;
    if (steps > STEP_BUDGET) throw OVER_BUDGET;
    const at = path.indexOf(fn);
    if (at >= 0) {
      const cycle = [...path.slice(at), fn].map((f) => nameOf(graph.sourceCode, f)).join(' <-');
      context.report({ node, messageId: 'noRecursion', data: { path: cycle } });
      throw CYCLE;
    }
    try {
      for (const next of outgoing(graph, fn)) detect(next, [...path, fn]);
    } catch (e) {
      // As the plugin: a cycle found below ends this function's walk, not its caller's.
      if (e !== CYCLE) throw e;
    }
  };
  try {
    detect(target, [scope]);
  } catch (e) {
    if (e !== CYCLE && e !== OVER_BUDGET) throw e;
  }
}

export const noRecursion: Rule.RuleModule = {
  meta: {
    type: 'problem',
    schema: [],
    docs: { description: 'Disallow recursive functions' },
    messages: { noRecursion: 'Recursive function calls not supported. Detected cycle in {{ path }}' },
  },
  create(context) {
    const graph: CallGraph = { sourceCode: context.sourceCode, outgoingCache: new Map() };
    const calls: FoundCall[] = [];

    return {
      CallExpression(node: ESTree.CallExpression & Rule.NodeParentExtension) {
        const target = calledFunction(graph.sourceCode, node);
        if (target) calls.push({ node, scope: enclosingFunction(node), target });
      },
      'Program:exit'() {
        for (const call of calls) checkCall(context, graph, call);
      },
    };
  },
};

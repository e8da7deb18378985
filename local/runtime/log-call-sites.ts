/**
 * Where each `console.*` call starts, keyed by the position V8 reports for it. EvaluateCode prefixes
 * a log line with the position of the call as written: `console.log("This request is allowed")`
 * indented by four spaces on line 13 logs `INFO - code.js:13:5: "This request is allowed"`
 * (https://docs.aws.amazon.com/appsync/latest/devguide/test-debug-resolvers-js.html), i.e. the
 * 1-based column where `console` starts. A V8 stack frame of a member call `a.b(…)` points at `b`
 * instead, so the runtime maps that position back to the start of the call with this table.
 */
import type * as ESTree from 'estree';

/** `console` methods the runtime provides (sandbox/prelude.ts). */
const CONSOLE_METHODS = new Set(['log', 'error', 'info', 'warn', 'debug']);

/** `"line:column"` of the position V8 reports → `[line, column]` where the call starts; both 1-based. */
export type LogCallSites = Readonly<Record<string, readonly [number, number]>>;

type Located = ESTree.Node & { loc?: ESTree.SourceLocation | null };

function start(node: ESTree.Node): [number, number] | null {
  const loc = (node as Located).loc;
  return loc ? [loc.start.line, loc.start.column + 1] : null;
}

/** The position V8 reports for a member call: the property (`a.b(…)`), or just after `]` (`a['b'](…)`). */
function reportedPosition(callee: ESTree.MemberExpression): [number, number] | null {
  if (!callee.computed) return start(callee.property);
  const loc = (callee as Located).loc;
  return loc ? [loc.end.line, loc.end.column + 1] : null;
}

function propertyName(member: ESTree.MemberExpression): string | null {
  if (!member.computed) return member.property.type === 'Identifier' ? member.property.name : null;
  return member.property.type === 'Literal' && typeof member.property.value === 'string' ? member.property.value : null;
}

function isConsoleMember(node: ESTree.Node): boolean {
  return node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === 'console';
}

/**
 * A call V8 places away from its start: a member call whose method is a console method name
 * (`console.log(…)`, or an alias `c.log(…)`), or one handed a console method (`xs.forEach(console.log)`).
 */
function isLoggingMemberCall(call: ESTree.CallExpression): call is ESTree.CallExpression & { callee: ESTree.MemberExpression } {
  if (call.callee.type !== 'MemberExpression') return false;
  const name = propertyName(call.callee);
  return (name !== null && CONSOLE_METHODS.has(name)) || call.arguments.some((a) => isConsoleMember(a));
}

/** Walks a parsed module (ESLint's AST, with `loc`) and builds the table. */
export function findLogCallSites(program: ESTree.Program): LogCallSites {
  const sites: Record<string, [number, number]> = {};
  const visit = (node: ESTree.Node): void => {
    if (node.type === 'CallExpression' && isLoggingMemberCall(node)) {
      const reported = reportedPosition(node.callee);
      const call = start(node);
      if (reported && call && (reported[0] !== call[0] || reported[1] !== call[1])) sites[`${reported[0]}:${reported[1]}`] = call;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      const children: unknown[] = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (typeof child === 'object' && child !== null && typeof (child as { type?: unknown }).type === 'string') visit(child as ESTree.Node);
      }
    }
  };
  visit(program);
  return sites;
}

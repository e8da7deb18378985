/**
 * Turns a resolver's ES module into the body of a factory function that `node:vm` can run as a plain
 * script (`vm.SourceTextModule` needs a flag). Imports of the built-in modules become reads of the
 * sandbox's module table and `export` keywords are blanked, keeping every line and column of the
 * original, so error positions (`code.js:L:C`) point into the uploaded code
 * (docs/APPSYNC-BEHAVIOUR.md#js-module-format).
 */
import type * as ESTree from 'estree';
import type { CodeError } from './errors.ts';
import { codeError } from './static-checks.ts';

/** What each built-in module exports (docs/APPSYNC-BEHAVIOUR.md#js-module-format; RDS and Bedrock helpers are not provided locally). */
export const BUILT_IN_MODULES: Readonly<Record<string, readonly string[]>> = {
  '@aws-appsync/utils': ['util', 'extensions', 'runtime'],
  '@aws-appsync/utils/dynamodb': ['get', 'put', 'remove', 'update', 'query', 'scan', 'sync', 'batchGet', 'batchPut', 'batchDelete', 'transactGet', 'transactWrite', 'operations', 'toStringSet', 'toNumberSet', 'toBinarySet'],
};

const UNSUPPORTED_MODULES = ['@aws-appsync/utils/rds', '@aws-appsync/utils/ai'];

export const IMPORT_PARAM = '__appsyncImport';
/** Factory parameter: when given, receives the values of the top-level bindings after the top level ran. */
export const COLLECT_PARAM = '__appsyncCollect';

export interface RewriteResult {
  /**
   * `(function (__appsyncImport, globalThis, __appsyncCollect) {…})` — its first line is the wrapper's
   * own. It returns the export table; `__appsyncCollect`, when given, receives the values of `bindings`.
   */
  readonly factorySource: string;
  /** Exported name → local binding. */
  readonly exports: ReadonlyMap<string, string>;
  readonly codeErrors: CodeError[];
}

type Ranged = ESTree.Node & { range?: [number, number]; loc?: ESTree.SourceLocation | null };

function rangeOf(node: ESTree.Node): [number, number] {
  const r = (node as Ranged).range;
  if (!r) throw new Error('module-rewrite: the parser did not record node ranges');
  return r;
}

function nameOf(n: ESTree.Identifier | ESTree.Literal): string {
  return n.type === 'Identifier' ? n.name : String(n.value);
}

/** Same length, newlines kept, so later positions do not move. */
function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

function fit(replacement: string, original: string): string {
  const lines = original.split('\n').length - 1;
  return replacement + '\n'.repeat(lines);
}

/** `bindings`: the top-level names (imports excluded) whose values the factory reports to `__appsyncCollect`. */
export function rewriteModule(source: string, program: ESTree.Program, bindings: readonly string[] = []): RewriteResult {
  const edits: { start: number; end: number; text: string }[] = [];
  const exports = new Map<string, string>();
  const codeErrors: CodeError[] = [];
  const fail = (node: ESTree.Node, message: string): void => {
    const loc = (node as Ranged).loc;
    const [start, end] = rangeOf(node);
    codeErrors.push(codeError('VALIDATION_ERROR', message, loc?.start.line ?? 1, (loc?.start.column ?? 0) + 1, end - start));
  };

  for (const node of program.body) {
    const [start, end] = rangeOf(node);
    const original = source.slice(start, end);
    if (node.type === 'ImportDeclaration') {
      const specifier = String(node.source.value);
      const known = BUILT_IN_MODULES[specifier];
      if (UNSUPPORTED_MODULES.includes(specifier)) { fail(node, `Module '${specifier}' is not supported by the local runtime`); continue; }
      if (!known) { fail(node, `Cannot find module '${specifier}': only the built-in @aws-appsync modules can be imported; bundle everything else`); continue; }
      const parts: string[] = [];
      let namespace: string | null = null;
      for (const s of node.specifiers) {
        if (s.type === 'ImportDefaultSpecifier') fail(s, `Module '${specifier}' has no default export`);
        else if (s.type === 'ImportNamespaceSpecifier') namespace = s.local.name;
        else {
          const imported = nameOf(s.imported);
          if (!known.includes(imported)) fail(s, `Module '${specifier}' has no exported member '${imported}'`);
          parts.push(`${JSON.stringify(imported)}: ${s.local.name}`);
        }
      }
      const call = `${IMPORT_PARAM}(${JSON.stringify(specifier)})`;
      const text = [namespace ? `const ${namespace} = ${call};` : '', parts.length > 0 ? `const { ${parts.join(', ')} } = ${call};` : ''].join(' ');
      edits.push({ start, end, text: fit(text, original) });
    } else if (node.type === 'ExportNamedDeclaration') {
      if (node.source) { fail(node, 'Re-exports from other modules are not supported'); continue; }
      if (node.declaration) {
        const [declStart] = rangeOf(node.declaration);
        edits.push({ start, end: declStart, text: blank(source.slice(start, declStart)) });
        const d = node.declaration;
        if (d.type === 'FunctionDeclaration' && d.id) exports.set(d.id.name, d.id.name);
        else if (d.type === 'VariableDeclaration') {
          for (const v of d.declarations) {
            if (v.id.type === 'Identifier') exports.set(v.id.name, v.id.name);
            else fail(v, 'Destructuring exports are not supported');
          }
        } else fail(d, 'Only functions and variables can be exported');
      } else {
        for (const s of node.specifiers) exports.set(nameOf(s.exported), nameOf(s.local));
        edits.push({ start, end, text: blank(original) });
      }
    } else if (node.type === 'ExportDefaultDeclaration' || node.type === 'ExportAllDeclaration') {
      fail(node, 'The code must export named request and response functions, not a default or re-export');
    }
  }

  let body = '';
  let cursor = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    body += source.slice(cursor, e.start) + e.text;
    cursor = e.end;
  }
  body += source.slice(cursor);
  const table = [...exports].map(([exported, local]) => `${JSON.stringify(exported)}: ${local}`).join(', ');
  const collect = bindings.length > 0 ? `if (${COLLECT_PARAM}) ${COLLECT_PARAM}([${bindings.join(', ')}]);` : '';
  const factorySource = `(function (${IMPORT_PARAM}, globalThis, ${COLLECT_PARAM}) { "use strict";\n${body}\n;${collect}return { ${table} };\n})`;
  return { factorySource, exports, codeErrors };
}

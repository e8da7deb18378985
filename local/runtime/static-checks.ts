/**
 * Save-time checks of resolver code (docs/APPSYNC-BEHAVIOUR.md#js-language-subset): the syntactic rules of
 * `@aws-appsync/eslint-plugin` (its `base` config), run with ESLint's `Linter` over the bundle, plus
 * `throw` (documented as unsupported, supported-features.html, but not covered by a plugin rule), and
 * the plugin's `no-recursion` rule re-done without types (no-recursion.ts). Its other type-aware rules
 * (no-function-passing, no-function-return, ...) need a TypeScript program and are not run here. ESLint is loaded on first use only: a warm start takes its results from the
 * validation cache (validation-cache.ts) and never loads it.
 */
import type { Linter, Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';
import { createRequire } from 'node:module';
import type { CodeError } from './errors.ts';
import { noRecursion } from './no-recursion.ts';

/** The plugin's `configs.base` rules (file names under lib/rules, keyed by rule name). */
const BASE_RULES: Readonly<Record<string, string>> = {
  'no-async': 'no-async', 'no-await': 'no-await', 'no-classes': 'no-classes', 'no-for': 'no-for',
  'no-continue': 'no-continue', 'no-generators': 'no-generators', 'no-yield': 'no-yield', 'no-labels': 'no-labels',
  'no-regex': 'no-regex', 'no-this': 'no-this', 'no-try': 'no-try', 'no-while': 'no-while',
  'no-disallowed-unary-operators': 'no-disallowed-unary-operators',
  'no-disallowed-binary-operators': 'no-disallowed-binary-operator',
  'no-promise': 'no-promise', 'no-disallowed-re-assignment': 'no-disallowed-re-assignment', 'no-in-operator': 'no-in-operator',
};

const PLUGIN = '@aws-appsync';

const noThrow: Rule.RuleModule = {
  meta: { type: 'problem', schema: [], messages: { noThrow: 'Throw statements are not supported. Use util.error().' } },
  create: (context) => ({ ThrowStatement: (node) => context.report({ node, messageId: 'noThrow' }) }),
};

let linter: { linter: Linter; config: Linter.Config[] } | null = null;

function loadLinter(): { linter: Linter; config: Linter.Config[] } {
  if (linter) return linter;
  const require = createRequire(import.meta.url);
  const { Linter: LinterClass } = require('eslint') as typeof import('eslint');
  const rules: Record<string, Rule.RuleModule> = { 'no-throw': noThrow, 'no-recursion': noRecursion };
  for (const [name, file] of Object.entries(BASE_RULES)) {
    const mod = require(`@aws-appsync/eslint-plugin/lib/rules/${file}.js`) as Rule.RuleModule | { default: Rule.RuleModule };
    rules[name] = 'default' in mod ? mod.default : mod;
  }
  const config: Linter.Config[] = [{
    files: ['**/*'],
    plugins: { [PLUGIN]: { rules } },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
    rules: Object.fromEntries(Object.keys(rules).map((name) => [`${PLUGIN}/${name}`, 'error'])),
  }];
  linter = { linter: new LinterClass({ configType: 'flat' }), config };
  return linter;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i += 1) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Builds one AWS-shaped code error; `column` is 1-based like ESLint's. */
export function codeError(errorType: string, value: string, line: number, column: number, span: number): CodeError {
  return { errorType, value, location: { line, column, span } };
}

export interface CheckResult {
  /** ESLint's AST (nodes carry `parent`), or null when the code does not parse. */
  readonly ast: ESTree.Program | null;
  /** eslint-scope's analysis of `ast`. */
  readonly scopeManager: Scope.ScopeManager | null;
  readonly codeErrors: CodeError[];
}

/** Lints `source` once; returns the parsed program (for the module rewrite) and the errors found. */
export function checkSyntax(source: string): CheckResult {
  const { linter: l, config } = loadLinter();
  const messages = l.verify(source, config, { filename: 'code.js' });
  const starts = lineStarts(source);
  const offset = (line: number, column: number): number => (starts[line - 1] ?? 0) + column - 1;
  const codeErrors = messages.map((m) => {
    const span = m.endLine !== undefined && m.endColumn !== undefined ? offset(m.endLine, m.endColumn) - offset(m.line, m.column) : 0;
    if (m.fatal === true || m.ruleId === null) return codeError('PARSER_ERROR', m.message, m.line, m.column, span);
    return codeError('LINT_ERROR', `${m.message} (${m.ruleId})`, m.line, m.column, span);
  });
  if (messages.some((m) => m.fatal === true)) return { ast: null, scopeManager: null, codeErrors };
  const sourceCode = l.getSourceCode();
  return { ast: sourceCode.ast as unknown as ESTree.Program, scopeManager: sourceCode.scopeManager, codeErrors };
}

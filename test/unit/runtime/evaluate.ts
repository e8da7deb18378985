/** Test helpers: run resolver code through `evaluateCode`, the same path users take, in the project's runtime mode. */
import { evaluateCode, type EvaluateCodeResult } from '../../../local/runtime/index.ts';
import { RUNTIME } from './runtime-mode.ts';

const HEADER = "import { util, extensions, runtime } from '@aws-appsync/utils';\nimport * as ddb from '@aws-appsync/utils/dynamodb';\n";

/** A resolver whose request handler returns `expression`. */
export function resolverReturning(expression: string): string {
  return `${HEADER}export function request(ctx) {\n  return ${expression};\n}\nexport function response(ctx) {\n  return ctx.result;\n}\n`;
}

/** Evaluates `expression` inside a request handler and returns the parsed `evaluationResult`. */
export function evalExpr(expression: string, context: Record<string, unknown> = {}): unknown {
  const result = evaluateCode({ code: resolverReturning(expression), function: 'request', context: JSON.stringify(context) }, RUNTIME);
  if (result.error || result.evaluationResult === undefined) throw new Error(`evaluation failed: ${JSON.stringify(result)}`);
  return JSON.parse(result.evaluationResult);
}

/** Runs a whole module's handler. */
export function evalModule(code: string, fn: 'request' | 'response' = 'request', context: Record<string, unknown> = {}): EvaluateCodeResult {
  return evaluateCode({ code, function: fn, context: JSON.stringify(context) }, RUNTIME);
}

/**
 * Errors of the APPSYNC_JS runtime, recognised by brand (STYLE 7) because code running in the vm
 * context has its own `Error`.
 */
import { defineBrandedError, hasErrorBrand } from '../../api/branded-error.ts';

/** Where a code error sits in the uploaded code (AWS `CodeErrorLocation`). */
export interface CodeErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly span: number;
}

/** One problem found in resolver code, shaped like AWS `CodeError` (API_CodeError.html). */
export interface CodeError {
  /** `PARSER_ERROR`, `LINT_ERROR` (as AWS names them), or `VALIDATION_ERROR` for limits and imports. */
  readonly errorType: string;
  readonly value: string;
  readonly location: CodeErrorLocation;
}

/** Resolver code that AppSync would refuse at save time (`BadRequestException: The code contains one or more errors`). */
export class CodeValidationError extends defineBrandedError('CodeValidationError') {
  readonly filename: string;
  readonly codeErrors: readonly CodeError[];

  constructor(filename: string, codeErrors: readonly CodeError[]) {
    const first = codeErrors[0];
    const where = first ? `:${first.location.line}:${first.location.column}` : '';
    super(`${filename}${where}: The code contains one or more errors: ${codeErrors.map((e) => e.value).join('; ')}`);
    this.filename = filename;
    this.codeErrors = codeErrors;
  }
}

export function isCodeValidationError(e: unknown): e is CodeValidationError {
  return hasErrorBrand(e, 'CodeValidationError');
}

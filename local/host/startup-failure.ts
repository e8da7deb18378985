/**
 * The one formatter for start-up failures of `npm start` (STYLE 6): each becomes one line that says
 * what went wrong and what to do, instead of a Node stack trace. `ConfigError`s keep their
 * `Configuration error:` line; anything unexpected keeps its message, and its stack with `--verbose`.
 * A failure that ends a running server (`describeFatalError`) is told the same way.
 */
import { isConfigError } from '../../api/config-error.ts';
import type { FolderCheck } from './data-dir.ts';

export interface StartupFailureContext {
  /** The `--host` the server tried to bind. */
  readonly host: string;
  /** The `--port` (or `PORT`) it tried to bind. */
  readonly port: number;
  /** With `--verbose`, unexpected errors print their stack too. */
  readonly verbose: boolean;
}

const PREFIX = 'npm start:';
const CHOOSE_PORT = 'choose another port with --port N (or PORT=N)';

interface SystemErrorFields {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
}

function systemError(error: unknown): SystemErrorFields | null {
  return typeof error === 'object' && error !== null && typeof (error as SystemErrorFields).code === 'string' ? (error as SystemErrorFields) : null;
}

/** Formats why `npm start` could not start; the result may span lines only for unexpected errors with `--verbose`. */
export function describeStartupFailure(error: unknown, context: StartupFailureContext): string {
  if (isConfigError(error)) return `Configuration error: ${error.message}`;
  const fields = systemError(error);
  if (fields !== null && (fields.syscall === 'listen' || fields.syscall === 'bind')) {
    const host = typeof fields.address === 'string' ? fields.address : context.host;
    const port = typeof fields.port === 'number' ? fields.port : context.port;
    switch (fields.code) {
      case 'EADDRINUSE':
        return `${PREFIX} port ${port} on ${host} is already in use; stop the other process or ${CHOOSE_PORT}.`;
      case 'EACCES':
        return `${PREFIX} no permission to listen on port ${port} on ${host} (ports below 1024 need privileges); ${CHOOSE_PORT}.`;
      case 'EADDRNOTAVAIL':
        return `${PREFIX} cannot listen on ${host}: no network interface of this machine has that address; choose one that does with --host H (default 127.0.0.1, 0.0.0.0 for all).`;
      default:
        break;
    }
  }
  if (fields !== null && fields.syscall === 'getaddrinfo') {
    const host = typeof fields.hostname === 'string' ? fields.hostname : context.host;
    return `${PREFIX} cannot resolve --host ${host} (${String(fields.code)}); give an IP address or a name this machine resolves.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (context.verbose && error instanceof Error && error.stack !== undefined) return `${PREFIX} start-up failed: ${error.stack}`;
  return `${PREFIX} start-up failed: ${message}${error instanceof Error ? ' (run with --verbose for the stack)' : ''}`;
}

/** The line for a folder `checkWritableFolder` refused. */
export function describeUnwritableFolder(check: Extract<FolderCheck, { ok: false }>, dataDir: string | null): string {
  const what = dataDir === null ? 'the state folder' : check.path === dataDir ? 'the data folder' : 'a folder of the data folder';
  const action = check.step === 'create' ? 'cannot be created' : 'cannot be written';
  const hint = dataDir === null ? 'set TMPDIR to a writable folder, or choose one with --data-dir DIR' : 'choose a folder you can write with --data-dir DIR';
  return `${PREFIX} ${what} ${check.path} ${action} (${check.code}: ${check.reason}); ${hint}.`;
}

/**
 * The line for a part the server cannot serve without that stopped (`LocalServerHooks.onFatal`: the
 * embedded DynamoDB store's worker died). With `--verbose`, the stack of what crashed it follows.
 */
export function describeFatalError(error: Error, verbose: boolean): string {
  const cause = error.cause instanceof Error ? error.cause : error;
  if (verbose && cause.stack !== undefined) return `${PREFIX} ${error.message}; the server stopped: ${cause.stack}`;
  return `${PREFIX} ${error.message}; the server stopped (run with --verbose for the stack)`;
}

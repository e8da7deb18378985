import { isConfigError } from '../../api/config-error.ts';

/** The message of the ConfigError `run` throws, or 'no error'; any other error is rethrown. */
export function configError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (isConfigError(e)) return e.message;
    throw e;
  }
  return 'no error';
}

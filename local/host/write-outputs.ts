/**
 * Writes `amplify_outputs.json` (or Amplify Flutter's `amplify_outputs.dart`) for the local endpoint,
 * atomically: an app's dev server that watches the file never reads half of it.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { formatAmplifyOutputs, type AmplifyOutputs } from '../../api/amplify-outputs.ts';

export function writeAmplifyOutputsFile(path: string, outputs: AmplifyOutputs): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, formatAmplifyOutputs(outputs, path));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

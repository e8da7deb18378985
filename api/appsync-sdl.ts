/** AppSync's built-in scalar and directive declarations (`api/appsync.graphql`), for graphql-js. */
import { readFileSync } from 'node:fs';

export const APPSYNC_DEFINITIONS_SDL = readFileSync(new URL('./appsync.graphql', import.meta.url), 'utf8');

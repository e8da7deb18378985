export { api } from './definition.ts';
export type * from './types.ts';
export { validateDefinition, loadSchema, MAX_PIPELINE_FUNCTIONS } from './validate.ts';
export { resolverEnvironment, lambdaEnvironment, ENV, type LambdaTargets } from './environment.ts';
export * from './paths.ts';
export { ConfigError, isConfigError } from './config-error.ts';

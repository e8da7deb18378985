export { createGraphQLService, type GraphQLServiceDeps, type GraphQLServiceOptions, type InvalidationEvent } from './service.ts';
export { formatGraphQLError } from './format-error.ts';
export { AppSyncResolverError, isAppSyncResolverError, ERROR_TYPE } from './errors.ts';
export { APPSYNC_SCALARS, isScalarError } from './scalars.ts';
export type * from './contract.ts';

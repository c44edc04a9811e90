export { createApiServer, type ApiServer, type ApiServerOptions } from './api-server.ts';
export { createOperationsServer, type OperationsServerOptions, type Readiness } from './operations-server.ts';
export type { SingleSignOnConfig } from './routes/single-sign-on.ts';
export { ssoRoleRulesSchema, principalForIdentity } from './auth/single-sign-on.ts';

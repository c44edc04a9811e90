export { buildProgram } from './program.ts';
export { ApiClient, ApiError, type StreamedEvent } from './api-client.ts';
export type { Output } from './output.ts';
export { localAdminKey, ADMIN_KEY_FILE } from './local-key.ts';

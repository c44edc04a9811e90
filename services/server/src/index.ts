export { configFromEnv, type SwitchboardConfig } from './config.ts';
export { startSwitchboard, type RunningSwitchboard, type StartOptions } from './switchboard.ts';
export { ADMIN_KEY_FILE } from './first-admin-key.ts';

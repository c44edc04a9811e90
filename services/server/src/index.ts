export { configFromEnv, type SwitchboardConfig } from './config.ts';
export { startSwitchboard, type RunningSwitchboard, type StartOptions } from './switchboard.ts';

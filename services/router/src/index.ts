export { createRouter, type Router, type RouterOptions, type RouterStats } from './router.ts';
export { systemScheduler, type Scheduler } from './scheduler.ts';
export { ManualScheduler } from './manual-scheduler.ts';
export type { CommandResult, LeadCommand } from './lead-router.ts';
export type { DueTimer } from './deadline-timers.ts';
export { startPartitionedRouter, type PartitionedRouter, type PartitionedRouterOptions } from './partitioned-router.ts';

export { createRouter, type Router, type RouterOptions, type RouterStats, type CommandReply } from './router.ts';

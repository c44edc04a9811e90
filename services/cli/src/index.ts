export { buildProgram } from './program.ts';
export type { Output } from './output.ts';

#!/usr/bin/env node
// First: on too old a Node.js it stops here, before any other module loads.
import './require-node.mjs';
import { CommanderError, buildProgram } from './program.ts';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // Commander has already printed its message (usage errors, --help, --version).
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });

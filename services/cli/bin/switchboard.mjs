#!/usr/bin/env node
/* global process, URL */
// The `switchboard` command. First: on too old a Node.js it stops here, before anything loads.
import '../src/require-node.mjs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/switchboard.mjs', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    `The switchboard CLI is not built (${fileURLToPath(built)} is missing): it is built at install.\n` +
      'Run `npx pnpm@10 install` (or `pnpm install`) in the Switchboard directory, or build it alone with `node services/cli/build.mjs`.\n',
  );
  process.exit(1);
}
await import(built.href);

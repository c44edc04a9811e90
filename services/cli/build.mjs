/* global console, process, URL */
// Builds the `switchboard` command to one JavaScript file, services/cli/dist/switchboard.mjs,
// at install (this package's postinstall). Every command but `start` talks to a running
// service over HTTP: bundled with its dependencies it loads one file and answers in a
// fraction of the time tsx took to compile the sources on each run (3.5–4 s through npx).
// `start` runs the whole service, whose sources stay TypeScript: the bundle leaves it out and
// loads it through tsx when asked (dist/start-service.mjs).
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const startModule = /[/\\]commands[/\\]start\.ts$/;

/** Points `import('./commands/start.ts')` at the tsx loader written beside the bundle. */
const startThroughTsx = {
  name: 'start-through-tsx',
  setup(builder) {
    builder.onResolve({ filter: startModule }, () => ({ path: './start-service.mjs', external: true }));
  },
};

try {
  await mkdir(`${here}dist`, { recursive: true });
  await writeFile(
    `${here}dist/start-service.mjs`,
    [
      '// Written by build.mjs: `switchboard start` runs the service from its TypeScript sources, through tsx.',
      "import { tsImport } from 'tsx/esm/api';",
      "export const { start } = await tsImport('../src/commands/start.ts', import.meta.url);",
      '',
    ].join('\n'),
  );
  await build({
    entryPoints: [`${here}src/main.ts`],
    outfile: `${here}dist/switchboard.mjs`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    plugins: [startThroughTsx],
    // Some dependencies are CommonJS and call require(): give the ES module bundle one.
    banner: { js: "import { createRequire as __sbCreateRequire } from 'node:module'; const require = __sbCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
} catch (error) {
  console.error(`could not build the switchboard CLI: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

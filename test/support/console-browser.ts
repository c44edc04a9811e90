import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), which the browser tests drive. */
export const chromiumPath = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

/** True when the browser tests can run. */
export const hasChromium = existsSync(chromiumPath);

const consoleRoot = fileURLToPath(new URL('../../services/console/', import.meta.url));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Builds the web console (services/console/dist) when it is missing or older than its
 * sources, so that the browser test tests the code in the tree, not an old bundle.
 * `pnpm install` builds it too (the console's postinstall); this covers edits since.
 */
export function ensureConsoleBuilt(): void {
  const built = join(consoleRoot, 'dist', 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => join(consoleRoot, p)).filter((p) => existsSync(p));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  execFileSync(process.execPath, [join(consoleRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: consoleRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** A headless Chromium; `launch` gives it a fresh temporary profile (user data dir) and removes it on close. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // Playwright passes its own --headless; these are the flags Debian's Chromium needs in a
    // container (no sandbox, no GPU) and that keep it off the network apart from our server.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

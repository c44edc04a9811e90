import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file the first start writes its admin key to, under the data directory (see the server's first-admin-key.ts). */
export const ADMIN_KEY_FILE = 'admin.key';

/**
 * The admin key the first start of the service on this machine saved, if it is readable: the
 * two-command quick start's CLI works without a step more. `SWITCHBOARD_API_KEY` or `--key` win.
 */
export function localAdminKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return readFileSync(join(env.SWITCHBOARD_DATA_DIR || '.switchboard', ADMIN_KEY_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

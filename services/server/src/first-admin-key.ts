import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@switchboard/core';
import { createCredentialRepository, type Database } from '@switchboard/store';
import type { Kysely } from 'kysely';

/** Where the first start writes the admin key it made, under the data directory; the CLI on this machine reads it. */
export const ADMIN_KEY_FILE = 'admin.key';

/**
 * The first start of a deployment with no `SWITCHBOARD_ADMIN_KEY` and no key stored makes an
 * admin key, prints it once (on stderr, not in the structured log), and writes it with mode 0600
 * to `<dataDir>/admin.key`, where `switchboard` on the same machine finds it. Later starts, and
 * processes that start beside the first, make none.
 */
export async function ensureFirstAdminKey(db: Kysely<Database>, dataDir: string, logger: Logger): Promise<void> {
  const created = await createCredentialRepository(db).createFirst({ name: 'first admin key', role: 'admin', createdBy: 'first start' });
  if (!created) return;
  const file = join(dataDir, ADMIN_KEY_FILE);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${created.key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  process.stderr.write(
    `\nSwitchboard made its first admin key. It is shown this once, and saved (mode 0600) in ${file}:\n\n    ${created.key}\n\n` +
      'Sign in to the console with it, or send it as "Authorization: Bearer <key>". The CLI on this machine reads the file.\n' +
      'Make keys with fewer rights for everything else (switchboard keys create), and revoke this one once you have your own.\n\n',
  );
  logger.info({ file, keyId: created.record.id }, 'made the first admin key');
}

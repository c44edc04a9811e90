import { readFile } from 'node:fs/promises';
import { type ApiClient, ApiError } from '../api-client.ts';
import { formatTable } from '../format-table.ts';
import { type NamedRep, RepDirectory } from '../rep-directory.ts';
import type { Output } from '../output.ts';

interface Account {
  id: string;
  name: string;
  domains: string[];
  ownerId: string | null;
}

interface Rep {
  id: string;
  name: string;
  email: string;
}

/** Collects a repeated option (`--domain acme.com --domain acme.de`) into a list. */
export function collectRepeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A rep's id from its id or email; prints why not and answers undefined if there is no such rep. */
export async function repIdOf(api: ApiClient, io: Output, ref: string): Promise<string | undefined> {
  try {
    return await new RepDirectory(api).idOf(ref);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== null) throw error;
    io.err(`error: ${error.message}`);
    process.exitCode = 1;
    return undefined;
  }
}

/** Every rep. */
const allReps = (api: ApiClient): Promise<NamedRep[]> => new RepDirectory(api).all();

/** `switchboard accounts add <name>`: an account, its domains and its owner (a rep's email or id). */
export async function addAccount(api: ApiClient, io: Output, name: string, options: { domain?: string[]; owner?: string; json?: boolean }): Promise<void> {
  let ownerId: string | undefined;
  if (options.owner !== undefined) {
    ownerId = await repIdOf(api, io, options.owner);
    if (ownerId === undefined) return;
  }
  const { body } = await api.request<Account>('POST', '/v1/accounts', {
    name,
    ...(options.domain && { domains: options.domain }),
    ...(ownerId !== undefined && { ownerId }),
  });
  const owner = options.owner === undefined ? 'no owner' : `owned by ${options.owner}`;
  io.out(options.json ? JSON.stringify(body) : `Account created: ${body.name} (${body.id}), ${body.domains.join(', ') || 'no domains'}, ${owner}`);
}

/** `switchboard accounts list`: every account with its domains and owner. */
export async function listAccounts(api: ApiClient, io: Output, options: { owner?: string; json?: boolean }): Promise<void> {
  let query = '';
  if (options.owner !== undefined) {
    const ownerId = await repIdOf(api, io, options.owner);
    if (ownerId === undefined) return;
    query = `?owner=${encodeURIComponent(ownerId)}`;
  }
  const { body } = await api.request<{ items: Account[] }>('GET', `/v1/accounts${query}`);
  if (options.json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out(
      options.owner === undefined
        ? 'No accounts yet. Add one with: switchboard accounts add "Acme" --domain acme.com --owner sarah@example.com, or import a CSV file with: switchboard accounts import accounts.csv'
        : `No accounts owned by ${options.owner}.`,
    );
    return;
  }
  const reps = body.items.some((a) => a.ownerId !== null) ? new Map((await allReps(api)).map((r) => [r.id, r])) : new Map<string, Rep>();
  const ownerOf = (id: string | null) => {
    if (id === null) return '-';
    const rep = reps.get(id);
    return rep ? `${rep.name} <${rep.email}>` : id;
  };
  io.out(
    formatTable(
      ['id', 'name', 'domains', 'owner'],
      body.items.map((a) => [a.id, a.name, a.domains.join(', ') || '-', ownerOf(a.ownerId)]),
    ),
  );
}

/** `switchboard accounts import <file.csv>`: all the file's accounts, or none if a line is wrong. */
export async function importAccounts(api: ApiClient, io: Output, file: string, options: { json?: boolean }): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.err(`error: could not read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  try {
    const { body } = await api.requestText<{ created: number; updated: number }>('POST', '/v1/accounts/import', text, 'text/csv');
    io.out(options.json ? JSON.stringify(body) : `Imported ${file}: ${body.created} created, ${body.updated} updated`);
  } catch (error) {
    const errors = error instanceof ApiError && error.status === 400 ? (error.body as { errors?: Array<{ path: string; message: string }> })?.errors : undefined;
    if (!errors?.length) throw error;
    io.err(
      [
        `error: nothing was imported; fix ${errors.length === 1 ? 'this' : 'these'} in ${file} and import again:`,
        ...errors.map((e) => `  ${e.path ? `${e.path}: ` : ''}${e.message}`),
      ].join('\n'),
    );
    process.exitCode = 1;
  }
}

import { runStatement } from './bench-schema.ts';

/** A point in PostgreSQL's write history: the next transaction id and the WAL position. */
export interface DatabaseMark {
  readonly xid: bigint;
  readonly walLsn: bigint;
}

/** Write activity of the whole PostgreSQL cluster between two marks. */
export interface DatabaseActivity {
  /** Transactions that wrote something (each takes a transaction id). */
  readonly writeTransactions: number;
  readonly walBytes: number;
}

function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** Reads the current mark (this takes one transaction id itself). */
export async function markDatabase(url: string): Promise<DatabaseMark> {
  const { rows } = await runStatement<{ xid: string; lsn: string }>(url, 'select pg_current_xact_id()::text as xid, pg_current_wal_lsn()::text as lsn');
  return { xid: BigInt(rows[0]!.xid), walLsn: parseLsn(rows[0]!.lsn) };
}

/** What was written between two marks (cluster-wide: other users of the server count too). */
export function activityBetween(before: DatabaseMark, after: DatabaseMark): DatabaseActivity {
  return { writeTransactions: Number(after.xid - before.xid - 1n), walBytes: Number(after.walLsn - before.walLsn) };
}

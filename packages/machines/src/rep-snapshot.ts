import type { Actor, SnapshotFrom } from 'xstate';
import { SnapshotVersionError } from './errors.ts';
import type { repMachine, WindowCounts } from './rep-machine.ts';

/**
 * The rep machine's version, stored with every snapshot.
 * - 1: no whole snapshot; the row kept only the counters `{ windows, rejections }`.
 * - 2: the whole persisted XState snapshot.
 * - 3: the context keeps `lastAccepted` (a withdrawn offer gives the rep's round-robin place back).
 * - 4: the context keeps `busy` (calendar meetings and bookings), and the state `busy` exists.
 */
export const REP_MACHINE_VERSION = 4;

/** A rep as the store kept it: a whole snapshot, or (version 1) its counters alone. */
export type StoredRep =
  | { readonly kind: 'snapshot'; readonly snapshot: SnapshotFrom<typeof repMachine> }
  | { readonly kind: 'counters'; readonly windows?: WindowCounts; readonly rejections?: { readonly day: number; readonly count: number } };

/** A rep actor's persisted snapshot with the version of the machine that wrote it: what the store keeps. */
export function repSnapshotForStore(actor: Actor<typeof repMachine>): Record<string, unknown> {
  return { ...(actor.getPersistedSnapshot() as unknown as Record<string, unknown>), machineVersion: REP_MACHINE_VERSION };
}

/** Reads what the store kept of a rep; a snapshot of a newer machine is refused with a `SnapshotVersionError`. */
export function repFromStore(stored: unknown): StoredRep {
  if (stored === null || typeof stored !== 'object') return { kind: 'counters' };
  const { machineVersion, ...rest } = stored as { machineVersion?: number } & Record<string, unknown>;
  if (machineVersion === undefined) return { kind: 'counters', ...(rest as Omit<Extract<StoredRep, { kind: 'counters' }>, 'kind'>) };
  if (machineVersion > REP_MACHINE_VERSION) throw new SnapshotVersionError('rep', machineVersion, REP_MACHINE_VERSION);
  // Version 2 knew no accepted offer to give back.
  if (machineVersion < 3) rest.context = { lastAccepted: null, ...(rest.context as Record<string, unknown>) };
  // Version 3 knew no calendars.
  if (machineVersion < 4) rest.context = { busy: [], ...(rest.context as Record<string, unknown>) };
  return { kind: 'snapshot', snapshot: rest as unknown as SnapshotFrom<typeof repMachine> };
}

import type { Actor, SnapshotFrom } from 'xstate';
import { SnapshotVersionError } from './errors.ts';
import type { RepContext, repMachine, WindowCounts } from './rep-machine.ts';

/**
 * The rep machine's version, stored with every snapshot.
 * - 1: no whole snapshot; the row kept only the counters `{ windows, rejections }`.
 * - 2: the whole persisted XState snapshot.
 * - 3: the context keeps `lastAccepted` (a withdrawn offer gives the rep's round-robin place back).
 * - 4: the state `busy` exists (calendar meetings and bookings); the stored context leaves out
 *   the rep's profile (name, caps, schedule, busy time, the toggle), which the rep's row holds:
 *   a rep's row is written on every assignment, and the profile was most of it.
 */
export const REP_MACHINE_VERSION = 4;

/** A rep as the store kept it: a whole snapshot, or (version 1) its counters alone. */
export type StoredRep =
  | { readonly kind: 'snapshot'; readonly snapshot: SnapshotFrom<typeof repMachine> }
  | { readonly kind: 'counters'; readonly windows?: WindowCounts; readonly rejections?: { readonly day: number; readonly count: number } };

/** What a rep actor's context takes from the rep's profile (its row), not from its stored snapshot. */
export type RepProfileContext = Pick<RepContext, 'name' | 'cap' | 'caps' | 'available' | 'awayReason' | 'active' | 'schedule' | 'busy'>;

const PROFILE_FIELDS: ReadonlyArray<keyof RepProfileContext> = ['name', 'cap', 'caps', 'available', 'awayReason', 'active', 'schedule', 'busy'];

/**
 * A rep actor's persisted snapshot with the version of the machine that wrote it, its profile
 * left out (`repFromStore` takes it from the rep's row again): what the store keeps.
 */
export function repSnapshotForStore(actor: Actor<typeof repMachine>): Record<string, unknown> {
  const persisted = actor.getPersistedSnapshot() as unknown as { context: Record<string, unknown> } & Record<string, unknown>;
  const context = { ...persisted.context };
  for (const field of PROFILE_FIELDS) delete context[field];
  return { ...persisted, context, machineVersion: REP_MACHINE_VERSION };
}

/**
 * Reads what the store kept of a rep, with its profile as the rep's row has it now (older
 * snapshots kept a copy of the profile; the row's is the one that holds); a snapshot of a newer
 * machine is refused with a `SnapshotVersionError`.
 */
export function repFromStore(stored: unknown, profile: RepProfileContext): StoredRep {
  if (stored === null || typeof stored !== 'object') return { kind: 'counters' };
  const { machineVersion, ...rest } = stored as { machineVersion?: number } & Record<string, unknown>;
  if (machineVersion === undefined) return { kind: 'counters', ...(rest as Omit<Extract<StoredRep, { kind: 'counters' }>, 'kind'>) };
  if (machineVersion > REP_MACHINE_VERSION) throw new SnapshotVersionError('rep', machineVersion, REP_MACHINE_VERSION);
  // Version 2 knew no accepted offer to give back.
  if (machineVersion < 3) rest.context = { lastAccepted: null, ...(rest.context as Record<string, unknown>) };
  rest.context = { ...(rest.context as Record<string, unknown>), ...profile };
  return { kind: 'snapshot', snapshot: rest as unknown as SnapshotFrom<typeof repMachine> };
}

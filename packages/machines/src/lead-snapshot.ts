import type { RepId } from '@switchboard/core';
import type { Actor, SnapshotFrom } from 'xstate';
import { SnapshotVersionError } from './errors.ts';
import { type LeadContext, leadMachine } from './lead-machine.ts';

/**
 * The lead machine's version, stored with every snapshot. Raise it when a change to the machine
 * changes what a snapshot means, and teach `leadSnapshotFromStore` to upgrade the older ones.
 * - 1: no version field.
 * - 2: the escalation target (`escalateTo`, `ownerManagerId`) is in the context.
 */
export const LEAD_MACHINE_VERSION = 2;

/** What the router knows that a version 1 snapshot lacks. */
export interface LeadSnapshotUpgrade {
  /** The escalation target and owner's manager for a lead assigned before version 2. */
  escalationOf(context: Omit<LeadContext, 'escalateTo' | 'ownerManagerId'>): { readonly escalateTo: string; readonly ownerManagerId: RepId | null };
}

/**
 * A lead's persisted snapshot with the version of the machine that wrote it: what the store keeps.
 * Takes a live actor or a snapshot from a pure transition.
 */
export function leadSnapshotForStore(lead: Actor<typeof leadMachine> | SnapshotFrom<typeof leadMachine>): Record<string, unknown> {
  const persisted = 'getPersistedSnapshot' in lead ? lead.getPersistedSnapshot() : leadMachine.getPersistedSnapshot(lead);
  return { ...(persisted as unknown as Record<string, unknown>), machineVersion: LEAD_MACHINE_VERSION };
}

/**
 * A stored lead snapshot, ready for `createActor(leadMachine, { snapshot })`: an older version is
 * upgraded; a newer one is refused with a `SnapshotVersionError`, never misread.
 */
export function leadSnapshotFromStore(stored: unknown, upgrade: LeadSnapshotUpgrade): SnapshotFrom<typeof leadMachine> {
  const { machineVersion, ...snapshot } = stored as { machineVersion?: number; context: LeadContext } & Record<string, unknown>;
  const version = machineVersion ?? 1;
  if (version > LEAD_MACHINE_VERSION) throw new SnapshotVersionError('lead', version, LEAD_MACHINE_VERSION);
  if (version < 2) {
    snapshot.context = { ...snapshot.context, ...upgrade.escalationOf(snapshot.context) };
  }
  return snapshot as unknown as SnapshotFrom<typeof leadMachine>;
}

/**
 * A stored lead snapshot as a live machine snapshot, ready for XState's pure `transition`:
 * upgraded or refused as `leadSnapshotFromStore` does.
 */
export function leadStateFromStore(stored: unknown, upgrade: LeadSnapshotUpgrade): SnapshotFrom<typeof leadMachine> {
  const persisted = leadSnapshotFromStore(stored, upgrade);
  return leadMachine.resolveState({ value: persisted.value, context: persisted.context });
}

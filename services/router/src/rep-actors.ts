import type { AvailabilitySchedule, Rep, RepId, RepState } from '@switchboard/core';
import { nextRepChange, repFromStore, repMachine, type RepProfileContext, repSnapshotForStore } from '@switchboard/machines';
import type { RepLiveState } from '@switchboard/store';
import { type Actor, createActor } from 'xstate';
import { type TimerChange, timerChange } from './timer-change.ts';
import type { ActorInspector } from './actor-inspector.ts';

/** A rep actor and what the router keeps beside it. */
export interface RepEntry {
  readonly actor: Actor<typeof repMachine>;
  profile: Rep;
  /** Revision of the last live state handed to the store. */
  revision: number;
  /** The state last handed to the store, to log changes. */
  persistedState: string | null;
  /** Due time of the rep's availability timer as last handed to the store; undefined: unknown. */
  timerDueAt: number | null | undefined;
}

/** The schedule part of a rep's profile, as the rep machine and the SLA math need it. */
export function scheduleOf(rep: Rep): AvailabilitySchedule {
  return { timezone: rep.timezone, workingHours: rep.workingHours, holidays: rep.holidays, outOfOffice: rep.outOfOffice };
}

/** What the rep machine keeps of a rep's profile (and takes from the row again on load, not from its snapshot). */
function profileOf(rep: Rep): RepProfileContext {
  return {
    name: rep.name,
    cap: rep.cap,
    caps: rep.caps,
    available: rep.available,
    awayReason: rep.awayReason,
    active: rep.active,
    schedule: scheduleOf(rep),
    busy: rep.busy,
  };
}

/**
 * The rep actors one router hosts: independent root actors in a map (many children
 * under one parent actor is quadratic in XState v5).
 */
export class RepActors {
  readonly #entries = new Map<RepId, RepEntry>();
  readonly #inspector: ActorInspector | undefined;

  constructor(inspector?: ActorInspector) {
    this.#inspector = inspector;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(repId: RepId): RepEntry | undefined {
    return this.#entries.get(repId);
  }

  values(): IterableIterator<RepEntry> {
    return this.#entries.values();
  }

  /**
   * Starts the actor of a rep from its stored row, as of `at`: from its whole snapshot, with
   * the profile as the row has it now (the API may have changed it while no router ran), or
   * from its columns and counters when an older version stored only those.
   */
  load(rep: Rep, stored: { lastAssignmentSeq: number | null; snapshot: unknown }, at: number): RepEntry {
    const kept = repFromStore(stored.snapshot, profileOf(rep));
    const input = {
      repId: rep.id,
      ...profileOf(rep),
      at,
      activeLeads: rep.activeLeads,
      lastAssignedAt: rep.lastAssignedAt?.getTime() ?? null,
      lastAssignmentSeq: stored.lastAssignmentSeq,
      ...(kept.kind === 'counters' && kept.windows && { windows: kept.windows }),
      ...(kept.kind === 'counters' && kept.rejections && { rejections: kept.rejections }),
    };
    const inspect = this.#inspector?.observer('rep', rep.id);
    const actor = createActor(repMachine, { input, inspect, ...(kept.kind === 'snapshot' && { snapshot: kept.snapshot }) }).start();
    if (kept.kind === 'snapshot') actor.send({ type: 'UPDATE', at, ...profileOf(rep) });
    const entry: RepEntry = { actor, profile: rep, revision: rep.revision, persistedState: rep.state, timerDueAt: undefined };
    this.#entries.set(rep.id, entry);
    return entry;
  }

  /** Applies a changed profile to a running actor. */
  applyProfile(entry: RepEntry, rep: Rep, at: number): void {
    entry.actor.send({ type: 'UPDATE', at, ...profileOf(rep) });
    entry.profile = rep;
  }

  /** The rep's state, as a string. */
  stateOf(entry: RepEntry): RepState {
    return entry.actor.getSnapshot().value as RepState;
  }

  /** When the rep's state may next change by itself (shift, out of office, cap window). */
  nextChangeOf(entry: RepEntry): number | null {
    return nextRepChange(entry.actor.getSnapshot().context);
  }

  /**
   * The change to the rep's durable availability timer (its next shift, out-of-office or
   * cap-window change), or null when the store already has it: most assignments change
   * nothing, and write nothing. Call `forgetTimer` if the write carrying it fails.
   */
  timerChange(entry: RepEntry): TimerChange | null {
    const next = this.nextChangeOf(entry);
    const change = timerChange({ actorKind: 'rep', actorId: entry.profile.id, kind: 'availability' }, entry.timerDueAt, next);
    entry.timerDueAt = next;
    return change;
  }

  /** The store may not have the timer last handed to it: write it again next time. */
  forgetTimer(entry: RepEntry): void {
    entry.timerDueAt = undefined;
  }

  /** What the store keeps of a rep actor, as a new revision. */
  liveState(entry: RepEntry, cause = 'routing'): RepLiveState {
    const { context, value } = entry.actor.getSnapshot();
    entry.revision += 1;
    const changed = entry.persistedState !== value;
    const transition = changed ? { from: entry.persistedState, to: String(value), cause, at: context.asOf } : undefined;
    entry.persistedState = String(value);
    return {
      ...(transition && { transition }),
      revision: entry.revision,
      repId: context.repId,
      state: value as RepState,
      activeLeads: context.activeLeads,
      lastAssignedAt: context.lastAssignedAt,
      lastAssignmentSeq: context.lastAssignmentSeq,
      snapshot: repSnapshotForStore(entry.actor),
    };
  }

  stopAll(): void {
    for (const entry of this.#entries.values()) entry.actor.stop();
    this.#entries.clear();
  }
}

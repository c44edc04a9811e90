import type { LeadAccount, LeadFacts, RepId } from '@switchboard/core';
import { type BusEvent, SERVE_ERROR_HEADER, type Subjects } from '@switchboard/bus';
import type { LeadPlaceRow } from '@switchboard/store';
import type { DueTimer } from './deadline-timers.ts';
import type { EventRelay } from './event-relay.ts';
import type { LeadPlace, PartitionMap } from './partition-map.ts';

/** The subjects one partition's router serves, under the topology version its map was built from. */
export interface PartitionSubjects {
  /** One rep's commands and offers, e.g. `sb.part.12.t-<team id>.rep.<id>`. */
  rep(repId: string): string;
  readonly allReps: string;
  /** One lead's commands. */
  leadCommand(leadId: string): string;
  readonly allLeadCommands: string;
  /** Leads handed to the partition for routing (`{ lead, origin }`). */
  readonly admit: string;
  /** Inspection of the partition's actors. */
  readonly inspect: string;
}

/** What makes a router one partition's router rather than the one router of everything. */
export interface RouterPartition {
  readonly key: string;
  /** The topology version the map was built from. */
  readonly version: number;
  readonly map: PartitionMap;
  /** The lease row (`partition:<version>:<key>`) its writes are fenced by, and its epoch. */
  readonly lease: { readonly name: string; readonly epoch: number };
  readonly subjects: PartitionSubjects;
  /** The process's event relay, which its partitions share (one relay per process, not per partition). */
  readonly relay: EventRelay;
}

/** The subjects of partition `key` of the map built at topology `version`. */
export function partitionSubjects(subjects: Subjects, version: number, key: string): PartitionSubjects {
  const base = `${subjects.namespace}.part.${version}.${key}`;
  return {
    rep: (repId) => `${base}.rep.${repId}`,
    allReps: `${base}.rep.*`,
    leadCommand: (leadId) => `${base}.leadcmd.${leadId}`,
    allLeadCommands: `${base}.leadcmd.*`,
    admit: `${base}.admit`,
    inspect: `${base}.inspect`,
  };
}

/**
 * What a router hosts: everything, or one partition's reps and leads. `accountFor` is the
 * router's account index (a lead routed to its account's owner lives in the owner's partition).
 */
export class HostedScope {
  readonly #partition: RouterPartition | undefined;
  readonly #accountFor: (facts: LeadFacts) => LeadAccount | null;

  constructor(partition: RouterPartition | undefined, accountFor: (facts: LeadFacts) => LeadAccount | null) {
    this.#partition = partition;
    this.#accountFor = accountFor;
  }

  hostsRep(repId: RepId): boolean {
    const partition = this.#partition;
    return !partition || partition.map.partitionOfRep(repId).key === partition.key;
  }

  /** A lead lives in its owner's partition, else in the one its rules lead to. */
  hostsLead(lead: Omit<LeadPlace, 'ownerId'> & { readonly ownerId?: RepId | null }): boolean {
    const partition = this.#partition;
    if (!partition) return true;
    return partition.map.partitionOfLead({ ownerId: lead.ownerId ?? null, requestedTeam: lead.requestedTeam, facts: lead.facts }, this.#accountFor).key === partition.key;
  }

  /** The due timers of this scope's reps and leads, of those loaded (`placesOf` reads where the leads stand). */
  async ownTimers(loaded: ReadonlyArray<DueTimer>, placesOf: (ids: ReadonlyArray<string>) => Promise<LeadPlaceRow[]>): Promise<ReadonlyArray<DueTimer>> {
    const leadIds = loaded.filter((t) => t.actorKind === 'lead').map((t) => t.actorId);
    const hosted = new Set((await placesOf(leadIds)).filter((place) => this.hostsLead(place)).map((place) => place.id as string));
    return loaded.filter((t) => (t.actorKind === 'rep' ? this.hostsRep(t.actorId as RepId) : hosted.has(t.actorId)));
  }
}

/** A reply, or the error its handler threw (a `Bus.serve()` error reply) thrown here. */
export function replyOrThrow(reply: BusEvent, what: string): BusEvent {
  if (reply.headers[SERVE_ERROR_HEADER]) {
    const body = reply.json<{ error?: { message?: string } }>();
    throw new Error(`${what} failed in the partition's router: ${body.error?.message ?? 'unknown error'}`);
  }
  return reply;
}

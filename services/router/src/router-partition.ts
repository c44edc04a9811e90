import { type BusEvent, SERVE_ERROR_HEADER, type Subjects } from '@switchboard/bus';
import type { EventRelay } from './event-relay.ts';
import type { PartitionMap } from './partition-map.ts';

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

/** A reply, or the error its handler threw (a `Bus.serve()` error reply) thrown here. */
export function replyOrThrow(reply: BusEvent, what: string): BusEvent {
  if (reply.headers[SERVE_ERROR_HEADER]) {
    const body = reply.json<{ error?: { message?: string } }>();
    throw new Error(`${what} failed in the partition's router: ${body.error?.message ?? 'unknown error'}`);
  }
  return reply;
}

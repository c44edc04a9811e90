import type { StreamSpec } from './bus.ts';

/**
 * Every subject, stream and consumer name Switchboard uses, in one place.
 *
 * All names are prefixed with the deployment's namespace (`SWITCHBOARD_NAMESPACE`,
 * default `sb`) so that several deployments or test runs can share one NATS server
 * without seeing each other's messages.
 */
export interface Subjects {
  readonly namespace: string;
  /** Where leads are published for routing, by the API or by any other producer. */
  readonly leadIntake: string;
  /** Where intake messages that failed validation go, with the reason and original payload. */
  readonly intakeDeadLetter: string;
  /** Wildcard covering every lifecycle event. */
  readonly allEvents: string;
  /** The subject of one lifecycle event type, e.g. `event('lead.assigned')` → `sb.evt.lead.assigned`. */
  event(type: string): string;
  /** Request/reply subject of one rep actor's commands, e.g. `sb.rep.<id>`. */
  repCommand(repId: string): string;
  /** Wildcard covering every rep actor's commands. */
  readonly allRepCommands: string;
  /** Request/reply subject of one lead's commands (touch, close, reject), e.g. `sb.leadcmd.<id>`. */
  leadCommand(leadId: string): string;
  /** Wildcard covering every lead's commands. */
  readonly allLeadCommands: string;
  /** Request/reply subject announcing a change to one team, e.g. `sb.team.<id>`. */
  teamCommand(teamId: string): string;
  /** Wildcard covering every team's commands. */
  readonly allTeamCommands: string;
  /** Request/reply subject announcing a new routing configuration or changed accounts, e.g. `sb.policy`. */
  readonly policyCommand: string;
  /**
   * Request/reply subject for inspecting one actor (`{ kind, id, watchSeconds? }`): its live
   * state, and optionally a stream of its XState inspection events for a while, e.g. `sb.inspect`.
   */
  readonly inspect: string;
  /** Where one actor's XState inspection events go while it is watched, e.g. `sb.inspect.evt.lead.<id>`. */
  inspectEvents(kind: 'lead' | 'rep', id: string): string;
  /** Stream names (namespace-prefixed). */
  readonly streams: { readonly intake: string; readonly events: string; readonly deadLetter: string };
  /** Durable consumer names (namespace-prefixed). */
  readonly consumers: {
    readonly router: string;
    /** The Salesforce connector's consumer of `lead.assigned` (owner write-back). */
    readonly salesforceWriteback: string;
  };
  /** The stream declarations, for `Bus.ensureStreams`. */
  readonly streamSpecs: ReadonlyArray<StreamSpec>;
}

const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Builds the subject names of one namespace.
 *
 * @example
 * const subjects = createSubjects('sb');
 * subjects.leadIntake; // 'sb.lead.intake'
 */
export function createSubjects(namespace = 'sb'): Subjects {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new Error(
      `SWITCHBOARD_NAMESPACE "${namespace}" is invalid: use 1-32 letters, digits, "_" or "-" (it prefixes NATS subjects and stream names)`,
    );
  }
  const ns = namespace;
  const streams = { intake: `${ns}_INTAKE`, events: `${ns}_EVENTS`, deadLetter: `${ns}_DEADLETTER` };
  const leadIntake = `${ns}.lead.intake`;
  const intakeDeadLetter = `${ns}.deadletter.lead.intake`;
  const allEvents = `${ns}.evt.>`;
  return Object.freeze({
    namespace: ns,
    leadIntake,
    intakeDeadLetter,
    allEvents,
    event: (type: string) => `${ns}.evt.${type}`,
    repCommand: (repId: string) => `${ns}.rep.${repId}`,
    allRepCommands: `${ns}.rep.*`,
    teamCommand: (teamId: string) => `${ns}.team.${teamId}`,
    // Not `lead.<id>`: that wildcard would also match the intake subject `lead.intake`.
    leadCommand: (leadId: string) => `${ns}.leadcmd.${leadId}`,
    allLeadCommands: `${ns}.leadcmd.*`,
    allTeamCommands: `${ns}.team.*`,
    policyCommand: `${ns}.policy`,
    inspect: `${ns}.inspect`,
    inspectEvents: (kind: 'lead' | 'rep', id: string) => `${ns}.inspect.evt.${kind}.${id}`,
    streams: Object.freeze(streams),
    consumers: Object.freeze({ router: `${ns}_router`, salesforceWriteback: `${ns}_salesforce_writeback` }),
    streamSpecs: Object.freeze([
      { name: streams.intake, subjects: [leadIntake] },
      { name: streams.events, subjects: [allEvents] },
      { name: streams.deadLetter, subjects: [`${ns}.deadletter.>`], maxAgeMs: 30 * 24 * 3600 * 1000 },
    ]),
  });
}

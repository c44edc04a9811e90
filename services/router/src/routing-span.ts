import type { Attributes } from '@opentelemetry/api';
import { Attr } from '@switchboard/telemetry';
import type { LeadCommand } from './lead-router.ts';
import type { RoutingOutcome } from './route-lead.ts';

/**
 * The attributes of a routing decision's span, from the decision record: rule, team,
 * strategy, how many candidates and how many were eligible, and the rep chosen (or why the
 * lead waits). Called only for a recording span.
 */
export function decisionAttributes(outcome: RoutingOutcome): Attributes {
  const decision = outcome.decision;
  let eligible = 0;
  for (const candidate of decision.candidates) if (candidate.verdict !== 'excluded') eligible += 1;
  const attributes: Attributes = {
    [Attr.outcome]: outcome.type,
    [Attr.candidateCount]: decision.candidates.length,
    [Attr.eligibleCount]: eligible,
  };
  if (decision.rule) attributes[Attr.ruleName] = decision.rule.name;
  if (decision.teamId) attributes[Attr.teamId] = decision.teamId;
  if (decision.teamName) attributes[Attr.teamName] = decision.teamName;
  if (decision.strategy) attributes[Attr.strategy] = decision.strategy;
  if (outcome.type === 'assigned') attributes[Attr.repId] = outcome.rep.profile.id;
  else attributes[Attr.waitingReason] = outcome.reason;
  return attributes;
}

/** The attributes of a command's step span. Called only for a recording span. */
export function commandAttributes(command: LeadCommand, now: number): Attributes {
  switch (command.type) {
    case 'sla-expired':
      return { [Attr.deadlineAt]: new Date(command.deadlineAt).toISOString(), [Attr.timerLagMs]: now - command.deadlineAt };
    case 'touch':
      return { [Attr.touchType]: command.touch };
    case 'close':
      return { [Attr.closeOutcome]: command.outcome };
    case 'reject':
    case 'reroute':
    case 'book':
    case 'unbook':
      return {};
  }
}

import type { ApiClient } from '../api-client.ts';
import { formatTable } from '../format-table.ts';
import type { Output } from '../output.ts';

interface Candidate {
  repId: string;
  name: string;
  verdict: 'excluded' | 'eligible' | 'chosen';
  reason?: string;
  score?: number;
  detail: string;
}
interface Step {
  target: { type: string; teamName?: string; repName?: string; queue?: string; accountName?: string };
  via: string;
  strategy: string | null;
  candidates: Candidate[];
  chosenRepId: string | null;
  detail: string;
}
interface Decision {
  decidedAt: string;
  configVersion: number | null;
  rules: Array<{ index: number; name: string; matched: boolean; detail: string }>;
  rule: { index: number; name: string } | null;
  account: { accountName: string; matchedBy: string; key: string } | null;
  steps: Step[];
  chosenRepId: string | null;
  queue: string | null;
  summary: string;
}

function targetName(step: Step): string {
  switch (step.target.type) {
    case 'team':
      return `team ${step.target.teamName}`;
    case 'queue':
      return `queue ${step.target.queue}`;
    case 'account_owner':
      return `account owner ${step.target.repName} (${step.target.accountName})`;
    default:
      return `rep ${step.target.repName}`;
  }
}

/** The sentence first: "Went to Sarah Chen: rule 2 "EMEA FinTech" → team EMEA; …". */
export function whySentence(decision: Decision): string {
  const chosen = decision.steps.flatMap((s) => s.candidates).find((c) => c.repId === decision.chosenRepId && c.verdict === 'chosen');
  const head = chosen ? `Went to ${chosen.name}` : decision.queue ? `Waiting in queue ${decision.queue}` : 'Waiting';
  return `${head}: ${decision.summary}`;
}

/** `switchboard why <lead>`: why the lead went where it went, in a sentence and tables. */
export async function why(api: ApiClient, io: Output, leadId: string, json: boolean): Promise<void> {
  const { body: decision } = await api.request<Decision>('GET', `/v1/leads/${encodeURIComponent(leadId)}/decision`);
  if (json) {
    io.out(JSON.stringify(decision, null, 2));
    return;
  }
  const lines = [whySentence(decision), '', `decided ${decision.decidedAt} with ${decision.configVersion === null ? 'the built-in policy (no configuration applied)' : `configuration version ${decision.configVersion}`}`];
  if (decision.rules.length > 0) {
    lines.push('', 'Rules tried', formatTable(['#', 'rule', 'matched', 'why'], decision.rules.map((r) => [String(r.index + 1), r.name, r.matched ? 'yes' : 'no', r.detail])));
  }
  if (decision.account) lines.push('', `Account: ${decision.account.accountName} (matched by ${decision.account.matchedBy} "${decision.account.key}")`);
  for (const step of decision.steps) {
    lines.push('', `${targetName(step)} — ${step.via}${step.strategy ? ` — ${step.strategy}` : ''}`);
    if (step.candidates.length > 0) {
      lines.push(
        formatTable(
          ['rep', 'verdict', 'reason / score', 'detail'],
          step.candidates.map((c) => [c.name, c.verdict, c.verdict === 'excluded' ? (c.reason ?? '') : String(Math.round((c.score ?? 0) * 100) / 100), c.detail]),
        ),
      );
    }
    lines.push(`→ ${step.detail}`);
  }
  io.out(lines.join('\n'));
}

import type { CandidateVerdict, RoutingDecision } from '../api/types.ts';
import { formatDateTime } from '../format/format-time.ts';
import { humanize } from '../format/format-number.ts';

const VERDICT_TONE: Record<CandidateVerdict['verdict'], string> = { chosen: 'green', eligible: 'blue', excluded: 'grey' };

function CandidatesTable({ candidates }: { candidates: ReadonlyArray<CandidateVerdict> }) {
  if (candidates.length === 0) return <p className="muted">No candidates.</p>;
  return (
    <table className="table compact candidates-table">
      <thead>
        <tr>
          <th>Rep</th>
          <th>Verdict</th>
          <th>Reason</th>
          <th className="num">Score</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {candidates.map((c) => (
          <tr key={c.repId} className={c.verdict === 'chosen' ? 'highlight' : undefined}>
            <td className="rep-name">{c.name}</td>
            <td>
              <span className={`badge tone-${VERDICT_TONE[c.verdict]}`}>{c.verdict}</span>
            </td>
            <td>{c.reason ? humanize(c.reason) : <span className="muted">–</span>}</td>
            <td className="num">{c.score === undefined ? <span className="muted">–</span> : Number(c.score.toFixed(3))}</td>
            <td className="muted">{c.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The "why" of a lead: the summary sentence, the rules tried, and every candidate of every step of the route. */
export function DecisionExplanation({ decision }: { decision: RoutingDecision }) {
  return (
    <div className="decision">
      <p className="decision-summary">{decision.summary}</p>
      <dl className="facts">
        <div>
          <dt>Rule</dt>
          <dd>{decision.rule ? `#${decision.rule.index + 1} “${decision.rule.name}”` : 'none (no rule decided)'}</dd>
        </div>
        <div>
          <dt>Team</dt>
          <dd>{decision.teamName ?? (decision.queue ? `queue ${decision.queue}` : '–')}</dd>
        </div>
        <div>
          <dt>Strategy</dt>
          <dd>{decision.strategy ? humanize(decision.strategy) : '–'}</dd>
        </div>
        <div>
          <dt>Configuration</dt>
          <dd>{decision.configVersion === null ? 'built-in policy' : `version ${decision.configVersion}`}</dd>
        </div>
        {decision.account && (
          <div>
            <dt>Account</dt>
            <dd>
              {decision.account.accountName} (by {decision.account.matchedBy} {decision.account.key})
            </dd>
          </div>
        )}
        <div>
          <dt>Decided</dt>
          <dd>{formatDateTime(decision.decidedAt)}</dd>
        </div>
      </dl>
      {decision.rules.length > 0 && (
        <details className="rules-tried">
          <summary>Rules tried ({decision.rules.length})</summary>
          <table className="table compact">
            <thead>
              <tr>
                <th>#</th>
                <th>Rule</th>
                <th>Matched</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {decision.rules.map((r) => (
                <tr key={r.index}>
                  <td>{r.index + 1}</td>
                  <td>{r.name}</td>
                  <td>{r.matched ? <span className="badge tone-green">yes</span> : <span className="badge tone-grey">no</span>}</td>
                  <td className="muted">{r.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {decision.steps.length > 1 ? (
        decision.steps.map((step, i) => (
          <section key={i} className="decision-step">
            <h3>
              Step {i + 1}: {step.detail}
              <span className="muted small"> · {step.via}</span>
            </h3>
            <CandidatesTable candidates={step.candidates} />
          </section>
        ))
      ) : (
        <CandidatesTable candidates={decision.candidates} />
      )}
    </div>
  );
}

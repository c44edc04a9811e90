import type { ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';
import { RepDirectory } from '../rep-directory.ts';
import { TeamDirectory } from '../team-directory.ts';

interface TimelineStep {
  type: string | null;
  from: string | null;
  to: string | null;
  cause: string;
  at: string;
  sinceStartMs: number;
  sincePreviousMs: number;
  data: Record<string, unknown> | null;
}
interface Timeline {
  id: string;
  email: string;
  state: string;
  traceId: string | null;
  totalMs: number;
  steps: TimelineStep[];
}

/** `switchboard trace <lead>`: the lead's timeline with the time each step took, and its trace id. */
export async function trace(api: ApiClient, io: Output, id: string, json: boolean): Promise<void> {
  const { body: timeline } = await api.request<Timeline>('GET', `/v1/leads/${encodeURIComponent(id)}/timeline`);
  if (json) {
    io.out(JSON.stringify(timeline, null, 2));
    return;
  }
  const [reps, teams] = [new RepDirectory(api), new TeamDirectory(api)];
  const details = await Promise.all(timeline.steps.map((s) => detailOf(s.data, reps, teams)));
  io.out(
    [
      `Lead ${timeline.id} <${timeline.email}>: ${timeline.state}, ${formatDuration(timeline.totalMs)} from first to last event`,
      `  trace: ${timeline.traceId ?? '- (no trace: tracing was off when it arrived; see OTEL_EXPORTER_OTLP_ENDPOINT)'}`,
      '',
      formatTable(
        ['time', '+since start', '+step', 'event', 'transition', 'cause', 'detail'],
        timeline.steps.map((s, i) => [
          formatTime(s.at),
          formatDuration(s.sinceStartMs),
          formatDuration(s.sincePreviousMs),
          s.type ?? '-',
          `${s.from ?? '·'} → ${s.to ?? '·'}`,
          s.cause,
          details[i] as string,
        ]),
      ),
    ].join('\n'),
  );
}

/** 0 ms, 840 ms, 12.4 s, 3 min 5 s, 2 h 10 min. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** The step's owner (by name), team and what it says: "→ Sarah Chen <sarah@acme.com>, team EMEA: rule 2 …". */
async function detailOf(data: Record<string, unknown> | null, reps: RepDirectory, teams: TeamDirectory): Promise<string> {
  if (!data) return '';
  const parts: string[] = [];
  if (typeof data.repId === 'string') parts.push(`→ ${await reps.label(data.repId)}`);
  if (typeof data.teamId === 'string') parts.push(`team ${await teams.label(data.teamId)}`);
  const said = (['summary', 'reason', 'outcome', 'type'] as const).map((key) => data[key]).find((value) => typeof value === 'string');
  return `${parts.join(', ')}${parts.length > 0 && said ? ': ' : ''}${said ?? ''}`;
}

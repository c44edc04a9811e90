import type { MessageView } from './message-view.ts';

/** The message a setup check sends: a made-up assignment, linked to the console if its address is known. */
export function sampleView(publicUrl: string | null, now: number = Date.now()): MessageView {
  const id = '00000000-0000-4000-8000-000000000000';
  return {
    event: 'lead.assigned',
    lead: { id, name: 'Ada Lovelace (Analytical Engines)', email: 'ada@example.com', company: 'Analytical Engines', link: publicUrl ? `${publicUrl.replace(/\/+$/, '')}/leads/${id}` : null },
    owner: { name: 'Sample Rep', email: 'rep@example.com' },
    team: 'Sample team',
    reason: 'This is a test from Switchboard: the channel works. (Rule "Sample", round robin in Sample team.)',
    deadline: new Date(now + 60 * 60_000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    left: null,
    breaches: null,
    waited: null,
    reassigned: false,
  };
}

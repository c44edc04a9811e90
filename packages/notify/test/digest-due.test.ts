import { notificationsConfigSchema, type Rep } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { digestsDue } from '../src/digest-due.ts';
import { derivedEventId } from '../src/notification-rules.ts';

const rep = (id: string, email: string, timezone: string, over: Partial<Rep> = {}): Rep => ({ id, email, name: email.split('@')[0]!, timezone, active: true, managerId: null, ...over }) as unknown as Rep;
const ANA = rep('00000000-0000-4000-8000-000000000001', 'ana@acme.io', 'Europe/Lisbon');
const NED = rep('00000000-0000-4000-8000-000000000002', 'ned@acme.io', 'America/New_York');
const KEI = rep('00000000-0000-4000-8000-000000000003', 'kei@acme.io', 'Asia/Tokyo');

const config = (section: unknown) => notificationsConfigSchema.parse(section);
const dueAt = (reps: Rep[], section: unknown, at: string) => {
  const parsed = config(section);
  const byId = new Map(parsed.reps.map((entry) => [entry.rep, entry]));
  return digestsDue(reps, parsed, (r) => byId.get(r.email), Date.parse(at)).map((d) => ({ rep: d.rep.email, localDate: d.localDate, dueAt: new Date(d.dueAt).toISOString() }));
};

describe('whose daily digest is due', () => {
  it('is due from the set time on each rep’s own clock, not before, for that local date', () => {
    const section = { digest: { at: '08:00' } };
    // 07:59 UTC: 07:59 in Lisbon (winter), 02:59 in New York, 16:59 in Tokyo.
    expect(dueAt([ANA, NED, KEI], section, '2026-12-04T07:59:00Z')).toEqual([{ rep: 'kei@acme.io', localDate: '2026-12-04', dueAt: '2026-12-03T23:00:00.000Z' }]);
    expect(dueAt([ANA, NED, KEI], section, '2026-12-04T08:00:00Z')).toEqual([
      { rep: 'ana@acme.io', localDate: '2026-12-04', dueAt: '2026-12-04T08:00:00.000Z' },
      { rep: 'kei@acme.io', localDate: '2026-12-04', dueAt: '2026-12-03T23:00:00.000Z' },
    ]);
    // 13:00 UTC is 08:00 in New York; in Tokyo it is 22:00, still the 4th.
    expect(dueAt([NED], section, '2026-12-04T12:59:00Z')).toEqual([]);
    expect(dueAt([NED], section, '2026-12-04T13:00:00Z')).toEqual([{ rep: 'ned@acme.io', localDate: '2026-12-04', dueAt: '2026-12-04T13:00:00.000Z' }]);
    // Past local midnight in Tokyo, the 5th's digest waits for its own 08:00.
    expect(dueAt([KEI], section, '2026-12-04T15:00:00Z')).toEqual([]);
  });

  it('follows DST: 08:00 in New York is 12:00 UTC after the spring change and 13:00 before it', () => {
    const section = { digest: { at: '08:00' } };
    expect(dueAt([NED], section, '2026-03-07T12:30:00Z')).toEqual([]);
    expect(dueAt([NED], section, '2026-03-07T13:00:00Z')).toEqual([{ rep: 'ned@acme.io', localDate: '2026-03-07', dueAt: '2026-03-07T13:00:00.000Z' }]);
    expect(dueAt([NED], section, '2026-03-08T11:59:00Z')).toEqual([]);
    expect(dueAt([NED], section, '2026-03-08T12:00:00Z')).toEqual([{ rep: 'ned@acme.io', localDate: '2026-03-08', dueAt: '2026-03-08T12:00:00.000Z' }]);
    // And back in autumn: 08:00 EST on 1 November is 13:00 UTC.
    expect(dueAt([NED], section, '2026-11-01T12:00:00Z')).toEqual([]);
    expect(dueAt([NED], section, '2026-11-01T13:00:00Z')).toEqual([{ rep: 'ned@acme.io', localDate: '2026-11-01', dueAt: '2026-11-01T13:00:00.000Z' }]);
  });

  it('sends a digest set inside the hour DST skips at the first minute after the jump', () => {
    // 02:30 does not exist in New York on 8 March 2026: the clock goes from 02:00 EST to 03:00 EDT (07:00 UTC).
    const section = { digest: { at: '02:30' } };
    expect(dueAt([NED], section, '2026-03-08T06:59:00Z')).toEqual([]);
    const [due] = dueAt([NED], section, '2026-03-08T07:30:00Z');
    expect(due).toEqual({ rep: 'ned@acme.io', localDate: '2026-03-08', dueAt: '2026-03-08T07:30:00.000Z' });
  });

  it('takes a rep’s own time over the section’s, leaves out a rep with digest: false, inactive reps, and everyone when unset', () => {
    const section = { digest: { at: '08:00' }, reps: [{ rep: 'ana@acme.io', digest: { at: '06:30' } }, { rep: 'kei@acme.io', digest: false }] };
    const inactive = rep('00000000-0000-4000-8000-000000000004', 'ina@acme.io', 'UTC', { active: false } as Partial<Rep>);
    expect(dueAt([ANA, KEI, inactive], section, '2026-12-04T06:30:00Z')).toEqual([{ rep: 'ana@acme.io', localDate: '2026-12-04', dueAt: '2026-12-04T06:30:00.000Z' }]);
    expect(dueAt([ANA, NED, KEI], {}, '2026-12-04T20:00:00Z')).toEqual([]);
    // Only a rep's own setting: only that rep.
    expect(dueAt([ANA, NED], { reps: [{ rep: 'ned@acme.io', digest: { at: '07:00' } }] }, '2026-12-04T20:00:00Z').map((d) => d.rep)).toEqual(['ned@acme.io']);
  });

  it('gives one event id per rep and local date, the same each time', () => {
    const parsed = config({ digest: { at: '08:00' } });
    const ids = (at: string) => digestsDue([ANA], parsed, () => undefined, Date.parse(at)).map((d) => d.eventId);
    expect(ids('2026-12-04T08:00:00Z')).toEqual(ids('2026-12-04T21:00:00Z'));
    expect(ids('2026-12-04T08:00:00Z')).toEqual([derivedEventId(ANA.id, 'digest:2026-12-04')]);
    expect(ids('2026-12-05T08:00:00Z')).not.toEqual(ids('2026-12-04T08:00:00Z'));
  });
});

import { DateTime } from 'luxon';
import type { CalendarPart, EmailMessage } from './email-message.ts';

/** What a booked meeting's email says, to one recipient. */
export interface InviteEmailInput {
  /** booked: a new meeting; moved: the same meeting at another time; cancelled: called off. */
  readonly kind: 'booked' | 'moved' | 'cancelled';
  readonly to: string;
  /** Whom the email is for: the rep (who gets the lead's details) or the prospect. */
  readonly audience: 'rep' | 'prospect';
  /** The recipient's time zone: the rep's, or the one the prospect booked in. */
  readonly timeZone: string;
  /** How the lead is called (see `leadName`). */
  readonly leadName: string;
  readonly leadEmail: string;
  readonly company: string | null;
  readonly repName: string;
  readonly repEmail: string;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  /** The console's lead page (for the rep), or null. */
  readonly link: string | null;
  readonly calendar: CalendarPart;
}

const HEADLINE = { booked: 'Meeting booked', moved: 'Meeting moved', cancelled: 'Meeting cancelled' } as const;

/**
 * A meeting's time in a time zone, as a subject line shows it: `Mon 7 Dec 10:00 (Europe/Berlin)`,
 * or with `end` a range: `Mon 7 Dec 10:00–10:30 (Europe/Berlin)`. An unknown zone is shown in
 * UTC rather than as "Invalid DateTime".
 */
export function meetingTime(start: number, timeZone: string, end?: number): string {
  const zone = DateTime.fromMillis(start, { zone: timeZone }).isValid ? timeZone : 'UTC';
  const local = (at: number) => DateTime.fromMillis(at, { zone, locale: 'en-GB' });
  const until = end === undefined ? '' : `–${local(end).toFormat('HH:mm')}`;
  return `${local(start).toFormat('ccc d LLL HH:mm')}${until} (${zone})`;
}

const escapeHtml = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * The email of a meeting booked through a lead's link: subject and body with the time in the
 * recipient's own zone, and the invite (or its cancellation) as a calendar part. The HTML is
 * escaped, so a lead's name can't inject markup.
 */
export function inviteEmail(input: InviteEmailInput): EmailMessage {
  const when = meetingTime(input.start, input.timeZone);
  const subject = `${HEADLINE[input.kind]}: ${input.leadName} with ${input.repName}, ${when}`;
  const forRep = input.audience === 'rep';
  const opening = {
    booked: forRep ? `${input.leadName} booked a meeting with you.` : `Your meeting with ${input.repName} is booked.`,
    moved: forRep ? `${input.leadName} moved their meeting with you.` : `Your meeting with ${input.repName} has moved.`,
    cancelled: forRep ? `${input.leadName} cancelled their meeting with you.` : `Your meeting with ${input.repName} is cancelled.`,
  }[input.kind];
  const details: Array<[string, string]> = [[input.kind === 'cancelled' ? 'Was' : 'When', meetingTime(input.start, input.timeZone, input.end)]];
  if (forRep) {
    details.push(['Lead', `${input.leadName} <${input.leadEmail}>`]);
    if (input.company) details.push(['Company', input.company]);
  } else {
    details.push(['With', `${input.repName} <${input.repEmail}>`]);
  }
  const link = forRep ? input.link : null;
  const text = [
    opening,
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    '',
    input.kind === 'cancelled' ? 'It is removed from your calendar if you accepted it.' : 'The invite is attached: accept it to add it to your calendar.',
    ...(link ? ['', `Open the lead: ${link}`] : []),
    '',
    '— Switchboard (instant booking)',
    '',
  ].join('\n');
  const rows = details.map(([label, value]) => `<tr><td style="color:#666;padding:2px 12px 2px 0">${escapeHtml(label)}</td><td>${escapeHtml(value)}</td></tr>`).join('\n');
  const button = link ? `<p style="margin:16px 0"><a href="${escapeHtml(link)}" style="background:#2563eb;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">Open the lead</a></p>` : '';
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;color:#111">
<h2 style="font-size:16px">${escapeHtml(subject)}</h2>
<p style="margin:0 0 8px">${escapeHtml(opening)}</p>
<table style="border-collapse:collapse;margin:8px 0">${rows}</table>
${button}
<p style="color:#666;font-size:12px">Switchboard · instant booking</p></body></html>`;
  return { to: input.to, subject, text, html, calendar: input.calendar };
}

import type { NotifyEvent } from '@switchboard/core';

/** What a message may show: the values a template can name (`{{lead.name}}`, `{{reason}}`, …). */
export interface MessageView {
  readonly event: NotifyEvent;
  readonly lead: {
    readonly id: string;
    /** The person's name, else the company, else the email: how the lead is called in a title. */
    readonly name: string;
    readonly email: string;
    readonly company: string | null;
    /** The console's lead page, or null when SWITCHBOARD_PUBLIC_URL is not set. */
    readonly link: string | null;
  };
  /** The rep the event is about (see `Recipient.owner`), if any. */
  readonly owner: { readonly name: string; readonly email: string } | null;
  readonly team: string | null;
  /** Why: the routing decision's summary, or the reason the event gives. */
  readonly reason: string | null;
  /** The SLA deadline, written in the recipient's time zone. */
  readonly deadline: string | null;
  /** For `sla.warning`: how long is left, in words. */
  readonly left: string | null;
  readonly breaches: number | null;
  /** For `lead.unassigned_alert`: how long the lead has waited, in words. */
  readonly waited: string | null;
  readonly reassigned: boolean;
}

/** A lead's name in a title: the person, else the company, else the email. */
export function leadName(lead: { email: string; firstName: string | null; lastName: string | null; company: string | null }): string {
  const person = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  if (person && lead.company) return `${person} (${lead.company})`;
  return person || lead.company || lead.email;
}

/** A duration in words: "45 min", "2 h 5 min", "3 d 4 h". */
export function inWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * Headers on intake messages. Producers other than the API set none of them; the API
 * sets `leadId` because it has already committed the lead before publishing it.
 */
export const IntakeHeader = {
  /** The id of a lead already stored by the API. */
  leadId: 'Sb-Lead-Id',
  /** When the API received the lead (ISO 8601): its place in the waiting line. */
  receivedAt: 'Sb-Received-At',
  /** W3C trace context. */
  traceparent: 'traceparent',
} as const;

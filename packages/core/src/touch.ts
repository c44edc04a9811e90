import { z } from 'zod';

/** How a lead was touched: the only kinds there are, for the API, the machines, the bus and Salesforce. */
export const TouchType = {
  call: 'call',
  email: 'email',
  statusChange: 'status_change',
  meeting: 'meeting',
} as const;
export type TouchType = (typeof TouchType)[keyof typeof TouchType];

/** A touch type, validated. */
export const touchTypeSchema = z.enum([TouchType.call, TouchType.email, TouchType.statusChange, TouchType.meeting]);

/** A 15- or 18-character Salesforce record Id. */
const ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** True if `value` looks like a Salesforce record Id (15 or 18 letters and digits). */
export function isSalesforceId(value: string): boolean {
  return ID.test(value);
}

/** True if `value` is the Id of a Lead (key prefix `00Q`). */
export function isSalesforceLeadId(value: string): boolean {
  return value.startsWith('00Q') && ID.test(value);
}

/** True if `value` is the Id of a User (key prefix `005`). */
export function isSalesforceUserId(value: string): boolean {
  return value.startsWith('005') && ID.test(value);
}

/** A string as a SOQL literal: quoted, with `\` and `'` escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** A date-time as a SOQL literal (UTC, e.g. `2026-12-02T15:00:00.000Z`). */
export function soqlDatetime(at: Date): string {
  return at.toISOString();
}

/** Parses a Salesforce date-time (`2026-12-02T15:00:00.000+0000`). */
export function parseSalesforceDatetime(value: string): Date {
  return new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

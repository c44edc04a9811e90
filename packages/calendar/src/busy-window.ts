import { ValidationError, type ValidationIssue } from '@switchboard/core';
import { IANAZone } from 'luxon';

/**
 * Checks the window a reader is asked for (`from` before `until`, both epoch ms) and, when
 * given, the rep's time zone; throws a `ValidationError` naming each bad option.
 */
export function checkBusyWindow(options: { readonly from: number; readonly until: number; readonly timezone?: string }): void {
  const { from, until, timezone } = options;
  const issues: ValidationIssue[] = [];
  if (!Number.isFinite(from)) issues.push({ path: 'from', message: 'must be a finite number of epoch milliseconds' });
  if (!Number.isFinite(until)) issues.push({ path: 'until', message: 'must be a finite number of epoch milliseconds' });
  else if (Number.isFinite(from) && until <= from) issues.push({ path: 'until', message: `must be after from (${new Date(from).toISOString()})` });
  if (timezone !== undefined && !IANAZone.isValidZone(timezone)) {
    issues.push({ path: 'timezone', message: `${JSON.stringify(timezone)} is not an IANA time zone; use a name such as Europe/Berlin` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

// The time zones the booking page offers, and the one it starts with.

/** The browser's IANA time zone (`Europe/Berlin`), or UTC when it can't tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let known: ReadonlyArray<string> | undefined;

/**
 * Every IANA zone the browser knows, sorted, with `current` and UTC among them (a browser's
 * own zone may be an alias its list leaves out, such as `Asia/Calcutta`).
 */
export function timeZoneChoices(current: string): ReadonlyArray<string> {
  known ??= typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...known, 'UTC', current])].sort();
}

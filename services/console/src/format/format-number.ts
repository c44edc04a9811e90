/** "42.5%" from 0.425; "–" for null. */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  return share === null || share === undefined || Number.isNaN(share) ? '–' : `${(share * 100).toFixed(digits)}%`;
}

/** "+1.3", "−0.4", "0": a signed deviation. */
export function formatSigned(value: number, digits = 1): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return '0';
  return value > 0 ? `+${text}` : `−${text}`;
}

/** "lead.assigned" → "Assigned"; "round_robin" → "round robin". */
export function humanize(code: string): string {
  return code.replace(/^lead\./, '').replaceAll('_', ' ');
}

/** How close the org is to its daily API request limit. */
export const LimitLevel = {
  /** Below `slowDownAt`: poll at the configured pace. */
  normal: 'normal',
  /** At or above `slowDownAt`: poll less often. */
  slow: 'slow',
  /** At or above `essentialOnlyAt`: only essential calls (lead ingest, owner write-back). */
  essentialOnly: 'essential_only',
} as const;
export type LimitLevel = (typeof LimitLevel)[keyof typeof LimitLevel];

/** The org's API usage as Salesforce last reported it (`Sforce-Limit-Info: api-usage=N/M`). */
export interface ApiUsage {
  readonly used: number;
  readonly limit: number;
}

/** Tracks the daily API usage from response headers and says how hard to use the API. */
export interface ApiLimits {
  /** Records the usage jsforce read from the last response (`conn.limitInfo.apiUsage`). */
  observe(usage: ApiUsage | undefined): void;
  readonly usage: ApiUsage | undefined;
  readonly level: LimitLevel;
  /** How much longer than configured to wait between polls: 1 normally, more as the limit nears. */
  readonly pollFactor: number;
}

/** Options of `createApiLimits`. */
export interface ApiLimitsOptions {
  /** @default 0.8 */
  readonly slowDownAt?: number;
  /** @default 0.95 */
  readonly essentialOnlyAt?: number;
  /** Called when the level changes, to log it. */
  readonly onChange?: (level: LimitLevel, usage: ApiUsage) => void;
}

/**
 * Creates the limit tracker. Above `slowDownAt` of the daily limit polling slows down
 * (four times the interval), above `essentialOnlyAt` it slows further (ten times) and
 * non-essential calls are skipped.
 */
export function createApiLimits(options: ApiLimitsOptions = {}): ApiLimits {
  const slowDownAt = options.slowDownAt ?? 0.8;
  const essentialOnlyAt = options.essentialOnlyAt ?? 0.95;
  let usage: ApiUsage | undefined;
  let level: LimitLevel = LimitLevel.normal;
  return {
    observe(next) {
      if (!next || next.limit <= 0) return;
      usage = next;
      const share = next.used / next.limit;
      const now: LimitLevel = share >= essentialOnlyAt ? LimitLevel.essentialOnly : share >= slowDownAt ? LimitLevel.slow : LimitLevel.normal;
      if (now !== level) {
        level = now;
        options.onChange?.(now, next);
      }
    },
    get usage() {
      return usage;
    },
    get level() {
      return level;
    },
    get pollFactor() {
      return level === LimitLevel.essentialOnly ? 10 : level === LimitLevel.slow ? 4 : 1;
    },
  };
}

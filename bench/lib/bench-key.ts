/**
 * The admin key the benchmark's Switchboard accepts (`SWITCHBOARD_ADMIN_KEY`), and the header
 * every benchmark request carries (the floor service ignores it; both pay for sending it).
 * Switchboard checks it on every request like any key; its rate limits are off in the
 * benchmark (`SWITCHBOARD_RATE_LIMIT_PER_KEY=0`), which measures routing, not throttling.
 */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef0123456789abcdef';
export const benchAuthorization = { authorization: `Bearer ${BENCH_ADMIN_KEY}` } as const;

/** What a benchmark Switchboard reads besides its own configuration. */
export const benchSwitchboardEnv = { SWITCHBOARD_ADMIN_KEY: BENCH_ADMIN_KEY, SWITCHBOARD_RATE_LIMIT_PER_KEY: '0', SWITCHBOARD_RATE_LIMIT_PER_IP: '0' } as const;

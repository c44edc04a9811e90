/**
 * `pnpm bench` part three: the routing policy's decision time, pure (no I/O).
 *
 * 1,000 reps in 20 teams of 50, 200 rules over 50 territories (country lists, postal-code
 * ranges, industries, company sizes), smooth weighted round robin, tags required on some
 * rules, a share of reps away or capped. Each lead gets random attributes, so it walks a
 * random number of rules before one matches (or none does). Target: p99 under 1 ms.
 *
 * Writes `bench/RESULTS-decision.md`. `BENCH_DECISIONS` (default 200,000) sets the count.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import {
  compileRoutingPolicy,
  decideRoute,
  type LeadFacts,
  type PolicyTeam,
  type RepFacts,
  type RepId,
  type RoutingConfig,
  routingConfigSchema,
  type ShareLedger,
  type TeamId,
} from '@switchboard/core';

const decisions = Number(process.env.BENCH_DECISIONS ?? 200_000);
const COUNTRIES = ['DE', 'AT', 'CH', 'FR', 'IT', 'ES', 'NL', 'BE', 'US', 'CA', 'GB', 'IE', 'SE', 'NO', 'DK', 'FI', 'PL', 'CZ', 'JP', 'AU'];
const INDUSTRIES = ['fintech', 'retail', 'health', 'manufacturing', 'media', 'energy', 'logistics', 'education', 'public', 'saas'];
const TAGS = ['fintech', 'enterprise:3', 'language:de', 'language:fr', 'language:en', 'salesforce', 'hubspot'];

// A small deterministic generator, so every run decides the same leads.
let seed = 42;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(random() * items.length)] as T;

const reps: RepFacts[] = Array.from({ length: 1000 }, (_, i) => {
  const roll = random();
  return {
    repId: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}` as RepId,
    name: `Rep ${i}`,
    state: roll < 0.1 ? 'away' : roll < 0.15 ? 'capped' : 'available',
    activeLeads: Math.floor(random() * 10),
    cap: 20,
    weight: 1 + Math.floor(random() * 3),
    tags: TAGS.filter(() => random() < 0.4),
    lastAssignedAt: null,
    lastAssignmentSeq: i,
    assigned: { day: 0, week: 0, month: 0 },
  };
});
const repById = new Map(reps.map((r) => [r.repId, r]));

const teams: PolicyTeam[] = Array.from({ length: 20 }, (_, t) => ({
  id: `00000000-0000-7000-9000-${String(t).padStart(12, '0')}` as TeamId,
  name: `Team ${t}`,
  members: reps.slice(t * 50, t * 50 + 50).map((r) => r.repId),
  strategy: 'weighted_round_robin',
  window: 'day',
  fallback: t === 19 ? null : `Team ${t + 1}`,
  overflow: 'overflow',
  sla: null,
  busy: 'skip',
  booking: null,
}));

const territories = Array.from({ length: 50 }, (_, i) => {
  const kind = i % 4;
  const when =
    kind === 0
      ? { country: [pick(COUNTRIES), pick(COUNTRIES), pick(COUNTRIES)] }
      : kind === 1
        ? { country: pick(COUNTRIES), postalCode: { range: [String(10_000 + i * 1000), String(10_999 + i * 1000)] } }
        : kind === 2
          ? { industry: [pick(INDUSTRIES), pick(INDUSTRIES)], employees: { gte: 50 + i * 10 } }
          : { any: [{ country: pick(COUNTRIES) }, { state: { prefix: 'C' } }] };
  return { name: `T${i}`, when };
});

const rules = Array.from({ length: 200 }, (_, i) => ({
  name: `Rule ${i}`,
  when: i % 3 === 0 ? { territory: `T${i % 50}`, industry: pick(INDUSTRIES) } : { territory: `T${i % 50}`, score: { gte: Math.floor(random() * 100) } },
  route: { team: `Team ${i % 20}` },
  ...(i % 5 === 0 && { require: { anyOf: ['fintech', 'salesforce'] } }),
  ...(i % 7 === 0 && { require: { match: { language: 'language' } } }),
}));

const config: RoutingConfig = routingConfigSchema.parse({
  teams: teams.map((t) => ({ name: t.name, members: t.members, strategy: t.strategy, ...(t.fallback && { fallback: t.fallback }), overflow: 'overflow' })),
  territories,
  rules,
});
const policy = compileRoutingPolicy(config, 1, { teams, repIdOf: (ref) => (repById.has(ref as RepId) ? (ref as RepId) : undefined) });

const leads: LeadFacts[] = Array.from({ length: 5000 }, (_, i) => ({
  email: `lead${i}@company${i % 700}.com`,
  company: `Company ${i % 700}`,
  attributes: {
    country: pick(COUNTRIES),
    state: pick(['CA', 'NY', 'TX', 'CO', 'BY', 'NW']),
    postalCode: String(10_000 + Math.floor(random() * 60_000)),
    industry: pick(INDUSTRIES),
    employees: Math.floor(random() * 2000),
    score: Math.floor(random() * 100),
    language: pick(['de', 'fr', 'en']),
  },
}));

const ledgers = new Map<TeamId, ShareLedger>();
const decide = (lead: LeadFacts): void => {
  const { outcome } = decideRoute({
    policy,
    lead,
    requestedTeam: null,
    account: null,
    repOf: (id) => repById.get(id),
    ledgerOf: (teamId) => ledgers.get(teamId) ?? new Map(),
    excluded: new Map(),
    now: Date.now(),
    waitingSince: null,
  });
  if (outcome.type === 'assign' && outcome.ledger) ledgers.set(outcome.ledger.teamId, outcome.ledger.ledger);
};

for (let i = 0; i < 20_000; i++) decide(leads[i % leads.length] as LeadFacts); // warm up the JIT
const times = new Float64Array(decisions);
for (let i = 0; i < decisions; i++) {
  const lead = leads[i % leads.length] as LeadFacts;
  const start = process.hrtime.bigint();
  decide(lead);
  times[i] = Number(process.hrtime.bigint() - start) / 1e6;
}
times.sort();
const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(3);
const mean = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(3);
const table = [
  '| measure | value |',
  '|---|---|',
  `| decisions | ${decisions.toLocaleString('en-US')} |`,
  `| mean | ${mean} ms |`,
  `| p50 | ${at(0.5)} ms |`,
  `| p99 | ${at(0.99)} ms (target < 1 ms) |`,
  `| p99.9 | ${at(0.999)} ms |`,
  `| max | ${at(1)} ms |`,
].join('\n');
const report = `# Decision time\n\n1,000 reps in 20 teams (weighted round robin, fallbacks), 200 rules over 50 territories, tags on some rules; ${cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString()}.\n\n${table}\n`;
writeFileSync(new URL('./RESULTS-decision.md', import.meta.url), report);
console.log(report);

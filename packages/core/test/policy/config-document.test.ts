import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRoutingConfig, type RoutingConfigResult, territoryReferences, validateRoutingConfig, type ValidationIssue } from '../../src/index.ts';

const YAML = `# Switchboard routing
teams:
  - name: EMEA
    members: [ana@acme.io, ben@acme.io]
    strategy: weighted_round_robin
    fallback: Global
    sla: { response: PT15M }
  - name: Global
    members: [cy@acme.io]

territories:
  - name: DACH
    when: { country: [DE, AT, CH] }
  - name: Munich
    when:
      territory: DACH
      postalCode: { range: ["80000", "89999"] }

rules:
  - name: Munich enterprise
    when: { territory: Munich, employees: { gte: 200 } }
    route: { team: EMEA }
    require: { allOf: [german] }
  - name: Key accounts
    route:
      accountOwner: { ifUnavailable: wait, waitUpTo: 2h }
  - name: Partners
    when: { source: partner }
    route: { queue: partners }
  - name: Web
    when:
      any:
        - { source: web-form }
        - { score: { gt: 80 } }
    route: { team: Global }

defaultQueue: unrouted
`;

/** The same configuration as an object, for validateRoutingConfig and for corrupting. */
const BASE = {
  teams: [
    { name: 'EMEA', members: ['ana@acme.io', 'ben@acme.io'], strategy: 'weighted_round_robin', fallback: 'Global', sla: { response: 'PT15M' } },
    { name: 'Global', members: ['cy@acme.io'] },
  ],
  territories: [
    { name: 'DACH', when: { country: ['DE', 'AT', 'CH'] } },
    { name: 'Munich', when: { territory: 'DACH', postalCode: { range: ['80000', '89999'] } } },
  ],
  rules: [
    { name: 'Munich enterprise', when: { territory: 'Munich', employees: { gte: 200 } }, route: { team: 'EMEA' }, require: { allOf: ['german'] } },
    { name: 'Key accounts', route: { accountOwner: { ifUnavailable: 'wait', waitUpTo: '2h' } } },
    { name: 'Partners', when: { source: 'partner' }, route: { queue: 'partners' } },
    { name: 'Web', when: { any: [{ source: 'web-form' }, { score: { gt: 80 } }] }, route: { team: 'Global' } },
  ],
  defaultQueue: 'unrouted',
};

/** A richer configuration that uses every part of the schema, for the corruption property. */
const RICH = {
  ...BASE,
  teams: [
    {
      name: 'EMEA',
      members: ['ana@acme.io', 'ben@acme.io'],
      strategy: 'load_balanced',
      window: 'week',
      fallback: 'Global',
      overflow: 'emea-overflow',
      sla: { response: 'PT15M', followUp: 'P1D', businessHours: true, maxBreaches: 2, unassignedAlert: '30m', escalateTo: 'manager' },
    },
    { name: 'Global', members: ['cy@acme.io'] },
  ],
  territories: [
    ...BASE.territories,
    { name: 'Nordics', when: { country: { in: ['SE', 'NO'], not: { exists: false } } } },
    { name: 'Big north', when: { all: [{ territory: ['Nordics', 'DACH'] }, { not: { employees: { lt: 50 } } }] } },
  ],
  rules: [
    ...BASE.rules,
    {
      name: 'Phones',
      when: { phone: { prefix: ['+49', '+43'] }, vip: true, zip: { range: [1000, 1999] }, tier: { equals: 'gold' } },
      route: { rep: 'ana@acme.io' },
      require: { anyOf: ['german', 'austrian'], skills: { enterprise: 3 }, match: { language: 'language' } },
    },
    { name: 'North', when: { territory: 'Big north', score: { lte: 10, gte: 1 } }, route: { team: 'EMEA' } },
  ],
  priority: { field: 'score' },
  dedupe: { byEmail: false },
};

const errorsOf = (result: RoutingConfigResult): ValidationIssue[] => (result.ok ? [] : result.errors);

/** A copy of BASE changed by `change`, which may mutate it freely. */
const changed = (change: (config: any) => void): unknown => {
  const copy = structuredClone(BASE);
  change(copy);
  return copy;
};

describe('parseRoutingConfig', () => {
  it('reads YAML and fills in the defaults', () => {
    const result = parseRoutingConfig(YAML);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { config } = result;
    expect(config.teams[0]).toMatchObject({ name: 'EMEA', strategy: 'weighted_round_robin', window: 'day', sla: { response: 900_000, maxBreaches: 3 } });
    expect(config.teams[1]).toMatchObject({ strategy: 'round_robin', members: ['cy@acme.io'] });
    expect(config.rules[1]!.route).toEqual({ accountOwner: { ifUnavailable: 'wait', waitUpTo: 7_200_000 } });
    expect(config.territories[1]!.when).toEqual({ territory: 'DACH', postalCode: { range: ['80000', '89999'] } });
    expect(config.priority).toEqual({ field: 'priority' });
    expect(config.dedupe).toEqual({ byEmail: true });
  });

  it('reads the same configuration from JSON, with or without saying so', () => {
    const fromYaml = parseRoutingConfig(YAML);
    const json = JSON.stringify(BASE, null, 2);
    expect(parseRoutingConfig(json)).toEqual(fromYaml);
    expect(parseRoutingConfig(json, 'json')).toEqual(fromYaml);
    expect(validateRoutingConfig(BASE)).toEqual(fromYaml);
  });

  it('reads YAML 1.2, where NO is Norway and not false', () => {
    const result = parseRoutingConfig('territories:\n  - name: Nordics\n    when: { country: [SE, NO, DK] }\n');
    expect(result.ok && result.config.territories[0]!.when).toEqual({ country: ['SE', 'NO', 'DK'] });
  });

  it.each<[string, string, string | RegExp]>([
    ['a bad indent', 'teams:\n  - name: EMEA\n   members: [ana@acme.io]\n', /^line 3, column 1: /],
    ['an unclosed list', 'rules: [\n  { name: a }\n', /^line 3, column 1: /],
    ['an unclosed quote', 'defaultQueue: "unrouted\n', /^line 2, column 1: Missing closing "quote/],
    ['a key given twice', 'defaultQueue: a\ndefaultQueue: b\n', 'line 2, column 1: this key is already set above; give each key once'],
    ['two documents', 'teams: []\n---\nrules: []\n', 'line 2, column 1: the file holds more than one document (a line "---" starts another); keep the whole configuration in one'],
  ])('reports YAML with %s at its line and column', (_, text, message) => {
    const errors = errorsOf(parseRoutingConfig(text));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe('');
    expect(errors[0]!.message).toMatch(message);
  });

  it.each<[string, string]>([
    ['', 'empty'],
    ['   \n\n', 'blank'],
    ['# nothing yet\n', 'only a comment'],
  ])('rejects an empty document (%j is %s)', (text) => {
    expect(errorsOf(parseRoutingConfig(text))).toEqual([{ path: '', message: 'the document is empty; expected a routing configuration with teams, territories and rules' }]);
    expect(errorsOf(parseRoutingConfig(text, 'json'))[0]?.message ?? '').toMatch(text.trim().startsWith('#') ? /^not valid JSON: / : /^the document is empty/);
  });

  it.each<[string, string]>([
    ['- name: EMEA\n', 'a list'],
    ['unrouted\n', 'a string'],
    ['~\n', 'null'],
  ])('rejects a document that is not a mapping (%j is %s)', (text) => {
    expect(errorsOf(parseRoutingConfig(text))).toEqual([{ path: '', message: 'expected a mapping at the top level, with teams, territories and rules', line: 1, column: 1 }]);
  });

  it('reports strict JSON errors with the line and column when V8 gives them', () => {
    expect(errorsOf(parseRoutingConfig('{\n  "teams" []\n}', 'json'))).toEqual([{ path: '', message: "line 2, column 11: Expected ':' after property name", line: 2, column: 11 }]);
    expect(errorsOf(parseRoutingConfig('{ "teams": [], }', 'json'))[0]!.message).toMatch(/^line 1, column 16: /);
  });

  it('refuses YAML whose aliases expand without bound', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const errors = errorsOf(parseRoutingConfig(bomb));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^the document cannot be read: /);
  });

  it('refuses YAML nested too deeply to read with one error at the outermost level, flow or block', () => {
    const flow = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const block = Array.from({ length: 2_400 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    for (const document of [flow, block]) {
      const errors = errorsOf(parseRoutingConfig(document));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toEqual({
        path: '',
        message: expect.stringMatching(/^line \d+, column \d+: nests too deeply to read \(a configuration may nest up to 64 levels\); flatten it$/),
        line: expect.any(Number),
        column: expect.any(Number),
      });
      expect(errors[0]!.message).toContain(`line ${errors[0]!.line}, column ${errors[0]!.column}:`);
    }
  });
});

describe('validateRoutingConfig', () => {
  it.each<[string, unknown, string, string]>([
    ['a bad field test', changed((c) => (c.rules[3].when = { country: null })), 'rules[3].when.country', 'expected a string or list, or a test such as { in: [...] }'],
    [
      'an unknown operator',
      changed((c) => (c.rules[3].when = { country: { equal: 'DE' } })),
      'rules[3].when.country.equal',
      'unknown test "equal"; use one of equals, in, prefix, range, exists, gt, gte, lt, lte, not',
    ],
    ['a bad range', changed((c) => (c.territories[1].when.postalCode.range = ['89999', '80000'])), 'territories[1].when.postalCode.range', 'the lower bound comes first: ["80000", "89999"]'],
    ['an unknown territory', changed((c) => (c.rules[0].when.territory = 'Atlantis')), 'rules[0].when.territory', 'no territory named "Atlantis" in territories'],
    ['an unknown territory in a list', changed((c) => (c.territories[1].when.territory = ['DACH', 'Benelux'])), 'territories[1].when.territory[1]', 'no territory named "Benelux" in territories'],
    ['an unknown team', changed((c) => (c.rules[0].route.team = 'APAC')), 'rules[0].route.team', 'no team named "APAC" in teams'],
    ['an unknown fallback team', changed((c) => (c.teams[1].fallback = 'APAC')), 'teams[1].fallback', 'no team named "APAC" in teams'],
    ['a duplicate team name', changed((c) => c.teams.push({ name: 'emea ' })), 'teams[2].name', '"emea" is already the name of teams[0]'],
    ['a duplicate rule name', changed((c) => (c.rules[2].name = 'Web')), 'rules[3].name', '"Web" is already the name of rules[2]'],
    ['a fallback cycle', changed((c) => (c.teams[1].fallback = 'EMEA')), 'teams[0].fallback', 'fallbacks go round in a circle: EMEA → Global → EMEA'],
    ['a territory cycle', changed((c) => (c.territories[0].when = { territory: 'Munich' })), 'territories[0].when', 'territories refer to each other in a circle: DACH → Munich → DACH'],
    ['waitUpTo missing with ifUnavailable: wait', changed((c) => delete c.rules[1].route.accountOwner.waitUpTo), 'rules[1].route.accountOwner.waitUpTo', 'required with ifUnavailable: wait (e.g. PT2H)'],
    ['an unknown top-level key', changed((c) => (c.routes = [])), 'routes', 'unknown field "routes"'],
    ['an unknown key in a team', changed((c) => (c.teams[0].colour = 'blue')), 'teams[0].colour', 'unknown field "colour"'],
    ['an unknown strategy', changed((c) => (c.teams[0].strategy = 'random')), 'teams[0].strategy', 'unknown strategy "random"; use one of round_robin, weighted_round_robin, load_balanced, most_available'],
    ['a route that is a bare name', changed((c) => (c.rules[2].route = 'EMEA')), 'rules[2].route', 'expected one of { team: <name> }, { rep: <email or id> }'],
  ])('rejects %s at its path', (_, config, path, message) => {
    const errors = errorsOf(validateRoutingConfig(config));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe(path);
    expect(errors[0]!.message).toContain(message);
  });

  it('reads a team’s busy policy and booking, with their defaults, and names a bad booking field', () => {
    const result = validateRoutingConfig(changed((c) => Object.assign(c.teams[0], { busy: 'allow', booking: { duration: '45m', mode: 'team' } })));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.teams[0]).toMatchObject({ busy: 'allow', booking: { duration: 2_700_000, window: 604_800_000, buffer: 0, minNotice: 7_200_000, mode: 'team' } });
    expect(result.config.teams[1]).toMatchObject({ busy: 'skip' });
    expect(result.config.teams[1]!.booking).toBeUndefined();
    expect(errorsOf(validateRoutingConfig(changed((c) => Object.assign(c.teams[0], { busy: 'sometimes', booking: { duration: '2m' } }))))).toEqual([
      { path: 'teams[0].busy', message: expect.stringMatching(/skip|allow/) },
      { path: 'teams[0].booking.duration', message: 'must be between 5m and 8h, such as 30m' },
    ]);
  });

  it('reports one issue per unknown key, each at the key', () => {
    expect(errorsOf(validateRoutingConfig(changed((c) => Object.assign(c.dedupe = {}, { byMail: true, byPhone: true }))))).toEqual([
      { path: 'dedupe.byMail', message: 'unknown field "byMail"' },
      { path: 'dedupe.byPhone', message: 'unknown field "byPhone"' },
    ]);
  });

  it('reports every problem at once, in the order of the keys they are under', () => {
    const config = changed((c) => {
      c.rules[0].route.team = 'APAC';
      c.rules[3].when.any[1].score.gt = 'high';
    });
    expect(errorsOf(validateRoutingConfig(config)).map((e) => e.path)).toEqual(['rules[0].route.team', 'rules[3].when.any[1].score.gt']);
  });

  it.each([undefined, null, 42, 'teams: []', [BASE]])('rejects %j without throwing', (value) => {
    expect(errorsOf(validateRoutingConfig(value))).toEqual([{ path: '', message: 'expected a mapping at the top level, with teams, territories and rules' }]);
  });

  it('accepts the richer configuration the corruption property starts from', () => {
    expect(errorsOf(validateRoutingConfig(RICH))).toEqual([]);
  });
});

// The corruption property ------------------------------------------------------------------

type Path = Array<string | number>;
/** What a node of the configuration is, so that a corruption is sure to be invalid there. */
type Kind = 'strict' | 'condition' | 'fieldTest' | 'record' | 'value';

interface Location {
  readonly path: Path;
  readonly value: unknown;
  readonly kind: Kind;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every node under `value` with its path and kind, following the configuration's grammar. */
function locations(value: unknown, path: Path, kind: Kind): Location[] {
  const here: Location = { path, value, kind };
  if (Array.isArray(value)) return [here, ...value.flatMap((item, i) => locations(item, [...path, i], kind === 'condition' ? 'condition' : kind === 'fieldTest' ? 'value' : kind))];
  if (!isObject(value)) return [here];
  return [here, ...Object.entries(value).flatMap(([key, item]) => locations(item, [...path, key], childKind(kind, key, item)))];
}

function childKind(parent: Kind, key: string, value: unknown): Kind {
  const object = (kind: Kind): Kind => (isObject(value) || Array.isArray(value) ? kind : 'value');
  switch (parent) {
    case 'strict':
      if (key === 'when') return 'condition';
      if (key === 'skills' || key === 'match') return 'record';
      return object('strict');
    case 'condition':
      if (key === 'all' || key === 'any' || key === 'not') return 'condition';
      if (key === 'territory') return 'value';
      return object('fieldTest');
    case 'fieldTest':
      return key === 'not' ? object('fieldTest') : 'value';
    default:
      return 'value';
  }
}

const NODES = locations(RICH, [], 'strict').filter((l) => l.path.length > 0);

/** Values of a type the schema never accepts where `value` is: null is wrong everywhere. */
function wrongTypes(value: unknown): unknown[] {
  if (Array.isArray(value)) return [null, {}];
  if (isObject(value)) return [null, []];
  return [null, {}, []];
}

interface Corruption {
  readonly describe: string;
  /** Where the corruption is: every error must point here or above. */
  readonly path: Path;
  readonly apply: (config: any) => void;
}

function setAt(config: any, path: Path, value: unknown): void {
  const parent = path.slice(0, -1).reduce((node, key) => node[key], config);
  parent[path.at(-1)!] = value;
}

const replaceArb: fc.Arbitrary<Corruption> = fc
  .constantFrom(...NODES)
  .chain((node) => fc.constantFrom(...wrongTypes(node.value)).map((wrong) => ({ describe: `replace with ${JSON.stringify(wrong)}`, path: node.path, apply: (c: any) => setAt(c, node.path, wrong) })));

const unknownKeyArb: fc.Arbitrary<Corruption> = fc
  .tuple(
    fc.constantFrom(...[{ path: [], value: RICH, kind: 'strict' } as Location, ...NODES].filter((n) => isObject(n.value) && (n.kind === 'strict' || n.kind === 'fieldTest'))),
    fc.constantFrom('colour', 'nmae', 'extra', 'equal', 'Teams'),
    fc.jsonValue(),
  )
  .map(([node, key, value]) => ({ describe: `add key ${key}`, path: [...node.path, key], apply: (c: any) => setAt(c, [...node.path, key], value) }));

// References to teams and territories that do not exist.
const REFERENCES: Path[] = [
  ...RICH.rules.flatMap((rule, i) => ('team' in rule.route ? [['rules', i, 'route', 'team']] : [])),
  ...RICH.teams.map((_, i) => ['teams', i, 'fallback']),
  ...RICH.territories.flatMap((t, i) => territoryReferences(t.when).map((ref) => ['territories', i, 'when', ...ref.path])),
  ...RICH.rules.flatMap((rule, i) => territoryReferences(rule.when).map((ref) => ['rules', i, 'when', ...ref.path])),
];
const missingReferenceArb: fc.Arbitrary<Corruption> = fc
  .tuple(fc.constantFrom(...REFERENCES), fc.constantFrom('Atlantis', 'APAC', ' '))
  .filter(([, name]) => name.trim() !== '')
  .map(([path, name]) => ({ describe: `refer to ${name}`, path, apply: (c: any) => setAt(c, path, name) }));

const dotted = (path: Path): string => path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');

describe('configuration corruption', () => {
  it('reaches every kind of node (so that the property below has something to corrupt)', () => {
    const kinds = new Set(NODES.map((n) => n.kind));
    expect([...kinds].sort()).toEqual(['condition', 'fieldTest', 'record', 'strict', 'value']);
    expect(REFERENCES.length).toBeGreaterThan(8);
  });

  it('rejects any corrupted configuration, every error pointing at or above the corruption', () => {
    fc.assert(
      fc.property(fc.oneof(replaceArb, unknownKeyArb, missingReferenceArb), (corruption) => {
        const config = structuredClone(RICH);
        corruption.apply(config);
        const result = validateRoutingConfig(config);
        expect(result.ok, corruption.describe).toBe(false);
        const at = dotted(corruption.path);
        for (const error of errorsOf(result)) {
          expect(error.path, `${corruption.describe} at ${at}: ${error.message}`).not.toBe('');
          const above = at === error.path || at.startsWith(`${error.path}.`) || at.startsWith(`${error.path}[`);
          expect(above, `${corruption.describe} at ${at} reported at ${error.path}: ${error.message}`).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

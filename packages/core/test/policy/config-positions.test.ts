import { describe, expect, it } from 'vitest';
import { type ConfigIssue, parseRoutingConfig, type RoutingConfigResult, validateRoutingConfig } from '../../src/index.ts';

const errorsOf = (result: RoutingConfigResult) => (result.ok ? [] : result.errors);
/** `line:column path: message`, as an editor shows them. */
const located = (result: RoutingConfigResult) => errorsOf(result).map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`);

describe('where a configuration problem is', () => {
  it('points into nested block sequences and mappings', () => {
    const text = [
      'teams:', //                               1
      '  - name: EMEA', //                       2
      '    members:', //                         3
      '      - ana@acme.io', //                  4
      '      - 42', //                           5
      '    strategy: random', //                 6
      'rules:', //                               7
      '  - name: Web', //                        8
      '    when:', //                            9
      '      any:', //                           10
      '        - source: web', //                11
      '        - score: { gt: high }', //        12
      '    route: { team: EMEA }', //           13
    ].join('\n');
    expect(located(parseRoutingConfig(text))).toEqual([
      '5:9 teams[0].members[1]: expected a rep’s email or id',
      '6:15 teams[0].strategy: unknown strategy "random"; use one of round_robin, weighted_round_robin, load_balanced, most_available',
      expect.stringMatching(/^12:24 rules\[0\]\.when\.any\[1\]\.score\.gt: /),
    ]);
  });

  it('points into flow (inline) values', () => {
    const text = 'teams: [{ name: EMEA, members: [ana@acme.io], colour: blue }]\nrules: [{ name: Web, route: { team: APAC } }]\n';
    expect(located(parseRoutingConfig(text))).toEqual(['1:47 teams[0].colour: unknown field "colour"', '2:37 rules[0].route.team: no team named "APAC" in teams']);
  });

  it('points into JSON text, strict or read as YAML', () => {
    const text = JSON.stringify({ teams: [{ name: 'EMEA', fallback: 'APAC' }], rules: [{ name: 'Web', route: { team: 'EMEA' }, colour: 1 }] }, null, 2);
    // Line 5 is `      "fallback": "APAC"`, line 14 `      "colour": 1`.
    const expected = ['5:19 teams[0].fallback: no team named "APAC" in teams', '14:7 rules[0].colour: unknown field "colour"'];
    expect(located(parseRoutingConfig(text, 'json'))).toEqual(expected);
    expect(located(parseRoutingConfig(text))).toEqual(expected);
  });

  it('points a key left out at the mapping it belongs in', () => {
    const text = 'rules:\n  - name: Web\n    route: { queue: web }\n  - when: { source: web }\n    route: { queue: web }\n';
    expect(located(parseRoutingConfig(text))).toEqual(['4:5 rules[1].name: expected a name (a string)']);
  });

  it('points an empty value at its key', () => {
    expect(located(parseRoutingConfig('rules:\n  - name: Web\n    route:\n'))[0]).toMatch(/^3:5 rules\[0\]\.route: /);
  });

  it('follows aliases to the node they stand for', () => {
    const text = 'x-team: &emea { name: EMEA, strategy: random }\nteams: [*emea]\n';
    // `x-team` is an unknown key itself; the strategy inside the alias is found at its anchor.
    expect(located(parseRoutingConfig(text))).toEqual([
      '1:1 x-team: unknown field "x-team"',
      expect.stringMatching(/^1:39 teams\[0\]\.strategy: unknown strategy "random"/),
    ]);
  });

  it('reports the references with the schema’s problems, in document order, and skips what cannot be read', () => {
    const text = [
      'teams:',
      '  - name: EMEA',
      '    fallback: APAC', //              3: no such team
      '    strategy: random', //            4: schema
      '  - name: EMEA', //                  5: duplicate
      'territories:',
      '  - name: DACH',
      '    when: { territory: Bavaria }', // 8: no such territory
      'rules:',
      '  - name: Web',
      '    route: { team: Sales }', //      11: no such team
      '    require: { allOf: [1] }', //    12: schema
    ].join('\n');
    expect(errorsOf(parseRoutingConfig(text)).map((e) => [e.line, e.column, e.path])).toEqual([
      [3, 15, 'teams[0].fallback'],
      [4, 15, 'teams[0].strategy'],
      [5, 11, 'teams[1].name'],
      [8, 24, 'territories[0].when.territory'],
      [11, 20, 'rules[0].route.team'],
      [12, 24, 'rules[0].require.allOf[0]'],
    ]);
    // A team whose name cannot be read might be the one a rule means: no "no team named" then.
    const unreadable = 'teams:\n  - name: [EMEA]\nrules:\n  - name: Web\n    route: { team: EMEA }\n';
    expect(errorsOf(parseRoutingConfig(unreadable)).map((e) => e.path)).toEqual(['teams[0].name']);
  });

  it('adds the caller’s own checks of the document as given, located like the rest', () => {
    const check = (value: unknown): ConfigIssue[] =>
      ((value as { teams?: Array<{ members?: unknown[] }> }).teams ?? []).flatMap((team, i) =>
        (team.members ?? []).flatMap((member, j) => (member === 'nobody@acme.io' ? [{ path: ['teams', i, 'members', j], message: 'no such rep' }] : [])),
      );
    const text = 'teams:\n  - name: EMEA\n    strategy: random\n    members: [ana@acme.io, nobody@acme.io]\n';
    expect(located(parseRoutingConfig(text, 'yaml', { check }))).toEqual([
      expect.stringMatching(/^3:15 teams\[0\]\.strategy: /),
      '4:28 teams[0].members[1]: no such rep',
    ]);
    // A parsed body has no text, so no line or column, but the same problems in the same order.
    const body = { teams: [{ name: 'EMEA', strategy: 'random', members: ['ana@acme.io', 'nobody@acme.io'] }] };
    const errors = errorsOf(validateRoutingConfig(body, { check }));
    expect(errors.map((e) => e.path)).toEqual(['teams[0].strategy', 'teams[0].members[1]']);
    expect(errors.every((e) => e.line === undefined && e.column === undefined)).toBe(true);
  });
});

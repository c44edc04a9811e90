import { describe, expect, it } from 'vitest';
import { DEFAULT_SUBSCRIPTIONS, parseRoutingConfig, type RoutingConfigResult, templateProblem } from '../../src/index.ts';

const located = (result: RoutingConfigResult) => (result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`));

const base = ['teams:', '  - name: EMEA', '    overflow: emea-overflow', 'rules:', '  - name: All', '    route: { team: EMEA }'];

describe('the notifications section of the routing configuration', () => {
  it('reads a full section, with defaults for what it leaves out', () => {
    const text = [
      ...base,
      'notifications:',
      '  teams:',
      '    - team: EMEA',
      '      slack: https://hooks.slack.com/services/T1/B1/xyz',
      '    - team: emea-overflow',
      '      email: overflow@acme.io',
      '  reps:',
      '    - rep: ana@acme.io',
      '      channel: slack',
      '      slack: https://hooks.slack.com/services/T1/B2/abc',
      '      quietHours: { from: "22:00", to: "07:00" }',
      '  templates:',
      '    lead.assigned: { title: "New: {{lead.name}}" }',
    ].join('\n');
    const result = parseRoutingConfig(text);
    expect(located(result)).toEqual([]);
    if (!result.ok) return;
    const notifications = result.config.notifications!;
    expect(notifications.slaWarning).toBe(0.8);
    expect(notifications.on).toEqual(DEFAULT_SUBSCRIPTIONS);
    expect(notifications.reps[0]).toEqual({ rep: 'ana@acme.io', channel: 'slack', slack: 'https://hooks.slack.com/services/T1/B2/abc', quietHours: { from: '22:00', to: '07:00', then: 'wait' } });
    const without = parseRoutingConfig(base.join('\n'));
    expect(without.ok && 'notifications' in without.config).toBe(false);
  });

  it('reports every problem at its line and column, with unknown teams and queues', () => {
    const text = [
      ...base, //                                                   1-6
      'notifications:', //                                          7
      '  slaWarning: 1.5', //                                       8
      '  teams:', //                                                9
      '    - team: APAC', //                                        10
      '      slack: not-a-url', //                                  11
      '    - team: EMEA', //                                        12
      '  reps:', //                                                 13
      '    - rep: ana@acme.io', //                                  14
      '      channel: slack', //                                    15
      '      quietHours: { from: "25:00", to: "07:00" }', //        16
      '  on:', //                                                   17
      '    lead.assignd: [owner]', //                               18
      '    lead.breached: [boss]', //                               19
      '  templates:', //                                            20
      '    lead.assigned: { text: "{{{lead.name}}}" }', //          21
    ].join('\n');
    expect(located(parseRoutingConfig(text))).toEqual([
      '8:15 notifications.slaWarning: must be below 1 (the deadline itself is a breach)',
      '10:13 notifications.teams[0].team: no team or queue named "APAC" in this configuration',
      expect.stringMatching(/^11:14 notifications\.teams\[0\]\.slack: expected a Slack incoming-webhook URL/),
      '12:7 notifications.teams[1]: give slack, email or both',
      '15:16 notifications.reps[0].channel: slack needs the rep’s incoming-webhook URL in slack; or use channel: email',
      '16:27 notifications.reps[0].quietHours.from: expected a time of day as HH:MM, such as "22:00"',
      '18:5 notifications.on.lead.assignd: unknown field "lead.assignd"',
      '19:21 notifications.on.lead.breached[0]: unknown recipient; use owner, manager, team',
      '21:28 notifications.templates.lead.assigned.text: values are always escaped: write {{name}}, not {{{name}}} or {{& name}}',
    ]);
  });

  it('accepts only templates that escape what they show', () => {
    expect(templateProblem('New lead {{lead.name}}{{#deadline}} by {{deadline}}{{/deadline}}')).toBeUndefined();
    expect(templateProblem('{{& lead.name}}')).toMatch(/always escaped/);
    expect(templateProblem('{{> header}}')).toMatch(/partials/);
    expect(templateProblem('{{#open}} never closed')).toMatch(/^not a valid Mustache template: Unclosed section "open"/);
  });
});

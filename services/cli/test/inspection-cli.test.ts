import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from './run-cli.ts';

let sb: TestSwitchboard;
let ana: string;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  ana = (await http(sb.url, 'POST', '/v1/reps', { name: 'Ana Ruiz', email: 'ana@acme.test' })).body.id;
  await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [ana] });
});
afterAll(async () => {
  await sb?.destroy();
});

const cli = (...args: string[]): Promise<CliRun> => runCli(sb.url, ...args);

async function assignedLead(email: string): Promise<string> {
  const posted = await http(sb.url, 'POST', '/v1/leads', { email });
  await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${posted.body.id}`)).body.state === 'assigned');
  return posted.body.id as string;
}

/** Starts a streaming command, and resolves once its stream is open (it says so on stderr). */
async function streaming(args: string[]): Promise<{ run: Promise<CliRun> }> {
  const run = cli(...args);
  // The command prints "watching …" / "streaming …" on stderr when the stream is open; the
  // runner only hands output over at the end, so wait for the server to have a subscriber.
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Wrapped: an async function returning the bare promise would wait for the command to end.
  return { run };
}

describe('switchboard watch, trace and inspect', () => {
  it('watch prints live events matching the filter, one line each, owners and teams by name, and stops after --count', async () => {
    const { run } = await streaming(['watch', '--type', 'lead.assigned', '--rep', 'ana@acme.test', '--count', '1']);
    const id = await assignedLead('watch@prospect.io');
    const { out, err, exitCode } = await run;
    expect(exitCode).toBe(0);
    expect(err).toBe('watching type lead.assigned naming rep ana@acme.test — Ctrl-C to stop');
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  lead.assigned\\s+${id}  → Ana Ruiz <ana@acme\\.test>  team Inbound  team Inbound`));
  });

  it('watch --json prints each event as one JSON line', async () => {
    const { run } = await streaming(['watch', '--type', 'lead.*', '--json', '--count', '2']);
    const id = await assignedLead('json@prospect.io');
    const lines = (await run).out.split('\n').map((line) => JSON.parse(line));
    expect(lines.map((e) => [e.type, e.leadId])).toEqual([
      ['lead.received', id],
      ['lead.assigned', id],
    ]);
  });

  it('trace prints the timeline with the time between steps', async () => {
    const id = await assignedLead('trace@prospect.io');
    const { out, exitCode } = await cli('trace', id);
    expect(exitCode).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Lead ${id} <trace@prospect.io>: assigned, \\d+ ms from first to last event$`));
    expect(lines[1]).toMatch(/^ {2}trace: /);
    expect(lines[3]).toMatch(/^time\s+\+since start\s+\+step\s+event\s+transition\s+cause\s+detail$/);
    expect(lines.slice(5).map((line) => line.split(/\s{2,}/)[3])).toEqual(['lead.received', 'lead.routing', 'lead.assigned']);
    expect(lines[5]?.split(/\s{2,}/).slice(1)).toEqual(['0 ms', '0 ms', 'lead.received', '· → new', 'intake:api']);
    // The owner by name, not id.
    expect(lines[7]?.split(/\s{2,}/).at(-1)).toMatch(/^→ Ana Ruiz <ana@acme\.test>, team Inbound: team Inbound/);
  });

  it('inspect rep shows the actor’s state and context and its last state changes; --xstate streams its inspection events', async () => {
    const shown = await cli('inspect', 'rep', ana);
    expect(shown.out).toContain('  actor:        "available" (live, from the router; version');
    expect(shown.out).toMatch(/ {4}activeLeads\s+\d+/);

    // An OFFER arrives, its transitions run (two microsteps), and the new snapshot follows.
    const { run } = await streaming(['inspect', 'rep', ana, '--xstate', '--count', '4']);
    const id = await assignedLead('xstate@prospect.io');
    const { out, err } = await run;
    expect(err).toBe(`streaming XState inspection events of rep ${ana} — Ctrl-C to stop`);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`@xstate.event\\s+\\{"type":"OFFER","leadId":"${id}"`));
    expect(lines).toContainEqual(expect.stringMatching(/@xstate.snapshot\s+→ "available" \(after OFFER\)$/));
  });

  it('inspect of an unknown lead says so and exits 1', async () => {
    const { err, exitCode } = await cli('inspect', 'lead', '01900000-0000-7000-8000-000000000000');
    expect(exitCode).toBe(1);
    expect(err).toContain('lead "01900000-0000-7000-8000-000000000000" does not exist');
  });
});

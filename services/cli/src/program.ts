import { Command, InvalidArgumentError, Option } from 'commander';
import { LeadState, TouchType, type WeeklySchedule } from '@switchboard/core';
export { CommanderError } from 'commander';
import { ApiClient, ApiError } from './api-client.ts';
import { addAccount, collectRepeated, importAccounts, listAccounts } from './commands/accounts.ts';
import { applyConfig, diffConfig, listConfigVersions, rollbackConfig, showConfig, simulate } from './commands/config.ts';
import { inspectLead, inspectRep, streamInspection } from './commands/inspect.ts';
import { trace } from './commands/trace.ts';
import { watch, type WatchOptions } from './commands/watch.ts';
import { why } from './commands/why.ts';
import { fairnessReport, ReportFormat, slaReport } from './commands/report.ts';
import { addLead, collectAttribute, leadCommand, listLeads } from './commands/leads.ts';
import { addRep, addTeam, listReps, listTeams, setRep, showTeam } from './commands/reps.ts';
import { registerBookingCommands } from './commands/booking.ts';
import { createKey, listKeys, revokeKey } from './commands/keys.ts';
import { listAudit } from './commands/audit.ts';
import { addWebhook, listDeliveries, listWebhooks, removeWebhook, testWebhook } from './commands/webhooks.ts';
import { salesforceAttention } from './commands/salesforce.ts';
import { NOTIFY_TEST_CHANNELS, notifyTest } from './commands/notify.ts';
import { type Output, processOutput } from './output.ts';
import { ADMIN_KEY_FILE, localAdminKey } from './local-key.ts';
import { parseWorkingHours, WORKING_HOURS_SYNTAX } from './working-hours-text.ts';

/** `--working-hours` as given (its specs) and as read. */
interface WorkingHoursOption {
  readonly specs: ReadonlyArray<string>;
  readonly schedule: WeeklySchedule | null;
}

const integer = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0`);
  return n;
};
const positive = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a number greater than 0');
  return n;
};

/**
 * Builds the `switchboard` command. Every command but `start` talks to a running
 * service over HTTP (`--url`, or `SWITCHBOARD_URL`, default http://localhost:8080).
 */
export function buildProgram(io: Output = processOutput): Command {
  const program = new Command('switchboard')
    .description('Switchboard: route every lead to the right available rep, and say why.')
    .addOption(new Option('--url <url>', 'the Switchboard API').env('SWITCHBOARD_URL').default('http://localhost:8080'))
    .addOption(new Option('--key <key>', `an API key (default: the first start's ${ADMIN_KEY_FILE} under $SWITCHBOARD_DATA_DIR or .switchboard)`).env('SWITCHBOARD_API_KEY'))
    .showHelpAfterError()
    // Throw instead of exiting, so main.ts (and tests) decide; subcommands inherit it.
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const api = () => {
    const { url, key } = program.opts<{ url: string; key?: string }>();
    return new ApiClient(url, key ?? localAdminKey());
  };
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (error) {
        if (error instanceof ApiError) {
          io.err(`error: ${error.message}`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
    };

  program
    .command('start')
    .description('run the service (API + router) in the foreground; embedded PostgreSQL and bus unless DATABASE_URL / NATS_URL are set')
    .option('--port <port>', 'HTTP port (default: $PORT or 8080)', integer('--port'))
    .addOption(
      new Option('--role <role>', 'what this process runs: all (API and router), api, or router (routes its share of the partitions, with the other routers); needs NATS_URL unless all (default: $SWITCHBOARD_ROLE or all)').choices([
        'all',
        'api',
        'router',
      ]),
    )
    .action(async (options: { port?: number; role?: string }) => {
      // Loaded only here: the service is the CLI's one heavy part, and no other command needs it.
      const { start } = await import('./commands/start.ts');
      await start(options);
    });

  const leads = program.command('leads').description('submit and list leads');
  leads
    .command('add')
    .description('submit a lead for routing')
    .requiredOption('--email <email>', "the lead's email")
    .option('--first-name <name>')
    .option('--last-name <name>')
    .option('--company <company>')
    .option('--external-id <id>', 'id in the source system; the same id again is the same lead')
    .option('--team <team>', 'team id or name (default: the default team)')
    .option('--source <source>', 'where the lead came from, e.g. web-form')
    .option('--attr <key=value>', 'an attribute (repeatable)', collectAttribute)
    .option('--json', 'print JSON')
    .action(run((options) => addLead(api(), io, options)));
  leads
    .command('list')
    .description('list leads, newest first')
    .option('--state <state>', `one of: ${Object.values(LeadState).join(', ')}`)
    .option('--owner <rep>', 'only this rep’s leads (email or id)')
    .option('--limit <n>')
    .option('--json', 'print JSON')
    .action(run((options) => listLeads(api(), io, options)));

  leads
    .command('touch <id>')
    .description('record a touch: stops the response SLA')
    .addOption(new Option('--type <type>', 'how').choices(Object.values(TouchType)).default('call'))
    .option('--note <text>')
    .option('--json', 'print JSON')
    .action(
      run((id: string, options: { type: string; note?: string; json?: boolean }) =>
        leadCommand(api(), io, id, 'touches', { type: options.type, ...(options.note && { note: options.note }) }, options.json ?? false),
      ),
    );
  leads
    .command('close <id>')
    .description('close a lead (--outcome converted converts it)')
    .requiredOption('--outcome <outcome>', 'e.g. won, lost, converted, disqualified')
    .option('--json', 'print JSON')
    .action(run((id: string, options: { outcome: string; json?: boolean }) => leadCommand(api(), io, id, 'close', { outcome: options.outcome }, options.json ?? false)));
  leads
    .command('reject <id>')
    .description("the owner gives a lead back; it is routed to someone else")
    .requiredOption('--reason <reason>')
    .option('--json', 'print JSON')
    .action(run((id: string, options: { reason: string; json?: boolean }) => leadCommand(api(), io, id, 'reject', { reason: options.reason }, options.json ?? false)));
  leads
    .command('erase <id>')
    .description("erase a closed lead's personal data (name, email, company, attributes) from the lead, its events and its decisions")
    .option('--json', 'print JSON')
    .action(
      run(async (id: string, options: { json?: boolean }) => {
        const { body } = await api().request<{ id: string; erasedAt: string; already: boolean }>('DELETE', `/v1/leads/${encodeURIComponent(id)}/personal-data`);
        io.out(options.json ? JSON.stringify(body) : body.already ? `Lead ${id}: its personal data was erased already, at ${body.erasedAt}.` : `Lead ${id}: personal data erased; its decisions and statistics stay.`);
      }),
    );

  const reps = program.command('reps').description('manage reps');
  reps
    .command('add')
    .requiredOption('--name <name>')
    .requiredOption('--email <email>')
    .option('--cap <n>', 'most active leads at once', integer('--cap'))
    .option('--weight <w>', 'share of leads relative to others (default 1)', positive)
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Berlin')
    .option('--tag <tag...>', 'skills and other tags')
    .option('--json', 'print JSON')
    .action(run((options) => addRep(api(), io, options)));
  reps
    .command('list')
    .option('--json', 'print JSON')
    .action(run((options: { json?: boolean }) => listReps(api(), io, options.json ?? false)));
  reps
    .command('set <rep>')
    .description('change a rep (by email or id): --away / --available toggle it; --cap, --weight, --tags, --timezone, --working-hours change its profile')
    .option('--away', 'take the rep out of routing')
    .option('--available', 'put the rep back into routing')
    .option('--cap <n>', 'most active leads at once', integer('--cap'))
    .option('--weight <w>', 'share of leads relative to others', positive)
    .option('--tags <tag...>', 'skills and other tags (replaces the list)')
    // The first spelling, kept for scripts written against it.
    .addOption(new Option('--tag <tag...>').hideHelp())
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Berlin')
    .option('--working-hours <spec...>', `when the rep works, in its time zone (replaces the schedule): ${WORKING_HOURS_SYNTAX}`, (spec: string, previous?: WorkingHoursOption) => {
      const specs = [...(previous?.specs ?? []), spec];
      return { specs, schedule: parseWorkingHours(specs) };
    })
    .option('--salesforce-user <id>', 'the Salesforce User Id (005...) owner write-backs use for this rep')
    .option('--json', 'print JSON')
    .action(
      run((ref: string, options: { away?: boolean; available?: boolean; cap?: number; weight?: number; tags?: string[]; tag?: string[]; timezone?: string; workingHours?: WorkingHoursOption; salesforceUser?: string; json?: boolean }) =>
        setRep(
          api(),
          io,
          ref,
          {
            ...(options.away && { available: false }),
            ...(options.available && { available: true }),
            ...(options.cap !== undefined && { cap: options.cap }),
            ...(options.weight !== undefined && { weight: options.weight }),
            ...((options.tags ?? options.tag) !== undefined && { tags: options.tags ?? options.tag }),
            ...(options.timezone !== undefined && { timezone: options.timezone }),
            ...(options.workingHours !== undefined && { workingHours: options.workingHours.schedule }),
            ...(options.salesforceUser !== undefined && { salesforceUserId: options.salesforceUser }),
          },
          options.json ?? false,
        ),
      ),
    );

  const teams = program.command('teams').description('manage teams');
  teams
    .command('add')
    .requiredOption('--name <name>')
    .option('--members <reps...>', 'reps by email or id, in round-robin tie-break order')
    .option('--json', 'print JSON')
    .action(run((options) => addTeam(api(), io, options)));
  teams
    .command('list')
    .description('every team with its strategy and members')
    .option('--json', 'print JSON')
    .action(run((options: { json?: boolean }) => listTeams(api(), io, options.json ?? false)));
  teams
    .command('show <team>')
    .description('one team (by name or id) with each member’s state and load')
    .option('--json', 'print JSON')
    .action(run((ref: string, options: { json?: boolean }) => showTeam(api(), io, ref, options.json ?? false)));
  registerBookingCommands({ reps, teams, leads }, { api, io, run });

  const accounts = program.command('accounts').description('manage accounts: leads from their domains or naming their company go to their owner');
  accounts
    .command('add <name>')
    .description('add an account')
    .option('--domain <domain>', 'a domain its people write from, e.g. acme.com (repeatable)', collectRepeated)
    .option('--owner <rep>', 'the owner: a rep’s email or id')
    .option('--json', 'print JSON')
    .action(run((name: string, options: { domain?: string[]; owner?: string; json?: boolean }) => addAccount(api(), io, name, options)));
  accounts
    .command('list')
    .description('list accounts by name')
    .option('--owner <rep>', 'only those of this rep (email or id)')
    .option('--json', 'print JSON')
    .action(run((options: { owner?: string; json?: boolean }) => listAccounts(api(), io, options)));
  accounts
    .command('import <file>')
    .description('create or update accounts from a CSV file with the columns name,domains,owner; all or nothing')
    .option('--json', 'print JSON')
    .action(run((file: string, options: { json?: boolean }) => importAccounts(api(), io, file, options)));

  const keys = program.command('keys').description('API keys: who may do what (admin, operator, viewer, intake, rep, metrics)');
  keys
    .command('create')
    .description('create a key; it is printed this once')
    .requiredOption('--name <name>', 'what it is for, e.g. "HubSpot form"')
    .addOption(new Option('--role <role>', 'what it may do').choices(['admin', 'operator', 'viewer', 'intake', 'rep', 'metrics']).makeOptionMandatory())
    .option('--rep <rep>', 'for --role rep: the rep it is bound to (email or id)')
    .option('--expires <time>', 'when it stops working (ISO 8601, e.g. 2027-06-30T00:00:00Z)')
    .option('--json', 'print JSON')
    .action(run((options: { name: string; role: string; rep?: string; expires?: string; json?: boolean }) => createKey(api(), io, options)));
  keys
    .command('list')
    .description('list keys, without their secrets, with when each was last used')
    .option('--json', 'print JSON')
    .action(run((options: { json?: boolean }) => listKeys(api(), io, options)));
  keys
    .command('revoke <id>')
    .description('revoke a key at once')
    .option('--json', 'print JSON')
    .action(run((id: string, options: { json?: boolean }) => revokeKey(api(), io, id, options)));

  const webhooks = program.command('webhooks').description('post lifecycle events to a URL, signed and retried for 24 hours (an admin’s)');
  webhooks
    .command('add')
    .description('subscribe a URL to events; prints the signing secret')
    // Not --url: that is the Switchboard API's address, for every command.
    .requiredOption('--endpoint <url>', 'where each event is posted (http:// or https://)')
    .requiredOption('--events <type...>', 'event types (lead.assigned), prefixes (lead.*), or *')
    .option('--secret <secret>', 'the signing secret (default: one is made)')
    .option('--description <text>', 'what it is for')
    .option('--json', 'print JSON')
    .action(run((options: { endpoint: string; events: string[]; secret?: string; description?: string; json?: boolean }) => addWebhook(api(), io, options)));
  webhooks
    .command('list')
    .description('list webhooks, without their secrets')
    .option('--json', 'print JSON')
    .action(run((options: { json?: boolean }) => listWebhooks(api(), io, options)));
  webhooks
    .command('remove <id>')
    .description('delete a webhook: nothing more is sent to it')
    .action(run((id: string) => removeWebhook(api(), io, id)));
  webhooks
    .command('test <id>')
    .description('send a sample event now, and say what the endpoint answered')
    .option('--json', 'print JSON')
    .action(run((id: string, options: { json?: boolean }) => testWebhook(api(), io, id, options)));
  webhooks
    .command('deliveries <id>')
    .description("a webhook's deliveries, newest first, with each attempt's answer")
    .addOption(new Option('--status <status>', 'only these').choices(['pending', 'delivered', 'skipped', 'dead']))
    .option('--json', 'print JSON')
    .action(
      run((id: string, options: { status?: string; json?: boolean }) =>
        listDeliveries(api(), io, `/v1/webhooks/${encodeURIComponent(id)}/deliveries${options.status ? `?status=${options.status}` : ''}`, options),
      ),
    );

  program
    .command('notifications')
    .description('notifications sent on every channel (webhooks, Slack, email), newest first, with each attempt')
    .option('--lead <id>', "only this lead's")
    .addOption(new Option('--status <status>', 'only these').choices(['pending', 'delivered', 'skipped', 'dead']))
    .addOption(new Option('--channel <channel>', 'only this channel').choices(['webhook', 'slack', 'email']))
    .option('--json', 'print JSON')
    .action(
      run((options: { lead?: string; status?: string; channel?: string; json?: boolean }) => {
        const query = new URLSearchParams();
        for (const key of ['lead', 'status', 'channel'] as const) if (options[key]) query.set(key, options[key]);
        return listDeliveries(api(), io, `/v1/notifications${query.size > 0 ? `?${query}` : ''}`, options);
      }),
    );

  program
    .command('notify')
    .description('Slack, email and webhook notifications')
    .command('test')
    .description('send a sample message now, and say what came of it (the setup check)')
    .addOption(new Option('--channel <channel>', 'where to send').choices([...NOTIFY_TEST_CHANNELS]).makeOptionMandatory())
    .requiredOption('--to <where>', 'a Slack incoming-webhook URL, an email address, or a webhook id')
    .option('--json', 'print JSON')
    .action(run((options: { channel: string; to: string; json?: boolean }) => notifyTest(api(), io, options)));

  program
    .command('audit')
    .description('who changed what, and when (newest first): configuration, reps, teams, keys, manual lead actions')
    .option('--actor <name>', 'only this key or user')
    .option('--kind <kind>', 'only changes to: rep, team, account, config, key, lead, intake-source, session')
    .option('--target <id>', 'only changes to this id or name')
    .option('--since <time>', 'only since (ISO 8601)')
    .option('--limit <n>', 'at most this many (default 100)', integer('--limit'))
    .option('--json', 'print JSON')
    .action(run((options: { actor?: string; kind?: string; target?: string; since?: string; limit?: number; json?: boolean }) => listAudit(api(), io, options)));

  const salesforce = program.command('salesforce').description('the Salesforce connector');
  salesforce
    .command('attention')
    .description('owner write-backs Salesforce refused (validation rule, inactive user, ...), with its error')
    .option('--all', 'also those resolved by a later write-back')
    .option('--json', 'print JSON')
    .action(run((options: { all?: boolean; json?: boolean }) => salesforceAttention(api(), io, options)));

  const inspect = program.command('inspect').description('show the state of a lead or a rep');
  type InspectOptions = { json?: boolean; xstate?: boolean; count?: number };
  inspect
    .command('lead <id>')
    .description("a lead's state, owner, why, its actor's state value and context, and its event log")
    .option('--json', 'print JSON')
    .option('--xstate', "stream the lead actor's XState inspection events as they happen (Ctrl-C to stop)")
    .option('--count <n>', 'with --xstate: stop after n events', integer('--count'))
    .action(
      run((id: string, options: InspectOptions) =>
        options.xstate ? streamInspection(api(), io, 'leads', id, options) : inspectLead(api(), io, id, options.json ?? false),
      ),
    );
  inspect
    .command('rep <rep>')
    .description("a rep (by email or id): its state, load and profile, its actor's state value and context, and its last state changes")
    .option('--json', 'print JSON')
    .option('--xstate', "stream the rep actor's XState inspection events as they happen (Ctrl-C to stop)")
    .option('--count <n>', 'with --xstate: stop after n events', integer('--count'))
    .action(
      run((id: string, options: InspectOptions) =>
        options.xstate ? streamInspection(api(), io, 'reps', id, options) : inspectRep(api(), io, id, options.json ?? false),
      ),
    );

  program
    .command('watch')
    .description('stream lifecycle events live (assignments, touches, breaches …), one line each, until Ctrl-C')
    .option('--lead <id>', "only this lead's events")
    .option('--rep <id>', 'only events naming this rep')
    .option('--team <team>', "only this team's events (id or name)")
    .option('--type <type>', 'an event type such as lead.assigned, or a prefix such as lead.*')
    .option('--count <n>', 'stop after n events', integer('--count'))
    .option('--json', 'print each event as a JSON line')
    .action(run((options: WatchOptions) => watch(api(), io, options)));

  program
    .command('trace <lead>')
    .description("a lead's timeline: each step with the time since the one before, and the lead's trace id")
    .option('--json', 'print JSON')
    .action(run((id: string, options: { json?: boolean }) => trace(api(), io, id, options.json ?? false)));

  program
    .command('why <lead>')
    .description('why a lead went where it went: the rule, every candidate and why, and the tie-break')
    .option('--json', 'print the decision as JSON')
    .action(run((id: string, options: { json?: boolean }) => why(api(), io, id, options.json ?? false)));

  const config = program.command('config').description('the versioned routing configuration (teams, territories, rules)');
  config
    .command('apply <file>')
    .description('validate a YAML or JSON configuration and make it the one in force (a new version)')
    .option('--comment <text>', 'why, kept with the version')
    .option('--dry-run', 'validate only; change nothing')
    .action(run((file: string, options: { comment?: string; dryRun?: boolean }) => applyConfig(api(), io, file, options)));
  config
    .command('show')
    .description('print the configuration in force, as it was submitted')
    .option('--version <n>', 'an earlier version instead', integer('--version'))
    .action(run((options: { version?: number }) => showConfig(api(), io, options.version)));
  config
    .command('versions')
    .description('list versions: who applied what, when')
    .option('--json', 'print JSON')
    .action(run((options: { json?: boolean }) => listConfigVersions(api(), io, options.json ?? false)));
  config
    .command('diff <from> [to]')
    .description('what changed between two versions (to: the current one)')
    .action(run((from: string, to: string | undefined) => diffConfig(api(), io, integer('from')(from), to === undefined ? undefined : integer('to')(to))));
  config
    .command('rollback <version>')
    .description('make an earlier version the one in force again (recorded as a new version)')
    .option('--comment <text>', 'why, kept with the version')
    .action(run((version: string, options: { comment?: string }) => rollbackConfig(api(), io, integer('version')(version), options.comment)));

  program
    .command('simulate')
    .description('route leads through a proposed configuration, changing nothing, and compare with the current one')
    .requiredOption('--config <file>', 'the proposed configuration (YAML or JSON)')
    .option('--leads <file.csv>', 'leads to route: a CSV with email, company, … and attribute columns')
    .option('--from <time>', 'instead of --leads: replay the leads received since this ISO time')
    .option('--to <time>', 'with --from: up to this ISO time (default now)')
    .option('--json', 'print JSON')
    .action(run((options: { config: string; leads?: string; from?: string; to?: string; json?: boolean }) => simulate(api(), io, options)));

  const report = program.command('report').description('reports over a period: fairness of the distribution, SLA per team');
  const formatOption = () => new Option('--format <format>', 'table, csv or json').choices(Object.values(ReportFormat)).default(ReportFormat.table);
  report
    .command('fairness')
    .description('per rep: eligible time, assignments, weighted share, deviation, and a chi-square test of the distribution against the weights')
    .requiredOption('--from <time>', 'start of the period: ISO date or date-time, e.g. 2026-11-01 or 2026-11-01T09:00:00Z')
    .option('--to <time>', 'end of the period (default now)')
    .option('--team <team>', 'a team id or name: only its members and the leads it assigned')
    .addOption(formatOption())
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write the report to a file instead of printing it')
    .action(run((options: { from: string; to?: string; team?: string; format: ReportFormat; json?: boolean; out?: string }) => fairnessReport(api(), io, options)));
  report
    .command('sla')
    .description('per team: leads, touched, breaches, median and p90 time to first touch')
    .requiredOption('--from <time>', 'start of the period: ISO date or date-time')
    .option('--to <time>', 'end of the period (default now)')
    .addOption(formatOption())
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write the report to a file instead of printing it')
    .action(run((options: { from: string; to?: string; format: ReportFormat; json?: boolean; out?: string }) => slaReport(api(), io, options)));

  return program;
}

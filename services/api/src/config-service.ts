import {
  type ConfigIssue,
  configuredTeams,
  NotFoundError,
  parseRoutingConfig,
  type RepId,
  repRefIndex,
  type RoutingConfig,
  validateRoutingConfig,
  ValidationError,
} from '@switchboard/core';
import { type ConfigVersionRepository, type Database, type RepRepository, upsertConfiguredTeams } from '@switchboard/store';
import { createTwoFilesPatch } from 'diff';
import type { Kysely } from 'kysely';
import { stringify } from 'yaml';

/** A configuration as submitted: YAML or JSON text, or an already-parsed JSON body. */
export type ConfigSubmission =
  | { readonly format: 'yaml' | 'json'; readonly text: string }
  | { readonly format: 'json'; readonly value: unknown; readonly text: string };

export interface ApplyOptions {
  readonly author: string;
  readonly comment: string | null;
  /** Validate only: nothing is stored. */
  readonly dryRun?: boolean;
  readonly rolledBackFrom?: number | null;
}

/** What applying a configuration did. */
export interface AppliedConfig {
  readonly version: number | null;
  readonly dryRun: boolean;
  readonly teams: number;
  readonly territories: number;
  readonly rules: number;
  readonly createdAt: Date | null;
}

/**
 * Applies routing configurations: validates them (shape and every rep and team they
 * name, in one pass), stores each as a new version together with the teams it defines, in one
 * transaction, and rolls back to earlier versions. Invalid documents change nothing.
 */
export class ConfigService {
  readonly #db: Kysely<Database>;
  readonly #versions: ConfigVersionRepository;
  readonly #reps: RepRepository;

  constructor(deps: { db: Kysely<Database>; versions: ConfigVersionRepository; reps: RepRepository }) {
    this.#db = deps.db;
    this.#versions = deps.versions;
    this.#reps = deps.reps;
  }

  /** Validates and, unless a dry run, stores a configuration as the new current version. */
  async apply(submission: ConfigSubmission, options: ApplyOptions): Promise<AppliedConfig> {
    const repIdOf = repRefIndex(await this.#reps.listAll());
    const config = checkRoutingConfig(submission, repIdOf);
    const summary = { dryRun: options.dryRun ?? false, teams: config.teams.length, territories: config.territories.length, rules: config.rules.length };
    if (options.dryRun) return { ...summary, version: null, createdAt: null };
    const stored = await this.#db.transaction().execute(async (trx) => {
      await upsertConfiguredTeams(trx, configuredTeams(config, repIdOf));
      return this.#versions.append(
        {
          document: config,
          source: submission.text,
          format: submission.format,
          author: options.author,
          comment: options.comment,
          rolledBackFrom: options.rolledBackFrom ?? null,
        },
        trx,
      );
    });
    return { ...summary, version: stored.version, createdAt: stored.createdAt };
  }

  /** Makes an earlier version current again, as a new version (history is never rewritten). */
  async rollback(version: number, options: Omit<ApplyOptions, 'rolledBackFrom' | 'dryRun'>): Promise<AppliedConfig> {
    const old = await this.#versions.get(version);
    if (!old) throw new NotFoundError('configuration version', String(version), 'list versions with GET /v1/config/versions');
    return this.apply(
      { format: old.format, text: old.source },
      { ...options, comment: options.comment ?? `roll back to version ${version}`, rolledBackFrom: version },
    );
  }

  /** A unified diff between two versions' documents (normalised YAML, so formatting changes don't show). */
  async diff(from: number, to: number): Promise<string> {
    const [a, b] = await Promise.all([this.#versions.get(from), this.#versions.get(to)]);
    if (!a) throw new NotFoundError('configuration version', String(from), 'list versions with GET /v1/config/versions');
    if (!b) throw new NotFoundError('configuration version', String(to), 'list versions with GET /v1/config/versions');
    return createTwoFilesPatch(`version ${from}`, `version ${to}`, stringify(a.document), stringify(b.document), a.createdAt.toISOString(), b.createdAt.toISOString());
  }
}

/**
 * Parses and validates a submitted configuration: its shape, how its parts name each other,
 * and every rep it names, all in one pass, so that an admin sees every problem at once.
 *
 * @throws ValidationError naming the path (and, for text, the line and column) of each problem.
 */
export function checkRoutingConfig(submission: ConfigSubmission, repIdOf: (ref: string) => RepId | undefined): RoutingConfig {
  const checks = { check: (value: unknown) => repReferenceIssues(value, repIdOf) };
  const parsed = 'value' in submission ? validateRoutingConfig(submission.value, checks) : parseRoutingConfig(submission.text, submission.format, checks);
  if (!parsed.ok) throw new ValidationError(parsed.errors);
  return parsed.config;
}

/**
 * Every rep the configuration names must exist, once per team. It reads the document as
 * submitted, before the schema, so it skips whatever is not a rep reference yet.
 */
export function repReferenceIssues(config: unknown, repIdOf: (ref: string) => RepId | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const missing = (ref: string) => `no rep with email or id "${ref}"; create it first with POST /v1/reps or switchboard reps add`;
  const reference = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const { teams, rules } = isEntry(config) ? config : {};
  (Array.isArray(teams) ? teams : []).forEach((team: unknown, i) => {
    if (!isEntry(team) || !Array.isArray(team.members)) return;
    const seen = new Set<RepId>();
    team.members.forEach((member: unknown, j) => {
      const ref = reference(member);
      if (ref === undefined) return;
      const id = repIdOf(ref);
      if (id === undefined) issues.push({ path: ['teams', i, 'members', j], message: missing(ref) });
      else if (seen.has(id)) issues.push({ path: ['teams', i, 'members', j], message: `"${ref}" is already a member of this team` });
      else seen.add(id);
    });
  });
  (Array.isArray(rules) ? rules : []).forEach((rule: unknown, i) => {
    const ref = isEntry(rule) && isEntry(rule.route) ? reference(rule.route.rep) : undefined;
    if (ref !== undefined && repIdOf(ref) === undefined) issues.push({ path: ['rules', i, 'route', 'rep'], message: missing(ref) });
  });
  const notifications = isEntry(config) && isEntry(config.notifications) ? config.notifications : {};
  const seen = new Map<RepId, number>();
  (Array.isArray(notifications.reps) ? notifications.reps : []).forEach((entry: unknown, i) => {
    const ref = isEntry(entry) ? reference(entry.rep) : undefined;
    if (ref === undefined) return;
    const id = repIdOf(ref);
    const first = id === undefined ? undefined : seen.get(id);
    if (id === undefined) issues.push({ path: ['notifications', 'reps', i, 'rep'], message: missing(ref) });
    else if (first !== undefined) issues.push({ path: ['notifications', 'reps', i, 'rep'], message: `"${ref}" already has preferences in notifications.reps[${first}]` });
    else seen.set(id, i);
  });
  return issues;
}

function isEntry(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

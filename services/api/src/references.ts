import { isId, unstorableTextReason, ValidationError, type ValidationIssue } from '@switchboard/core';
import type { RepRepository, TeamRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply, RouteOptions } from 'fastify';
import { z } from 'zod';

/**
 * People name reps by email and teams by name; programs keep ids. Every path, query or body
 * field that takes a rep or a team takes either, and is resolved to the id here, once, before
 * access control compares ids and before the route's own code: so the rest of the API, the
 * router and the store go on seeing ids only.
 */
export type ReferenceKind = 'rep' | 'reps' | 'team';

const EMAIL = z.email();

/** Which fields of a request name reps or teams. */
export interface ReferenceFields {
  readonly params?: Readonly<Record<string, ReferenceKind>>;
  readonly querystring?: Readonly<Record<string, ReferenceKind>>;
  readonly body?: Readonly<Record<string, ReferenceKind>>;
}

/** A rep's id or email, as a field's schema (documented in the OpenAPI document as such). */
export const repReference = (role = 'the rep') =>
  z
    .union([z.uuid(), z.email()], { error: `must be ${role}'s id (a UUID) or email` })
    .describe(`${role[0]?.toUpperCase()}${role.slice(1)}: its id or its email.`);

/** A team's id or name. */
export const teamReference = (role = 'the team') =>
  z
    .string()
    .min(1)
    .max(200)
    .refine((name) => unstorableTextReason(name) === undefined, { error: `must be ${role}'s id or name` })
    .describe(`${role[0]?.toUpperCase()}${role.slice(1)}: its id or its name.`);

/** Spread into a route's schema: which of its fields name reps or teams. */
export function references(fields: ReferenceFields): { readonly 'x-switchboard-references': ReferenceFields } {
  return { 'x-switchboard-references': fields };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    references?: ReferenceFields;
  }
}

/**
 * Resolves the declared fields of every request. Paths and queries right after the key is
 * checked (the rep scope of access control then sees ids); bodies once parsed. A path naming
 * no rep or team answers 404; a query or body field 400, naming the field.
 */
export function installReferenceResolution(app: FastifyInstance, deps: { reps: RepRepository; teams: TeamRepository }): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const fields = (route.schema as Record<string, unknown> | undefined)?.['x-switchboard-references'] as ReferenceFields | undefined;
    if (fields) route.config = { ...(route.config as object), references: fields };
  });

  /** Whether `ref` can name one at all: what can't is left to the route's schema to refuse. */
  const wellFormed = (kind: ReferenceKind, ref: string) =>
    kind === 'team' ? ref.length <= 200 && unstorableTextReason(ref) === undefined : isId(ref) || EMAIL.safeParse(ref).success;

  const resolve = async (kind: Exclude<ReferenceKind, 'reps'>, ref: string): Promise<string | undefined> => {
    if (kind === 'team') return (await deps.teams.find(ref))?.id;
    // An id is left for the route to look up as it always has (its own not-found answer);
    // only what is not an id needs resolving here.
    if (isId(ref)) return ref;
    return (await deps.reps.find(ref))?.id;
  };
  const missing = (kind: ReferenceKind, ref: string) =>
    kind === 'team' ? `no team with id or name "${ref}"; list teams with GET /v1/teams` : `no rep with id or email "${ref}"; list reps with GET /v1/reps`;

  /** Replaces each named reference in `values` by its id; answers the problems found. */
  const resolveFields = async (values: Record<string, unknown>, fields: Readonly<Record<string, ReferenceKind>>): Promise<ValidationIssue[]> => {
    const issues: ValidationIssue[] = [];
    for (const [field, kind] of Object.entries(fields)) {
      const value = values[field];
      if (kind === 'reps') {
        if (!Array.isArray(value)) continue;
        const ids = await Promise.all(value.map((ref) => (typeof ref === 'string' && wellFormed('rep', ref) ? resolve('rep', ref) : ref)));
        ids.forEach((id, i) => {
          if (id === undefined) issues.push({ path: `${field}[${i}]`, message: missing('rep', value[i] as string) });
        });
        values[field] = ids.map((id, i) => id ?? value[i]);
        continue;
      }
      // Not a string: the route's schema says what is wrong with it.
      if (typeof value !== 'string' || !wellFormed(kind, value)) continue;
      const id = await resolve(kind, value);
      if (id === undefined) issues.push({ path: field, message: missing(kind, value) });
      else values[field] = id;
    }
    return issues;
  };

  const notFound = (reply: FastifyReply, issues: ReadonlyArray<ValidationIssue>) =>
    reply.code(404).send({ error: 'not_found', message: issues.map((issue) => issue.message).join('; ') });

  // Registered after access control's own hook: the caller is known (and allowed) first.
  app.addHook('preParsing', async (request, reply) => {
    const fields = request.routeOptions.config.references;
    if (!fields || reply.sent) return;
    if (fields.params) {
      const issues = await resolveFields(request.params as Record<string, unknown>, fields.params);
      if (issues.length > 0) return notFound(reply, issues);
    }
    if (fields.querystring) {
      const issues = await resolveFields(request.query as Record<string, unknown>, fields.querystring);
      if (issues.length > 0) throw new ValidationError(issues.map((issue) => ({ ...issue, path: `query.${issue.path}` })));
    }
  });

  app.addHook('preValidation', async (request) => {
    const fields = request.routeOptions.config.references?.body;
    if (!fields || typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) return;
    const issues = await resolveFields(request.body as Record<string, unknown>, fields);
    if (issues.length > 0) throw new ValidationError(issues);
  });
}

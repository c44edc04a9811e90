import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal, RepId, Role } from '@switchboard/core';
import { roleSchema } from '@switchboard/core';
import { z } from 'zod';

/**
 * Who gets which role when they sign in with single sign-on: rules tried in order, the first
 * that matches wins. A rule names one of `group` (in the groups claim), `email` (exactly,
 * ignoring case) or `domain` (of the email), and the `role`. The `rep` role binds the user to
 * the rep with their email. Nobody matching is refused.
 */
export const ssoRoleRulesSchema = z
  .array(
    z
      .strictObject({
        group: z.string().min(1).optional(),
        email: z.string().min(3).optional(),
        domain: z.string().min(1).optional(),
        role: roleSchema,
      })
      .refine((rule) => [rule.group, rule.email, rule.domain].filter((v) => v !== undefined).length === 1, {
        error: 'give exactly one of group, email or domain',
      }),
  )
  .min(1, { error: 'give at least one rule, e.g. [{"group":"revops","role":"admin"}]' });
export type SsoRoleRules = z.output<typeof ssoRoleRulesSchema>;

/** What the identity provider says of the user (from its userinfo endpoint). */
export interface SsoIdentity {
  readonly email: string;
  readonly groups: ReadonlyArray<string>;
}

/** The principal a signed-in user stands for, or why they may not sign in. Pure. */
export function principalForIdentity(
  identity: SsoIdentity,
  rules: SsoRoleRules,
  repIdByEmail: (email: string) => RepId | undefined,
): { ok: true; principal: Principal } | { ok: false; reason: string } {
  const email = identity.email.toLowerCase();
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const rule = rules.find(
    (r) =>
      (r.group !== undefined && identity.groups.includes(r.group)) ||
      (r.email !== undefined && r.email.toLowerCase() === email) ||
      (r.domain !== undefined && r.domain.toLowerCase() === domain),
  );
  if (!rule) return { ok: false, reason: `${identity.email} has no role in Switchboard: ask an admin to add your group or email to SWITCHBOARD_OIDC_ROLES` };
  const role: Role = rule.role;
  if (role !== 'rep') return { ok: true, principal: { name: identity.email, role, repId: null, keyId: null } };
  const repId = repIdByEmail(email);
  if (!repId) return { ok: false, reason: `${identity.email} signs in as a rep, but no rep has that email: ask an admin to add you as a rep` };
  return { ok: true, principal: { name: identity.email, role, repId, keyId: null } };
}

/** What the sign-in keeps between the redirect to the identity provider and its answer. */
export interface SsoFlow {
  readonly state: string;
  readonly verifier: string;
  readonly nonce: string;
  /** Milliseconds since the epoch: a flow older than 10 minutes is refused. */
  readonly startedAt: number;
}

/**
 * A flow as a cookie value, signed with HMAC-SHA256 so that the browser can hold it but not
 * change it (every API process shares the key, so the answer may come to any of them).
 */
export function sealFlow(flow: SsoFlow, key: string): string {
  const body = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export function openFlow(sealed: string | undefined, key: string, now: number): SsoFlow | undefined {
  if (!sealed) return undefined;
  const [body, mac] = sealed.split('.');
  if (!body || !mac) return undefined;
  const expected = Buffer.from(createHmac('sha256', key).update(body).digest('base64url'));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const flow = JSON.parse(Buffer.from(body, 'base64url').toString()) as SsoFlow;
    return now - flow.startedAt <= 10 * 60_000 ? flow : undefined;
  } catch {
    return undefined;
  }
}

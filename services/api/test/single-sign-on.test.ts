import type { RepId } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { openFlow, principalForIdentity, sealFlow, ssoRoleRulesSchema } from '../src/auth/single-sign-on.ts';

const rules = ssoRoleRulesSchema.parse([
  { group: 'revops', role: 'admin' },
  { email: 'Olga@Ops.test', role: 'operator' },
  { domain: 'example.com', role: 'rep' },
  { domain: 'partner.test', role: 'viewer' },
]);
const sarah = 'rep-sarah' as RepId;
const reps = (email: string) => (email === 'sarah@example.com' ? sarah : undefined);

describe('single sign-on roles', () => {
  it('takes the first rule that matches a group, an email (ignoring case) or a domain', () => {
    expect(principalForIdentity({ email: 'ana@partner.test', groups: ['revops'] }, rules, reps)).toEqual({ ok: true, principal: { name: 'ana@partner.test', role: 'admin', repId: null, keyId: null } });
    expect(principalForIdentity({ email: 'olga@ops.TEST', groups: [] }, rules, reps)).toMatchObject({ ok: true, principal: { role: 'operator' } });
    expect(principalForIdentity({ email: 'vic@partner.test', groups: ['other'] }, rules, reps)).toMatchObject({ ok: true, principal: { role: 'viewer' } });
  });

  it('binds a rep to the rep with its email, and refuses one who is not a rep or matches nothing', () => {
    expect(principalForIdentity({ email: 'Sarah@example.com', groups: [] }, rules, reps)).toMatchObject({ ok: true, principal: { role: 'rep', repId: sarah } });
    expect(principalForIdentity({ email: 'li@example.com', groups: [] }, rules, reps)).toEqual({ ok: false, reason: expect.stringContaining('no rep has that email') });
    expect(principalForIdentity({ email: 'x@nowhere.test', groups: [] }, rules, reps)).toEqual({ ok: false, reason: expect.stringContaining('has no role in Switchboard') });
  });

  it('refuses rules that name no subject or two, or an unknown role', () => {
    expect(ssoRoleRulesSchema.safeParse([{ role: 'admin' }]).error?.issues[0]?.message).toBe('give exactly one of group, email or domain');
    expect(ssoRoleRulesSchema.safeParse([{ group: 'a', email: 'b@c.d', role: 'admin' }]).success).toBe(false);
    expect(ssoRoleRulesSchema.safeParse([{ group: 'a', role: 'root' }]).success).toBe(false);
    expect(ssoRoleRulesSchema.safeParse([]).success).toBe(false);
  });
});

describe('the sign-in flow cookie', () => {
  const flow = { state: 's', verifier: 'v', nonce: 'n', startedAt: 1_000_000 };
  it('opens what it sealed, and nothing changed, sealed with another key, or older than 10 minutes', () => {
    const sealed = sealFlow(flow, 'key');
    expect(openFlow(sealed, 'key', 1_000_000 + 60_000)).toEqual(flow);
    expect(openFlow(sealed, 'other key', 1_000_000)).toBeUndefined();
    const [body, mac] = sealed.split('.');
    const forged = Buffer.from(JSON.stringify({ ...flow, state: 'mine' })).toString('base64url');
    expect(openFlow(`${forged}.${mac}`, 'key', 1_000_000)).toBeUndefined();
    expect(openFlow(`${body}.${mac}`, 'key', 1_000_000 + 11 * 60_000)).toBeUndefined();
    expect(openFlow(undefined, 'key', 1_000_000)).toBeUndefined();
  });
});

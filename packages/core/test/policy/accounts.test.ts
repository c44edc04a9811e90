import { describe, expect, it } from 'vitest';
import {
  type Account,
  type AccountId,
  buildAccountIndex,
  createAccountSchema,
  emailDomain,
  isFreeMailDomain,
  matchAccount,
  normaliseCompanyName,
  type RepId,
  updateAccountSchema,
  ValidationError,
  parseOrThrow,
} from '../../src/index.ts';

const account = (name: string, domains: string[] = []): Account => ({
  id: `00000000-0000-7000-8000-${String(name.length).padStart(12, '0')}` as AccountId,
  name,
  domains,
  ownerId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('normaliseCompanyName', () => {
  it.each([
    ['ACME, Inc.', 'acme'],
    ['Acme GmbH', 'acme'],
    ['acme', 'acme'],
    ['Acme Incorporated', 'acme'],
    ['Acme Corp.', 'acme'],
    ['Acme Holding Co., Ltd.', 'acme holding'],
    ['Acme GmbH & Co. KG', 'acme'],
    ['Smith & Co', 'smith'],
    ['Acme Private Limited', 'acme'],
    ['Acme Pty Ltd', 'acme'],
    ['Acme Public Limited Company', 'acme'],
    ['Acme S.A.', 'acme'],
    ['Acme S.A.R.L.', 'acme'],
    ['Acme, LLC', 'acme'],
    ['Société Générale S.A.', 'societe generale'],
    ['Müller AG', 'muller'],
    ['Crème Brûlée Ltd', 'creme brulee'],
    ['Ｆｕｌｌｗｉｄｔｈ Inc', 'fullwidth'],
    ['AT&T Inc.', 'at and t'],
    ['Procter & Gamble', 'procter and gamble'],
    ['Hewlett-Packard', 'hewlett packard'],
    ['McDonald’s Corporation', 'mcdonalds'],
    ['  Acme   Widgets  ', 'acme widgets'],
    ['Acme (Europe) B.V.', 'acme europe'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseCompanyName(input)).toBe(expected);
  });

  it('keeps the last word of a name made only of legal forms, and does not strip words inside a name', () => {
    expect(normaliseCompanyName('Company')).toBe('company');
    expect(normaliseCompanyName('Inc. Ltd.')).toBe('inc');
    expect(normaliseCompanyName('Co-operative Bank')).toBe('co operative bank');
  });

  it('gives the empty string for a name with no letters or digits', () => {
    expect(normaliseCompanyName('!!! ---')).toBe('');
  });
});

describe('emailDomain', () => {
  it.each([
    ['ana@Acme.COM', 'acme.com'],
    ['ana@eu.acme.com.', 'eu.acme.com'],
    ['"odd@name"@acme.io', 'acme.io'],
    ['no-at-sign', null],
    ['ana@', null],
  ])('of %j is %j', (email, expected) => {
    expect(emailDomain(email)).toBe(expected);
  });
});

describe('isFreeMailDomain', () => {
  it.each([
    'gmail.com', 'GoogleMail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.com.br', 'hotmail.fr', 'outlook.de', 'live.com',
    'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me', 'protonmail.com', 'gmx.de', 'gmx.net', 'web.de',
    'mail.ru', 'yandex.ru', 'qq.com', '163.com', 'zoho.com',
  ])('counts %s as free mail', (domain) => {
    expect(isFreeMailDomain(domain)).toBe(true);
  });

  it.each(['acme.com', 'mail.acme.com', 'live.acme.com', 'outlook.acme.co.uk', 'yahooo.com', 'gmail-partners.com'])(
    'does not count %s as free mail',
    (domain) => {
      expect(isFreeMailDomain(domain)).toBe(false);
    },
  );
});

describe('createAccountSchema', () => {
  it('lower-cases, trims and dedupes domains, dropping "www." and a trailing dot', () => {
    const parsed = createAccountSchema.parse({ name: ' Acme ', domains: ['Acme.com', 'www.acme.com', 'acme.de.', ' ACME.de'] });
    expect(parsed).toEqual({ name: 'Acme', domains: ['acme.com', 'acme.de'], ownerId: null });
  });

  it.each([
    [{ name: '' }, 'name: must not be empty'],
    [{ name: 'x'.repeat(301) }, 'name: must be at most 300 characters'],
    [{ name: '!!!' }, 'name: must contain a letter or a digit'],
    [{ name: 'Acme', domains: ['https://acme.com'] }, 'domains[0]: "https://acme.com" expected a bare domain such as acme.com, without https:// or a path'],
    [{ name: 'Acme', domains: ['ana@acme.com'] }, 'domains[0]: "ana@acme.com" expected a domain such as acme.com, not an email address'],
    [{ name: 'Acme', domains: ['acme'] }, 'domains[0]: "acme" expected a domain with a dot, such as acme.com'],
    [{ name: 'Acme', domains: ['acme.com', 'ac_me.com'] }, 'domains[1]: "ac_me.com" expected a domain such as acme.com: letters, digits, hyphens and dots'],
    [{ name: 'Acme', domains: ['-acme.com'] }, 'domains[0]: "-acme.com" expected a domain such as acme.com: letters, digits, hyphens and dots'],
    [{ name: 'Acme', domains: ['10.0.0.1'] }, 'domains[0]: "10.0.0.1" expected a domain such as acme.com, not an IP address'],
    [{ name: 'Acme', domains: ['gmail.com'] }, 'domains[0]: "gmail.com" is a free-mail domain'],
    [{ name: 'Acme', domains: [''] }, 'domains[0]: must not be empty'],
    [{ name: 'Acme', domains: Array.from({ length: 101 }, (_, i) => `d${i}.com`) }, 'domains: lists more than 100 domains; an account may have at most 100'],
    [{ name: 'Acme', ownerId: 'sarah@acme.com' }, 'ownerId: must be a rep id (a UUID as returned by POST /v1/reps) or email, or null for no owner'],
    [{ name: 'Acme', owner: 'x' }, 'unknown field "owner"'],
  ])('refuses %j naming the field: %s', (input, message) => {
    expect(() => parseOrThrow(createAccountSchema, input)).toThrow(ValidationError);
    expect(() => parseOrThrow(createAccountSchema, input)).toThrow(message);
  });

  it('names one problem with an empty name', () => {
    const result = createAccountSchema.safeParse({ name: '  ' });
    expect(result.error?.issues.map((i) => i.message)).toEqual(['must not be empty']);
  });

  it('accepts punycode domains and a rep id as owner', () => {
    const ownerId = '0190f0f0-0000-7000-8000-000000000001';
    expect(createAccountSchema.parse({ name: 'Münchner', domains: ['xn--mnchen-3ya.de'], ownerId })).toEqual({
      name: 'Münchner',
      domains: ['xn--mnchen-3ya.de'],
      ownerId,
    });
  });
});

describe('updateAccountSchema', () => {
  it('takes any one field, and null to clear the owner', () => {
    expect(updateAccountSchema.parse({ ownerId: null })).toEqual({ ownerId: null });
    expect(updateAccountSchema.parse({ domains: ['ACME.com'] })).toEqual({ domains: ['acme.com'] });
  });

  it('refuses an empty change and unknown fields', () => {
    expect(() => parseOrThrow(updateAccountSchema, {})).toThrow('give at least one field to change: name, domains or ownerId');
    expect(() => parseOrThrow(updateAccountSchema, { domain: 'acme.com' })).toThrow('unknown field "domain"');
  });
});

describe('matchAccount', () => {
  const acme = account('Acme, Inc.', ['acme.com', 'acme.de']);
  const acmeEu = account('Acme Europe GmbH', ['eu.acme.com']);
  const globex = account('Globex Corporation', ['globex.io']);
  const soc = account('Société Générale', ['socgen.com']);
  const index = buildAccountIndex([acme, acmeEu, globex, soc]);

  it.each<[string, { email: string; company?: string | null }, Account | null, 'domain' | 'company' | null, string | null]>([
    ['an exact domain', { email: 'ana@acme.com' }, acme, 'domain', 'acme.com'],
    ['a domain in another case', { email: 'ana@ACME.DE' }, acme, 'domain', 'acme.de'],
    ['a subdomain of an account domain', { email: 'ana@sales.acme.de' }, acme, 'domain', 'acme.de'],
    ['the most specific account domain', { email: 'ana@eu.acme.com' }, acmeEu, 'domain', 'eu.acme.com'],
    ['a deeper subdomain of the most specific domain', { email: 'ana@paris.eu.acme.com' }, acmeEu, 'domain', 'eu.acme.com'],
    ['the company, with another legal suffix', { email: 'bo@elsewhere.org', company: 'ACME GmbH' }, acme, 'company', 'acme'],
    ['the company, with punctuation', { email: 'bo@elsewhere.org', company: 'Globex, Corp.' }, globex, 'company', 'globex'],
    ['the company, without diacritics', { email: 'bo@elsewhere.org', company: 'SOCIETE GENERALE SA' }, soc, 'company', 'societe generale'],
    ['the company of a free-mail lead', { email: 'bo@gmail.com', company: 'acme' }, acme, 'company', 'acme'],
    ['the domain before the company', { email: 'ana@globex.io', company: 'Acme Inc' }, globex, 'domain', 'globex.io'],
    ['nothing for an unknown domain and company', { email: 'ana@initech.com', company: 'Initech' }, null, null, null],
    ['nothing for a domain that merely ends like an account domain', { email: 'ana@notacme.com' }, null, null, null],
    ['nothing for a parent of an account domain', { email: 'ana@eu.com' }, null, null, null],
    ['nothing for an email without a domain', { email: 'ana' }, null, null, null],
    ['nothing for an empty company', { email: 'ana@initech.com', company: '' }, null, null, null],
    ['nothing for a null company', { email: 'ana@initech.com', company: null }, null, null, null],
  ])('matches %s', (_, lead, expected, matchedBy, key) => {
    const match = matchAccount(index, lead);
    if (expected === null) expect(match).toBeNull();
    else expect(match).toEqual({ account: expected, matchedBy, key });
  });

  it('never matches a free-mail domain, even one an account lists', () => {
    // The schema refuses free-mail domains; an index built from older data must not match them either.
    const legacy = buildAccountIndex([account('Legacy', ['gmail.com', 'yahoo.co.uk'])]);
    expect(matchAccount(legacy, { email: 'ana@gmail.com' })).toBeNull();
    expect(matchAccount(legacy, { email: 'ana@yahoo.co.uk' })).toBeNull();
  });

  it('does not match by company when two accounts share a normalised name, but still by domain', () => {
    const us = account('Acme Inc', ['acme.com']);
    const de = account('Acme GmbH', ['acme.de']);
    const twins = buildAccountIndex([us, de]);
    expect(twins.ambiguousNames).toEqual(new Set(['acme']));
    expect(matchAccount(twins, { email: 'bo@elsewhere.org', company: 'Acme' })).toBeNull();
    expect(matchAccount(twins, { email: 'bo@acme.de', company: 'Acme' })).toEqual({ account: de, matchedBy: 'domain', key: 'acme.de' });
  });

  it('gives a domain listed twice to the first account', () => {
    const first = account('First', ['shared.com']);
    const second = account('Second', ['shared.com']);
    expect(matchAccount(buildAccountIndex([first, second]), { email: 'a@shared.com' })?.account).toBe(first);
  });

  it('keeps the caller’s account type', () => {
    const index = buildAccountIndex([{ name: 'Acme', domains: ['acme.com'], ownerId: 'r1' as RepId, tier: 'gold' }]);
    expect(matchAccount(index, { email: 'a@acme.com' })?.account.tier).toBe('gold');
  });

  it('looks up 100,000 leads against 10,000 accounts quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => account(`Company ${i} Ltd`, [`c${i}.com`, `c${i}.de`]));
    const big = buildAccountIndex(many);
    const started = performance.now();
    let matched = 0;
    for (let i = 0; i < 100_000; i++) {
      if (matchAccount(big, { email: `lead${i}@mail.c${i % 20_000}.com`, company: `company ${i % 30_000}` })) matched++;
    }
    expect(matched).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

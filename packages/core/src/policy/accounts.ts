import { z } from 'zod';
import type { Brand, RepId } from '../ids.ts';

/**
 * Accounts, for sticky routing: a lead whose email domain or company name matches an
 * account goes to the account's owner. This module is pure: the schemas the API and the
 * store validate with, the normalisation of domains and company names, and the in-memory
 * index the router matches each lead against.
 */

/** Identifies an account. A UUID. */
export type AccountId = Brand<string, 'AccountId'>;

/** A customer or target company, with the domains its people write from and the rep who owns it. */
export interface Account {
  readonly id: AccountId;
  readonly name: string;
  /** Lower-case hostnames (`acme.com`); a lead at `acme.com` or any subdomain of it matches. */
  readonly domains: ReadonlyArray<string>;
  /** The rep whose leads these are; null while nobody owns the account. */
  readonly ownerId: RepId | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The most domains one account may list. */
export const MAX_ACCOUNT_DOMAINS = 100;

// A DNS label: letters, digits and inner hyphens, at most 63 characters (RFC 1035, with
// RFC 1123's leading digits). Punycode labels (`xn--...`) pass as they are.
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Why `domain` is not a hostname an account can list, or null if it is. Expects the
 * normalised form (lower case, no `www.`, no trailing dot).
 */
function hostnameProblem(domain: string): string | null {
  if (domain.includes('@')) return 'expected a domain such as acme.com, not an email address';
  if (domain.includes('/') || domain.includes(':')) return 'expected a bare domain such as acme.com, without https:// or a path';
  if (domain.length > 253) return 'is longer than the 253 characters a domain may have';
  const labels = domain.split('.');
  if (labels.length < 2) return 'expected a domain with a dot, such as acme.com';
  if (!labels.every((label) => LABEL.test(label))) return 'expected a domain such as acme.com: letters, digits, hyphens and dots';
  // An all-digit last label is an IP address, not a domain anyone writes email from.
  if (!/[a-z]/.test(labels.at(-1) as string)) return 'expected a domain such as acme.com, not an IP address';
  if (isFreeMailDomain(domain)) return 'is a free-mail domain: its leads belong to many companies, so it can’t identify an account';
  return null;
}

/**
 * Brings a domain to the form accounts store and match on: trimmed, lower case, without a
 * trailing dot or a leading `www.`.
 */
export function normaliseDomain(domain: string): string {
  let d = domain.trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d.startsWith('www.')) d = d.slice(4);
  return d;
}

/** One account domain: normalised, then checked. */
export const accountDomainSchema = z
  .string({ error: 'expected a domain such as acme.com (a string)' })
  .overwrite(normaliseDomain)
  .superRefine((domain, ctx) => {
    const problem = domain === '' ? 'must not be empty' : hostnameProblem(domain);
    if (problem) ctx.addIssue({ code: 'custom', message: domain === '' ? problem : `"${domain}" ${problem}` });
  });

/** An account's domain list: each domain normalised and checked, duplicates dropped (first kept). */
export const accountDomainsSchema = z
  .array(accountDomainSchema, { error: 'expected a list of domains such as ["acme.com", "acme.de"]' })
  .max(MAX_ACCOUNT_DOMAINS, { error: `lists more than ${MAX_ACCOUNT_DOMAINS} domains; an account may have at most ${MAX_ACCOUNT_DOMAINS}` })
  .overwrite((domains) => [...new Set(domains)])
  .describe(
    `Domains the account’s people write from, such as acme.com (lower-cased, "www." dropped, duplicates removed; at most ${MAX_ACCOUNT_DOMAINS}). ` +
      'A lead at the domain or any subdomain of it (eu.acme.com) matches. Free-mail domains (gmail.com, ...) are refused.',
  );

const accountName = z
  .string({ error: 'expected the account’s name (a string)' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(300, { error: 'must be at most 300 characters' })
  .refine((name) => name === '' || normaliseCompanyName(name) !== '', { error: 'must contain a letter or a digit' })
  .describe('The company’s name, unique regardless of case. Leads whose company matches it (ignoring case, punctuation and legal suffixes such as Inc or GmbH) match.');

const ownerId = z
  .uuid({ error: 'must be a rep id (a UUID as returned by POST /v1/reps) or email, or null for no owner' })
  .nullable()
  .describe('The rep who owns the account, by id or email: its leads go to this rep. null: no owner.');

/** Body of `POST /v1/accounts`. */
export const createAccountSchema = z
  .strictObject({
    name: accountName,
    domains: accountDomainsSchema.default([]),
    ownerId: ownerId.default(null),
  })
  .describe('An account: leads from its domains, or naming it as their company, go to its owner.');
export type CreateAccount = z.output<typeof createAccountSchema>;

/** Body of `PATCH /v1/accounts/:id`: any account field; `domains` replaces the whole list. */
export const updateAccountSchema = z
  .strictObject({
    name: accountName.optional(),
    domains: accountDomainsSchema.optional(),
    ownerId: ownerId.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { error: 'give at least one field to change: name, domains or ownerId' })
  .describe('Fields of an account to change; `domains` replaces the whole list.');
export type UpdateAccount = z.output<typeof updateAccountSchema>;

/** The domain of an email address, normalised like account domains; null if it has none. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  const domain = normaliseDomain(email.slice(at + 1));
  return domain === '' ? null : domain;
}

// Free-mail providers: mailboxes anyone can open, so a lead's domain says nothing about its
// company. Curated: the npm lists were ruled out (the maintained one runs an install script,
// the others bundle disposable-mail lists and code).
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'ymail.com', 'rocketmail.com', 'msn.com', 'passport.com', 'windowslive.com',
  'aim.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me', 'pm.me', 'protonmail.com', 'protonmail.ch',
  'tutanota.com', 'tutanota.de', 'tutamail.com', 'tuta.io', 'tuta.com', 'fastmail.com', 'fastmail.fm',
  'hey.com', 'hushmail.com', 'mail.com', 'email.com', 'usa.com', 'inbox.com', 'zoho.com', 'zohomail.com',
  'zohomail.eu', 'web.de', 't-online.de', 'freenet.de', 'arcor.de', 'posteo.de', 'posteo.net', 'mailbox.org',
  'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'neuf.fr', 'libero.it', 'virgilio.it',
  'tiscali.it', 'alice.it', 'tin.it', 'seznam.cz', 'centrum.cz', 'wp.pl', 'o2.pl', 'onet.pl', 'interia.pl',
  'mail.ru', 'bk.ru', 'list.ru', 'inbox.ru', 'internet.ru', 'rambler.ru', 'ya.ru', 'ukr.net', 'abv.bg',
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com',
  '139.com', 'naver.com', 'daum.net', 'hanmail.net', 'rediffmail.com', 'comcast.net', 'verizon.net',
  'att.net', 'sbcglobal.net', 'bellsouth.net', 'charter.net', 'cox.net', 'earthlink.net', 'btinternet.com',
  'sky.com', 'virginmedia.com', 'ntlworld.com', 'talktalk.net', 'bigpond.com', 'bigpond.net.au',
  'optusnet.com.au', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'uol.com.br', 'bol.com.br', 'terra.com.br',
  'ig.com.br', 'telenet.be', 'skynet.be', 'ziggo.nl', 'home.nl', 'planet.nl', 'kpnmail.nl', 'bluewin.ch',
  'gmx.at', 'chello.at', 'inbox.lv', 'mail.ee', 'yopmail.com', 'mailinator.com', 'guerrillamail.com',
]);

// Providers with a mailbox domain in many countries (yahoo.co.uk, hotmail.fr, gmx.de): the
// brand, followed by a country or generic top-level domain.
const FREE_MAIL_BRANDS: ReadonlySet<string> = new Set(['gmail', 'googlemail', 'yahoo', 'hotmail', 'outlook', 'live', 'aol', 'gmx', 'yandex']);
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'ne', 'or']);

/** True if the suffix after a brand label looks like a (country) top-level domain: `de`, `com`, `co.uk`, `com.br`. */
function isTopLevelSuffix(labels: ReadonlyArray<string>): boolean {
  if (labels.length === 1) return /^[a-z]{2,6}$/.test(labels[0] as string);
  return labels.length === 2 && SECOND_LEVEL.has(labels[0] as string) && /^[a-z]{2}$/.test(labels[1] as string);
}

/**
 * True if `domain` belongs to a free-mail provider (gmail.com, yahoo.co.uk, outlook.de, ...):
 * such a domain never identifies an account.
 */
export function isFreeMailDomain(domain: string): boolean {
  const d = normaliseDomain(domain);
  if (FREE_MAIL_DOMAINS.has(d)) return true;
  const [brand, ...rest] = d.split('.');
  return brand !== undefined && FREE_MAIL_BRANDS.has(brand) && isTopLevelSuffix(rest);
}

// Legal forms that say nothing about which company it is. Dropped from the end of a name,
// repeatedly: "Acme Holding Co. Ltd." → "acme holding".
const LEGAL_SUFFIXES: ReadonlySet<string> = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'pllc', 'ltd', 'limited', 'plc', 'corp', 'corporation', 'co', 'company',
  'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ug', 'ohg', 'ev', 'se', 'sa', 'sas', 'sasu', 'sarl', 'sl', 'slu', 'srl', 'spa',
  'sapa', 'bv', 'nv', 'cv', 'vof', 'oy', 'oyj', 'ab', 'as', 'asa', 'aps', 'hf', 'sro', 'zrt', 'kft', 'doo',
  'ooo', 'oao', 'zao', 'pao', 'jsc', 'pjsc', 'lda', 'ltda', 'sc', 'pty', 'pte', 'pvt', 'kk', 'bhd', 'sdn', 'tbk',
]);
// Words that only belong to a legal form when one follows them: "Smith & Co" → "smith",
// "Acme Private Limited" → "acme", "Acme Public Limited Company" → "acme".
const LEGAL_JOINERS: ReadonlySet<string> = new Set(['and', 'private', 'public', 'de']);

/**
 * The form company names are compared in: lower case, without diacritics, `&` as `and`,
 * without punctuation or trailing legal forms (Inc, GmbH, Ltd, S.A., ...), single spaces.
 * A name made only of a legal form keeps its last word.
 *
 * @example
 * normaliseCompanyName('ACME, Inc.') // 'acme'
 * normaliseCompanyName('Acme GmbH & Co. KG') // 'acme'
 * normaliseCompanyName('Société Générale S.A.') // 'societe generale'
 */
export function normaliseCompanyName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // Periods and apostrophes join ("S.A." → "sa", "McDonald's" → "mcdonalds"); other punctuation separates.
    .replace(/[.'’`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let dropped = false;
  while (words.length > 1) {
    const last = words.at(-1) as string;
    if (LEGAL_SUFFIXES.has(last) || (dropped && LEGAL_JOINERS.has(last))) {
      words.pop();
      dropped = true;
    } else {
      break;
    }
  }
  return words.join(' ');
}

/** The lookup tables `matchAccount` uses: build once per change of the accounts, match per lead. */
export interface AccountIndex<A extends Pick<Account, 'name' | 'domains'> = Account> {
  /** Account by domain. When two accounts list the same domain, the first given wins. */
  readonly byDomain: ReadonlyMap<string, A>;
  /** Account by normalised company name, for names that belong to one account only. */
  readonly byName: ReadonlyMap<string, A>;
  /**
   * Normalised names shared by several accounts ("Acme Inc" and "Acme GmbH"): a lead's company
   * can't tell them apart, so these names never match (the domain still does).
   */
  readonly ambiguousNames: ReadonlySet<string>;
}

/** Builds the lookup tables for `matchAccount`. */
export function buildAccountIndex<A extends Pick<Account, 'name' | 'domains'>>(accounts: Iterable<A>): AccountIndex<A> {
  const byDomain = new Map<string, A>();
  const byName = new Map<string, A>();
  const ambiguousNames = new Set<string>();
  for (const account of accounts) {
    for (const domain of account.domains) {
      const key = normaliseDomain(domain);
      if (!byDomain.has(key)) byDomain.set(key, account);
    }
    const name = normaliseCompanyName(account.name);
    if (name === '' || ambiguousNames.has(name)) continue;
    if (byName.has(name)) {
      byName.delete(name);
      ambiguousNames.add(name);
    } else {
      byName.set(name, account);
    }
  }
  return { byDomain, byName, ambiguousNames };
}

/** The account a lead matched, how, and on what. */
export interface AccountMatch<A = Account> {
  readonly account: A;
  readonly matchedBy: 'domain' | 'company';
  /** The account domain (`acme.com`) or the normalised company name (`acme`) that matched. */
  readonly key: string;
}

/**
 * The account a lead belongs to, or null. The email's domain is tried first, then each
 * parent domain (a lead at `eu.acme.com` matches an account at `acme.com`; the most specific
 * account wins); free-mail domains never match. Then the lead's company, normalised.
 * Each lookup is a map access: this runs for every lead.
 */
export function matchAccount<A extends Pick<Account, 'name' | 'domains'>>(
  index: AccountIndex<A>,
  lead: { readonly email: string; readonly company?: string | null },
): AccountMatch<A> | null {
  const domain = emailDomain(lead.email);
  if (domain !== null && index.byDomain.size > 0 && !isFreeMailDomain(domain)) {
    let candidate = domain;
    // Stop at two labels: a bare top-level domain ("com") is never an account domain.
    for (let dot = candidate.indexOf('.'); dot >= 0; dot = candidate.indexOf('.')) {
      const account = index.byDomain.get(candidate);
      if (account) return { account, matchedBy: 'domain', key: candidate };
      candidate = candidate.slice(dot + 1);
    }
  }
  if (lead.company) {
    const name = normaliseCompanyName(lead.company);
    const account = name === '' ? undefined : index.byName.get(name);
    if (account) return { account, matchedBy: 'company', key: name };
  }
  return null;
}

import { readFileSync } from 'node:fs';
import type { LeadIntake } from '@switchboard/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SalesforceFieldMapError } from './errors.ts';

/** The lead fields a Salesforce field can fill; any other target name is an attribute. */
const LEAD_FIELDS = ['email', 'firstName', 'lastName', 'company'] as const;

/** The attribute the Lead's Status is kept in (touch detection compares it), unless the map names `Status`. */
export const STATUS_ATTRIBUTE = 'salesforceStatus';

/** How Salesforce Lead fields become a Switchboard lead. */
export interface FieldMap {
  /** Salesforce field (API name, custom `__c` fields too) → `email`, `firstName`, `lastName`, `company`, or an attribute name. */
  readonly fields: Readonly<Record<string, string>>;
  /** The team every Salesforce lead is sent to; unset: the routing rules decide. */
  readonly team?: string;
  /** The lead's `source`. @default 'salesforce' */
  readonly source: string;
}

/** The mapping used without `SALESFORCE_FIELD_MAP`. */
export const defaultFieldMap: FieldMap = Object.freeze({
  fields: Object.freeze({
    Email: 'email',
    FirstName: 'firstName',
    LastName: 'lastName',
    Company: 'company',
    LeadSource: 'leadSource',
    Country: 'country',
    State: 'state',
    PostalCode: 'postalCode',
    Industry: 'industry',
    NumberOfEmployees: 'employees',
    Status: STATUS_ATTRIBUTE,
  }),
  source: 'salesforce',
});

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const fieldMapSchema = z.strictObject({
  fields: z.record(z.string(), z.string().trim().min(1, { error: 'must name a lead field or an attribute' }).max(100)).superRefine((fields, ctx) => {
    for (const key of Object.keys(fields)) {
      if (!API_NAME.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'must be a Salesforce field API name such as Email or Product_Interest__c' });
    }
    if (!Object.values(fields).includes('email')) {
      ctx.addIssue({ code: 'custom', message: 'map one Salesforce field to "email" (usually Email: email); a lead needs an email' });
    }
  }),
  team: z.string().min(1).optional(),
  source: z.string().min(1).max(100).default('salesforce'),
});

/**
 * Reads a field mapping file (YAML or JSON), e.g.
 *
 * @example
 * fields:
 *   Email: email
 *   Company: company
 *   Product_Interest__c: productInterest
 *   Score__c: score
 * team: Inbound
 */
export function loadFieldMap(file: string): FieldMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SalesforceFieldMapError(`can't read the field mapping (SALESFORCE_FIELD_MAP): ${(error as Error).message}`, file, { cause: error });
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SalesforceFieldMapError(`not valid YAML or JSON: ${(error as Error).message}`, file, { cause: error });
  }
  return parseFieldMap(document, file);
}

/** Validates a field mapping document; throws `SalesforceFieldMapError` naming each problem. */
export function parseFieldMap(document: unknown, file?: string): FieldMap {
  const parsed = fieldMapSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SalesforceFieldMapError(`invalid field mapping: ${problems}`, file);
  }
  const fields = { ...parsed.data.fields };
  if (!Object.keys(fields).some((f) => f.toLowerCase() === 'status')) fields.Status = STATUS_ATTRIBUTE;
  return Object.freeze({ fields: Object.freeze(fields), source: parsed.data.source, ...(parsed.data.team && { team: parsed.data.team }) });
}

/** The Salesforce fields to select for the mapping (plus Id and SystemModstamp). */
export function selectedFields(map: FieldMap): string[] {
  return [...new Set(['Id', 'SystemModstamp', ...Object.keys(map.fields)])];
}

/** The attribute the Lead's Status lands in under this mapping. */
export function statusAttribute(map: FieldMap): string {
  const key = Object.keys(map.fields).find((f) => f.toLowerCase() === 'status');
  return key ? (map.fields[key] as string) : STATUS_ATTRIBUTE;
}

type AttributeValue = string | number | boolean | null;

function attributeValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * A Salesforce Lead record as a lead intake, externalId = its Id. Undefined when it has no
 * email (Switchboard can't route it; it comes back when its email is set).
 */
export function toLeadIntake(record: Readonly<Record<string, unknown>>, map: FieldMap): LeadIntake | undefined {
  const lead: { email?: string; firstName?: string; lastName?: string; company?: string } = {};
  const attributes: Record<string, AttributeValue> = {};
  for (const [field, target] of Object.entries(map.fields)) {
    const value = record[field];
    if ((LEAD_FIELDS as ReadonlyArray<string>).includes(target)) {
      if (typeof value === 'string' && value.trim() !== '') lead[target as (typeof LEAD_FIELDS)[number]] = value.trim();
    } else {
      attributes[target] = attributeValue(value);
    }
  }
  if (!lead.email) return undefined;
  return {
    email: lead.email,
    ...(lead.firstName && { firstName: lead.firstName }),
    ...(lead.lastName && { lastName: lead.lastName }),
    ...(lead.company && { company: lead.company }),
    externalId: String(record.Id),
    source: map.source,
    ...(map.team && { team: map.team }),
    attributes,
  };
}

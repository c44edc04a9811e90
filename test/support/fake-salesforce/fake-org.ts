import type { FieldValue } from './soql.ts';

/** A record of the fake org: field name (canonical case) → value; datetimes are `Date`s. */
export type FakeRecord = Record<string, FieldValue>;

/** Salesforce's error entry in a save result (`statusCode`), or of a REST error body (`errorCode`). */
export interface FakeSaveError {
  readonly statusCode: string;
  readonly message: string;
  readonly fields: ReadonlyArray<string>;
}

/** The objects the fake org knows, with their key prefixes and the standard fields each has. */
export const FAKE_OBJECTS = {
  Lead: {
    prefix: '00Q',
    fields: ['Id', 'FirstName', 'LastName', 'Email', 'Company', 'Status', 'OwnerId', 'LeadSource', 'Country', 'State', 'PostalCode', 'Industry', 'NumberOfEmployees', 'Website', 'IsConverted', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'],
    required: ['LastName', 'Company'],
  },
  User: { prefix: '005', fields: ['Id', 'Username', 'Email', 'FirstName', 'LastName', 'Name', 'IsActive', 'CreatedDate', 'SystemModstamp'], required: ['LastName'] },
  Task: { prefix: '00T', fields: ['Id', 'WhoId', 'Subject', 'Status', 'TaskSubtype', 'OwnerId', 'CreatedDate', 'SystemModstamp'], required: [] },
  Event: {
    prefix: '00U',
    fields: ['Id', 'WhoId', 'Subject', 'StartDateTime', 'EndDateTime', 'DurationInMinutes', 'Description', 'OwnerId', 'CreatedDate', 'SystemModstamp'],
    required: ['StartDateTime'],
  },
  Account: { prefix: '001', fields: ['Id', 'Name', 'Website', 'OwnerId', 'CreatedDate', 'SystemModstamp'], required: ['Name'] },
} as const;
export type FakeObjectName = keyof typeof FAKE_OBJECTS;

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character, case-insensitive form of a 15-character Salesforce Id (the three checksum characters appended). */
export function to18(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i] as string;
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return id15 + suffix;
}

/**
 * The in-memory org behind the fake Salesforce server, with hooks for tests: make a
 * record's updates fail, deactivate a user, set the API usage. Timestamps have whole-second
 * precision, as Salesforce's do, so many records share one `SystemModstamp` and a poll must
 * break ties by Id.
 */
export class FakeOrg {
  readonly orgId = to18('00D8d000000Fake');
  readonly #records = new Map<FakeObjectName, Map<string, FakeRecord>>();
  /** Deleted records (the Recycle Bin): not queried, not readable, and not updatable or deletable again. */
  readonly #recycleBin = new Map<string, { readonly object: FakeObjectName; readonly record: FakeRecord }>();
  readonly #counters = new Map<FakeObjectName, number>();
  readonly #updateFailures = new Map<string, FakeSaveError>();
  /** Custom fields (`Something__c`) per object, added by `addCustomField` or by creating a record with one. */
  readonly #customFields = new Map<FakeObjectName, Set<string>>();
  /** The org's clock; tests may move it. */
  now: () => number = Date.now;
  /** API requests made today and the org's daily limit (the `Sforce-Limit-Info` header). */
  apiUsage = { used: 0, limit: 100_000 };

  constructor() {
    for (const name of Object.keys(FAKE_OBJECTS) as FakeObjectName[]) {
      this.#records.set(name, new Map());
      this.#counters.set(name, 0);
      this.#customFields.set(name, new Set());
    }
  }

  /** A new 18-character Id of `object`'s key prefix; later Ids sort after earlier ones. */
  newId(object: FakeObjectName): string {
    const n = (this.#counters.get(object) ?? 0) + 1;
    this.#counters.set(object, n);
    return to18(`${FAKE_OBJECTS[object].prefix}8d0${String(n).padStart(9, '0')}`);
  }

  /** The org's time, truncated to whole seconds. */
  timestamp(): Date {
    return new Date(Math.floor(this.now() / 1000) * 1000);
  }

  /** Field names of `object` (standard and custom), canonical case. */
  fieldsOf(object: FakeObjectName): string[] {
    return [...FAKE_OBJECTS[object].fields, ...(this.#customFields.get(object) ?? [])];
  }

  /** The canonical name of `field` on `object`, or undefined if it has no such field. */
  canonicalField(object: FakeObjectName, field: string): string | undefined {
    const lower = field.toLowerCase();
    return this.fieldsOf(object).find((f) => f.toLowerCase() === lower);
  }

  /** The canonical object name, or undefined. */
  canonicalObject(name: string): FakeObjectName | undefined {
    return (Object.keys(FAKE_OBJECTS) as FakeObjectName[]).find((o) => o.toLowerCase() === name.toLowerCase());
  }

  /** Declares a custom field (`Name__c`). */
  addCustomField(object: FakeObjectName, field: string): void {
    if (!field.endsWith('__c')) throw new Error(`custom fields end in __c: ${field}`);
    this.#customFields.get(object)?.add(field);
  }

  /** The object an Id belongs to, by its key prefix. */
  objectOfId(id: string): FakeObjectName | undefined {
    return (Object.keys(FAKE_OBJECTS) as FakeObjectName[]).find((o) => id.startsWith(FAKE_OBJECTS[o].prefix));
  }

  /** Every record of `object`, in Id order. */
  all(object: FakeObjectName): FakeRecord[] {
    return [...(this.#records.get(object)?.values() ?? [])];
  }

  /** One record by its 15- or 18-character Id. */
  get(object: FakeObjectName, id: string): FakeRecord | undefined {
    const records = this.#records.get(object);
    if (!records) return undefined;
    if (id.length === 18) return records.get(id) ?? records.get(to18(id.slice(0, 15)));
    if (id.length === 15) return records.get(to18(id));
    return undefined;
  }

  /**
   * Creates a record as Salesforce would: Id, CreatedDate, SystemModstamp, defaults
   * (a Lead's Status `Open - Not Contacted`, a User active). Throws a `FakeSaveError` list
   * when a required field is missing. Custom fields in `values` are declared on the way.
   */
  create(object: FakeObjectName, values: Readonly<Record<string, FieldValue>>, options: { readonly stampedAt?: Date } = {}): FakeRecord {
    const record: FakeRecord = {};
    for (const [key, value] of Object.entries(values)) {
      if (key.endsWith('__c') && !this.canonicalField(object, key)) this.addCustomField(object, key);
      const field = this.canonicalField(object, key);
      if (!field) throw [{ statusCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${object}`, fields: [key] }];
      record[field] = value;
    }
    const missing = FAKE_OBJECTS[object].required.filter((f) => record[f] === undefined || record[f] === null || record[f] === '');
    if (missing.length > 0) {
      throw [{ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing }];
    }
    // `stampedAt`: a record saved then but committed only now (a slow flow or trigger).
    const now = options.stampedAt ? new Date(Math.floor(options.stampedAt.getTime() / 1000) * 1000) : this.timestamp();
    record.Id = this.newId(object);
    record.CreatedDate = now;
    record.SystemModstamp = now;
    if (object === 'Lead') {
      record.LastModifiedDate = now;
      record.Status ??= 'Open - Not Contacted';
      record.IsConverted ??= false;
      record.OwnerId ??= this.defaultOwnerId();
    }
    if (object === 'User') {
      record.IsActive ??= true;
      record.Name = [record.FirstName, record.LastName].filter(Boolean).join(' ');
    }
    if (object === 'Task' || object === 'Event' || object === 'Account') record.OwnerId ??= this.defaultOwnerId();
    if (object === 'Event' || object === 'Task') {
      const error = this.#activityError(object, record);
      if (error) throw [error];
      if (object === 'Event') record.DurationInMinutes = durationOf(record);
    }
    if (object !== 'User' && record.OwnerId) {
      const error = this.#ownerError(String(record.OwnerId), object);
      if (error) throw [error];
    }
    this.#records.get(object)?.set(record.Id as string, record);
    return record;
  }

  /**
   * Updates a record, checking what Salesforce checks for an owner change: the owner must
   * exist (`INVALID_CROSS_REFERENCE_KEY`) and be active (`INACTIVE_OWNER_OR_USER`), and any
   * failure set with `failUpdatesOf` (a validation rule). Throws a `FakeSaveError` list.
   */
  update(object: FakeObjectName, id: string, values: Readonly<Record<string, FieldValue>>): FakeRecord {
    const record = this.get(object, id);
    if (!record) throw [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }];
    const changes: FakeRecord = {};
    for (const [key, value] of Object.entries(values)) {
      const field = this.canonicalField(object, key);
      if (!field) throw [{ statusCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${object}`, fields: [key] }];
      if (['Id', 'CreatedDate', 'SystemModstamp', 'LastModifiedDate'].includes(field)) {
        throw [{ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, fields: [field] }];
      }
      changes[field] = value;
    }
    const failure = this.#updateFailures.get(record.Id as string);
    if (failure) throw [failure];
    if (changes.OwnerId !== undefined) {
      const error = this.#ownerError(String(changes.OwnerId), object);
      if (error) throw [error];
    }
    if (object === 'Event' || object === 'Task') {
      const error = this.#activityError(object, { ...record, ...changes });
      if (error) throw [error];
    }
    Object.assign(record, changes);
    if (object === 'Event') record.DurationInMinutes = durationOf(record);
    const now = this.timestamp();
    record.SystemModstamp = now;
    if ('LastModifiedDate' in record || object === 'Lead') record.LastModifiedDate = now;
    return record;
  }

  /**
   * Deletes a record as `DELETE /sobjects/<Type>/<Id>` does: into the Recycle Bin. Throws
   * `ENTITY_IS_DELETED` for one already deleted, `NOT_FOUND` for an Id the org never had.
   */
  delete(object: FakeObjectName, id: string): void {
    const record = this.get(object, id);
    if (!record) {
      if (this.isDeleted(id)) throw [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }];
      throw [{ statusCode: 'NOT_FOUND', message: 'The requested resource does not exist', fields: [] }];
    }
    this.#records.get(object)?.delete(record.Id as string);
    this.#recycleBin.set(record.Id as string, { object, record });
  }

  /** Whether the record with this Id is in the Recycle Bin. */
  isDeleted(id: string): boolean {
    return id.length >= 15 && this.#recycleBin.has(to18(id.slice(0, 15)));
  }

  /** The deleted records of `object` (the Recycle Bin), in the order they were deleted. */
  deleted(object: FakeObjectName): FakeRecord[] {
    return [...this.#recycleBin.values()].filter((entry) => entry.object === object).map((entry) => entry.record);
  }

  /** Makes every later update of this record fail with `error` (e.g. a validation rule), until `clearUpdateFailure`. */
  failUpdatesOf(id: string, error: FakeSaveError = { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Leads from partners must keep their partner owner', fields: [] }): void {
    this.#updateFailures.set(to18(id.slice(0, 15)), error);
  }

  clearUpdateFailure(id: string): void {
    this.#updateFailures.delete(to18(id.slice(0, 15)));
  }

  /** Deactivates (or reactivates) a user. */
  setUserActive(userId: string, active: boolean): void {
    const user = this.get('User', userId);
    if (!user) throw new Error(`no user ${userId}`);
    user.IsActive = active;
    user.SystemModstamp = this.timestamp();
  }

  /** The user records are owned by when no owner is given: the integration user, created on first need. */
  defaultOwnerId(): string {
    const existing = this.all('User').find((u) => u.Username === 'integration@fake-org.example');
    if (existing) return existing.Id as string;
    return this.create('User', { Username: 'integration@fake-org.example', Email: 'integration@fake-org.example', LastName: 'Integration' }).Id as string;
  }

  /** What Salesforce checks on an activity: a `WhoId` of a Lead must be one (there are no Contacts here), and an Event must not end before it starts. */
  #activityError(object: 'Event' | 'Task', record: FakeRecord): FakeSaveError | undefined {
    const whoId = record.WhoId;
    if (typeof whoId === 'string' && whoId !== '' && !this.get('Lead', whoId)) {
      return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: ['WhoId'] };
    }
    const minutes = object === 'Event' ? durationOf(record) : null;
    if (minutes !== null && minutes < 0) return { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'End Date/Time can’t be before Start Date/Time', fields: ['EndDateTime'] };
    return undefined;
  }

  #ownerError(ownerId: string, object: FakeObjectName): FakeSaveError | undefined {
    if (!/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(ownerId)) {
      return { statusCode: 'MALFORMED_ID', message: `Owner ID: id value of incorrect type: ${ownerId}`, fields: ['OwnerId'] };
    }
    const user = this.get('User', ownerId);
    if (!user) return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: ['OwnerId'] };
    if (user.IsActive !== true) {
      return { statusCode: 'INACTIVE_OWNER_OR_USER', message: `operation performed with inactive user [${user.Id}] as owner of ${object.toLowerCase()}`, fields: [] };
    }
    return undefined;
  }
}

/** An Event's length in minutes, as Salesforce keeps it in `DurationInMinutes`; null without both times. */
function durationOf(record: FakeRecord): number | null {
  const { StartDateTime: start, EndDateTime: end } = record;
  return start instanceof Date && end instanceof Date ? Math.round((end.getTime() - start.getTime()) / 60_000) : null;
}

import { FakeOrg, parseSoql, SoqlError, to18 } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';

// The fake server's SOQL is a documented subset; these pin down what the connector relies on.
describe('the fake Salesforce server’s SOQL subset', () => {
  it('parses the watermark query the connector issues', () => {
    const query = parseSoql(
      "SELECT Id, Email, Score__c FROM Lead WHERE IsConverted = false AND (SystemModstamp > 2026-12-02T15:00:00.000Z OR (SystemModstamp = 2026-12-02T15:00:00.000Z AND Id > '00Q8d0000000001EAA')) AND SystemModstamp < 2026-12-02T15:01:00.000Z ORDER BY SystemModstamp, Id",
    );
    expect(query.fields).toEqual(['Id', 'Email', 'Score__c']);
    expect(query.object).toBe('Lead');
    expect(query.orderBy).toEqual([
      { field: 'SystemModstamp', descending: false, nullsLast: false },
      { field: 'Id', descending: false, nullsLast: false },
    ]);
  });

  it('refuses what it does not support with Salesforce’s error code', () => {
    expect(() => parseSoql('SELECT Owner.Email FROM Account')).toThrow(SoqlError);
    expect(() => parseSoql('SELECT Owner.Email FROM Account')).toThrow(/relationship fields such as Owner.Email are not supported/);
    expect(() => parseSoql('SELECT Id FROM Lead WHERE LastName = Smith')).toThrow("unexpected token 'Smith': strings must be in single quotes");
    const error = (() => {
      try {
        parseSoql('SELECT Id Lead');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ name: 'SoqlError', errorCode: 'MALFORMED_QUERY', message: "expected FROM near 'Lead'" });
  });

  it('makes 18-character ids with Salesforce’s checksum, in creation order', () => {
    expect(to18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    const org = new FakeOrg();
    const a = org.create('Lead', { LastName: 'A', Company: 'X' }).Id as string;
    const b = org.create('Lead', { LastName: 'B', Company: 'X' }).Id as string;
    expect(a).toHaveLength(18);
    expect(a < b).toBe(true);
    expect(() => org.create('Lead', { LastName: 'C' })).toThrow();
  });
});

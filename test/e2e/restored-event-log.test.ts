import { createServer, type Server } from 'node:http';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, eventually, http, startTestSwitchboard } from '../support/index.ts';

// A dump restored into another PostgreSQL server carries the old server's transaction ids in
// the event log and the relays' cursors. Made here by moving every id a million transactions
// ahead of this server's: events published after the restart must still go out, once.

let receiver: Server | undefined;
afterAll(() => {
  receiver?.closeAllConnections();
  receiver?.close();
});

describe('an event log restored from another server', () => {
  it('is published again from the restart on: new events go out, the restored ones not a second time', async () => {
    const bodies: Array<{ type: string; leadId: string }> = [];
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => {
        bodies.push(JSON.parse(body));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`;

    let sb = await startTestSwitchboard({ bus: 'in-process' });
    try {
      await createTeamOfReps(sb.url, { count: 1 });
      await http(sb.url, 'POST', '/v1/webhooks', { url, events: ['lead.assigned'] });
      const before = (await http(sb.url, 'POST', '/v1/leads', { email: 'before@prospect.io' })).body.id as string;
      await eventually(async () => bodies.some((b) => b.leadId === before), 15_000, 'the first lead’s event');
      await sb.stop();

      // "Restore into a server whose counter is a million transactions behind."
      const db = sb.database.db;
      await sql`update lead_events set txid = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8`.execute(db);
      await sql`update event_relay_cursors set txid = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8`.execute(db);

      sb = await sb.restart();
      const after = (await http(sb.url, 'POST', '/v1/leads', { email: 'after@prospect.io' })).body.id as string;
      await eventually(async () => bodies.some((b) => b.leadId === after), 15_000, 'the lead after the restore to be published');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(bodies.filter((b) => b.leadId === before)).toHaveLength(1);
      expect(bodies.filter((b) => b.leadId === after)).toHaveLength(1);
      const { rows } = await sql<{ ahead: number }>`select count(*)::int as ahead from lead_events where txid > pg_current_xact_id()`.execute(db);
      expect(rows[0]?.ahead).toBe(0);
    } finally {
      await sb.destroy();
    }
  });
});

// The dashboard's change notices travel outside the transaction that made the change (migrations/019): a booking's
// or a call step's commit never takes PostgreSQL's NOTIFY lock. Proven on the real database: the committing
// transaction notifies no one, its notice waits in dashboard_notices, and a hub sends it on, once, however many
// hubs are sending.
import pino from 'pino';
import { describe, expect, vi } from 'vitest';
import { DASHBOARD_CHANNEL, type DashboardEvent, DashboardHub } from '../../src/dashboard/hub.ts';
import { connect, type Sql } from '../../src/db/client.ts';
import { type TenantTx, withTenant } from '../../src/db/tenant-scope.ts';
import { integrationTest } from '../helpers/fixtures.ts';

const it = integrationTest({ clinic: { secret: 'dashboard-notices-secret' } });
const quiet = pino({ level: 'silent' });

/** Everything NOTIFY delivers on the dashboard channel, heard on a connection of its own. */
async function hear(url: string) {
  const sql = connect(url, { max: 1 });
  const heard: string[] = [];
  await sql.listen(DASHBOARD_CHANNEL, (payload) => heard.push(payload));
  return { heard, close: () => sql.end() };
}

const newCall = (tx: TenantTx, tenantId: string, vapiCallId: string) =>
  tx<{ id: string }[]>`
    insert into calls (tenant_id, vapi_call_id, caller_number, state, machine_input, snapshot)
    values (${tenantId}, ${vapiCallId}, '+16172530101', 'greeting', '{}', '{}') returning id`;

const waiting = async (sql: Sql) =>
  Number((await sql<{ n: string }[]>`select count(*) as n from dashboard_notices`)[0]!.n);

describe('dashboard notices', () => {
  it("leave the clinic's transaction without a NOTIFY and reach a hub's listeners once sent on", async ({
    db,
    clinic,
  }) => {
    await db.sql`delete from dashboard_notices`;
    const listener = await hear(db.url);
    try {
      const [call] = await withTenant(db.sql, clinic.tenantId, (tx) => newCall(tx, clinic.tenantId, 'notice-1'));
      // With the trigger notifying, this arrived at once: the commit itself had taken the NOTIFY lock.
      await new Promise((r) => setTimeout(r, 300));
      expect(listener.heard).toEqual([]);
      expect(await waiting(db.sql)).toBe(1);

      const hub = new DashboardHub(db.sql, quiet, { sendEveryMs: 20 });
      const events: DashboardEvent[] = [];
      const otherClinic: DashboardEvent[] = [];
      hub.subscribe(clinic.tenantId, (e) => events.push(e));
      hub.subscribe('00000000-0000-4000-8000-000000000000', (e) => otherClinic.push(e));
      await hub.start();
      try {
        await vi.waitFor(() => expect(events).toEqual([{ tenantId: clinic.tenantId, kind: 'call', id: call!.id }]), {
          timeout: 5_000,
        });
        expect(otherClinic).toEqual([]);
        expect(listener.heard).toHaveLength(1);
        expect(await waiting(db.sql)).toBe(0);
      } finally {
        await hub.stop();
      }
    } finally {
      await listener.close();
    }
  });

  it('are left only by transactions that commit', async ({ db, clinic }) => {
    await db.sql`delete from dashboard_notices`;
    await expect(
      withTenant(db.sql, clinic.tenantId, async (tx) => {
        await newCall(tx, clinic.tenantId, 'notice-rolled-back');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await waiting(db.sql)).toBe(0);
  });

  it('can be left by a clinic but not read by one', async ({ db, clinic }) => {
    await expect(
      withTenant(db.sql, clinic.tenantId, (tx) => tx`select payload from dashboard_notices`),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('go out once each when several hubs send at the same time, more than one pass holds', async ({ db, clinic }) => {
    await db.sql`delete from dashboard_notices`;
    const count = 5_000;
    await db.sql`
      insert into dashboard_notices (payload)
      select json_build_object('tenantId', ${clinic.tenantId}::uuid, 'kind', 'booking', 'id', 'b-' || i)::text
        from generate_series(1, ${count}) i`;
    const listener = await hear(db.url);
    const pools = [connect(db.url, { max: 2 }), connect(db.url, { max: 2 }), connect(db.url, { max: 2 })];
    const hubs = pools.map((sql) => new DashboardHub(sql, quiet, { sendEveryMs: 5 }));
    try {
      await Promise.all(hubs.map((h) => h.start()));
      await vi.waitFor(() => expect(listener.heard.length).toBeGreaterThanOrEqual(count), { timeout: 20_000 });
      await new Promise((r) => setTimeout(r, 200));
      const ids = listener.heard.map((p) => (JSON.parse(p) as DashboardEvent).id);
      expect(ids).toHaveLength(count);
      expect(new Set(ids).size).toBe(count);
      expect(await waiting(db.sql)).toBe(0);
    } finally {
      await Promise.all(hubs.map((h) => h.stop()));
      await Promise.all(pools.map((p) => p.end()));
      await listener.close();
    }
  });
});

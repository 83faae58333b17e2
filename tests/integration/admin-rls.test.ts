// Row-level security: inside withTenant, a query that forgets its tenant_id filter still sees and changes only its
// own tenant's rows — on every tenant-owned table.
import { describe, expect } from 'vitest';
import { withTenant } from '../../src/db/tenant-scope.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday } from '../helpers/time.ts';

const it = integrationTest();
let a: string;
let b: string;

// Two clinics, each with a row in every tenant-owned table.
it.beforeAll(async ({ db }) => {
  a = await createDemoClinic(db.sql, { secret: 'rls-secret-aaaaaaaaaaaa', slug: 'rls-a' });
  b = await createDemoClinic(db.sql, { secret: 'rls-secret-bbbbbbbbbbbb', slug: 'rls-b' });
  for (const tenant of [a, b]) {
    const [p] = await db.sql<
      { id: string }[]
    >`select id from providers where tenant_id = ${tenant} order by name limit 1`;
    const [s] = await db.sql<
      { id: string }[]
    >`select id from services where tenant_id = ${tenant} and slug = 'consultation'`;
    const [claim] =
      await db.sql`select * from claim_slot(${tenant}, ${p!.id}, ${s!.id}, ${futureWeekday('10:00', 3).toJSDate()},
                                   'confirmed', null, '+16175550100', 'Pat Row')`;
    expect(claim!.outcome).toBe('created');
    await db.sql`insert into tenant_phone_numbers (tenant_id, e164) values (${tenant}, ${tenant === a ? '+12125550001' : '+12125550002'})`;
    await db.sql`insert into tool_call_results (tenant_id, tool_call_id, tool, response) values (${tenant}, 'tc-1', 'x', '{}')`;
    await db.sql`insert into date_exceptions (tenant_id, on_date, kind) values (${tenant}, '2031-01-01', 'closed')`;
    await db.sql`insert into tenant_api_keys (tenant_id, prefix, key_sha256, scopes)
                 values (${tenant}, ${`sk_${tenant.replace(/-/g, '').slice(0, 12)}`}, ${Buffer.alloc(32)}, '{read}')`;
    const [call] = await db.sql<
      { id: string }[]
    >`insert into calls (tenant_id, vapi_call_id, state, machine_input, snapshot)
                                                  values (${tenant}, 'call-1', 'ended', '{}', '{}') returning id`;
    await db.sql`insert into leads (tenant_id, call_id, score, reasons, hot) values (${tenant}, ${call!.id}, 80, '[]', true)`;
  }
});

/** Every table with a tenant_id column, as the catalogue knows them: new tables are included by themselves. */
async function tenantTables(db: TestDatabase): Promise<string[]> {
  const rows = await db.sql<{ tableName: string }[]>`
    select c.table_name from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
     where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
     order by 1`;
  return rows.map((r) => r.tableName);
}

describe('row-level security', () => {
  it('is on for every tenant-owned table and for tenants itself', async ({ db }) => {
    // call_events has no tenant_id: it belongs to its call's clinic.
    const tables = [...(await tenantTables(db)), 'tenants', 'call_events'];
    expect(tables).toEqual(
      expect.arrayContaining([
        'bookings',
        'patients',
        'providers',
        'tenant_api_keys',
        'tool_call_results',
        'calls',
        'sms_outbox',
        'otp_challenges',
        'leads',
      ]),
    );
    const rows = await db.sql<{ relname: string; relrowsecurity: boolean }[]>`
      select relname, relrowsecurity from pg_class where relname = any(${tables}) and relnamespace = 'public'::regnamespace`;
    expect(rows.filter((r) => !r.relrowsecurity).map((r) => r.relname)).toEqual([]);
    expect(rows).toHaveLength(tables.length);
  });

  it('a query without a tenant filter sees only its own tenant, on every table', async ({ db }) => {
    for (const table of await tenantTables(db)) {
      const all = await db.sql<{ tenantId: string }[]>`select distinct tenant_id from ${db.sql(table)}`;
      const seen = await withTenant(
        db.sql,
        a,
        (tx) => tx<{ tenantId: string }[]>`select distinct tenant_id from ${tx(table)}`,
      );
      if (all.length > 0)
        expect(
          seen.map((r) => r.tenantId),
          table,
        ).toEqual([a]);
    }
    // The tables the admin API reads lists from hold rows of both clinics here, so the check above ran on them.
    for (const table of ['bookings', 'calls', 'leads', 'tenant_api_keys']) {
      expect((await db.sql`select distinct tenant_id from ${db.sql(table)}`).length, table).toBe(2);
    }
    const tenants = await withTenant(db.sql, b, (tx) => tx<{ id: string }[]>`select id from tenants`);
    expect(tenants.map((t) => t.id)).toEqual([b]);
    // The same statements outside a tenant scope (operator work) see both clinics.
    expect((await db.sql`select distinct tenant_id from bookings`).length).toBe(2);
  });

  it('an unfiltered update or delete touches only its own tenant, and a row for another tenant is refused', async ({
    db,
  }) => {
    const changed = await withTenant(db.sql, a, (tx) => tx`update providers set active = active returning tenant_id`);
    expect(new Set(changed.map((r) => r.tenantId))).toEqual(new Set([a]));
    await withTenant(db.sql, a, (tx) => tx`delete from date_exceptions`);
    expect((await db.sql`select tenant_id from date_exceptions`).map((r) => r.tenantId)).toEqual([b]);
    await expect(
      withTenant(
        db.sql,
        a,
        (tx) => tx`insert into date_exceptions (tenant_id, on_date, kind) values (${b}, '2031-02-02', 'closed')`,
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(withTenant(db.sql, a, (tx) => tx`update patients set tenant_id = ${b}`)).rejects.toThrow(
      /row-level security/,
    );
  });

  it('ends with the transaction: the pooled connection is back to the operator role afterwards', async ({ db }) => {
    const [inside] = await withTenant(
      db.sql,
      a,
      (tx) => tx`select current_user as who, current_setting('app.tenant_id', true) as t`,
    );
    expect(inside).toMatchObject({ who: 'slotkeeper_tenant', t: a });
    const after = await Promise.all(
      Array.from({ length: 40 }, () => db.sql`select current_user as who, current_setting('app.tenant_id', true) as t`),
    );
    for (const row of after) {
      expect(row[0]!.who).not.toBe('slotkeeper_tenant');
      expect(row[0]!.t || null).toBeNull();
    }
  });

  it('without a tenant set, the tenant role sees nothing', async ({ db }) => {
    const rows = await db.sql.begin(async (tx) => {
      await tx`set local role slotkeeper_tenant`;
      return tx`select count(*)::int as n from bookings`;
    });
    expect(rows[0]!.n).toBe(0);
  });
});

// No lost record: a call's transition, an end-of-call report, a lead and an outbox row are saved, or the request fails
// visibly (a tool's `error` answer, a 500 Vapi sends again) and is counted; once the fault is gone the retry keeps it.
// The faults are real PostgreSQL errors, raised by a trigger the test puts on the table for the length of one step.
import { describe, expect } from 'vitest';
import type { VapiClient } from '../../testkit/vapi.ts';
import { phoneCall, reportFields } from '../helpers/calls.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import type { RunningServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'records-never-lost-secret';
const OWNER = '+16175550188';
const it = integrationTest({ clinic: { secret: SECRET, ownerPhone: OWNER } });
// Every lead is hot, so every report queues an owner alert.
it.beforeAll(async ({ db, clinic }) => {
  await db.sql`update tenants set hot_lead_threshold = 0 where id = ${clinic.tenantId}`;
});

/** Makes every write to `table` matching `when` fail until the returned function is called. */
async function failWrites(db: TestDatabase, table: string, when: string): Promise<() => Promise<void>> {
  const fn = `fail_${table}`;
  await db.sql.unsafe(`
    create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'injected fault on ${table}'; end $$;
    create trigger ${fn} before insert or update on ${table} for each row when (${when}) execute function ${fn}();`);
  return async () => void (await db.sql.unsafe(`drop trigger ${fn} on ${table}; drop function ${fn}();`));
}

async function notSaved(server: RunningServer, record: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(
    new RegExp(`^slotkeeper_records_not_saved_total\\{record="${record}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0,
  );
}

let n = 0;
const newCall = (vapi: VapiClient) => phoneCall(vapi, `+1617253${String(3000 + n++).padStart(4, '0')}`);
const callRow = (db: TestDatabase, id: string) =>
  db.sql<
    { id: string; state: string; version: number; report: unknown }[]
  >`select id, state, version, report from calls where vapi_call_id = ${id}`.then((r) => r[0]);
const events = (db: TestDatabase, callRowId: string) =>
  db.sql<{ n: number }[]>`select count(*)::int as n from call_events where call_id = ${callRowId}`.then((r) => r[0]!.n);
const report = reportFields({
  summary: 'Wants a cleaning.',
  callerSays: 'Can I book a cleaning?',
  seconds: 120,
  successEvaluation: 'true',
});

describe('a call transition that cannot be saved', () => {
  it('fails the tool call with an error answer; the retry continues from what Postgres holds, nothing drifts', async ({
    db,
    server,
    vapi,
  }) => {
    const call = newCall(vapi);
    const start = iso(futureWeekday('09:00', 5));
    const before = await notSaved(server, 'call_transition');
    const heal = await failWrites(db, 'call_events', "new.state_after = 'held'");
    const failed = await call.tool('reserve_slot', { start, patient_name: 'Lee Park' });
    await heal();
    expect(failed).toMatchObject({ field: 'error', status: 'internal_error' });
    expect(await notSaved(server, 'call_transition')).toBe(before + 1);
    const stored = await callRow(db, call.id);
    expect(stored?.state).not.toBe('held');
    expect(await events(db, stored!.id)).toBe(stored!.version);

    const retried = await call.tool('reserve_slot', { start, patient_name: 'Lee Park' });
    expect(retried).toMatchObject({ field: 'result', status: 'held' });
    const after = await callRow(db, call.id);
    expect(after?.state).toBe('held');
    expect(await events(db, after!.id)).toBe(after!.version);
    const holds = await db.sql`select 1 from bookings where source_call_id = ${call.id} and status = 'held'`;
    expect(holds.length).toBe(1);
  });
});

describe('a call step that could not run', () => {
  it('is not recorded for replay: the same tool-call id, sent again once the fault is gone, really runs', async ({
    db,
    vapi,
  }) => {
    const call = newCall(vapi);
    const start = iso(futureWeekday('10:00', 6));
    expect(await call.tool('reserve_slot', { start, patient_name: 'Kim Ode' })).toMatchObject({ status: 'held' });
    const heal = await failWrites(db, 'sms_outbox', "new.kind = 'otp'");
    const failed = await vapi.tool(
      'send_otp',
      {},
      { callId: call.id, customerNumber: call.number, toolCallId: 'tc-retry-1' },
    );
    await heal();
    expect(failed).toMatchObject({ field: 'error', status: 'internal_error' });
    const retried = await vapi.tool(
      'send_otp',
      {},
      { callId: call.id, customerNumber: call.number, toolCallId: 'tc-retry-1' },
    );
    expect(retried).toMatchObject({ field: 'result', status: 'sent' });
    const codes =
      await db.sql`select 1 from sms_outbox where call_id = (select id from calls where vapi_call_id = ${call.id}) and kind = 'otp'`;
    expect(codes).toHaveLength(1);
  });
});

describe('the end of a call', () => {
  it.for<[string, string, string]>([
    ['call_report', 'calls', 'new.report is not null'],
    ['lead', 'leads', 'true'],
    ['outbox', 'sms_outbox', "new.kind = 'alert'"],
  ])(
    'a %s that cannot be saved answers 500, keeps nothing half-done, and the resent report keeps it all',
    async ([record, table, when], { db, server, vapi }) => {
      const call = newCall(vapi);
      expect((await call.tool('check_availability', {})).field).toBeDefined();
      const before = await notSaved(server, record);
      const heal = await failWrites(db, table, when);
      const failed = await call.report(report);
      await heal();
      expect(failed).toBe(500);
      expect(await notSaved(server, record)).toBe(before + 1);
      const row = await callRow(db, call.id);
      expect(row?.report).toBeNull();
      expect(await db.sql`select 1 from leads where call_id = ${row!.id}`).toHaveLength(0);

      expect(await call.report(report)).toBe(200);
      expect((await callRow(db, call.id))?.report).not.toBeNull();
      expect(await db.sql`select 1 from leads where call_id = ${row!.id}`).toHaveLength(1);
      expect(await db.sql`select 1 from sms_outbox where call_id = ${row!.id} and kind = 'alert'`).toHaveLength(1);
    },
  );
});

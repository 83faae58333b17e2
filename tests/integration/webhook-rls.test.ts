// The webhook does its clinic's work under row-level security. The server here connects as a role that is neither
// superuser nor table owner, so outside a tenant transaction it sees no clinic's rows except the few tables operator
// work needs (finding a clinic by its credential, the SMS dispatcher). A whole call still books, texts, moves,
// cancels, is scored and shows on the dashboard, and staff see and change it all through the admin API: every one
// of those statements ran inside withTenant.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Queryable, type Sql } from '../../src/db/client.ts';
import { withTenant } from '../../src/db/tenant-scope.ts';
import { SecretBox } from '../../src/security/secret-box.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { type FakeTwilio, startFakeTwilio } from '../../testkit/fake-twilio.ts';
import { type VapiClient, vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, apiClient } from '../helpers/admin.ts';
import { codeFrom, eventually, phoneCall, reportFields, startServerWithTwilio } from '../helpers/calls.ts';
import { DASHBOARD_SIGNING_KEY, signIn } from '../helpers/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import type { RunningServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'webhook-rls-secret-0001';
const OWNER = '+12125550177';
// Named for the run, so the suite's teardown drops it even if this file never reaches its afterAll.
const role = `sk_app_${inject('runId')}_${randomBytes(4).toString('hex')}`;
let db: TestDatabase;
let appSql: Sql;
let twilio: FakeTwilio;
let server: RunningServer;
let vapi: VapiClient;
let clinic: string;
let otherClinic: string;

/** A login role like a production deployment's: no superuser, no BYPASSRLS, owns nothing, may become the tenant role. */
async function connectAsAppRole(): Promise<Sql> {
  const password = randomBytes(12).toString('hex');
  await db.sql.unsafe(`create role ${role} login password '${password}' nosuperuser nobypassrls noinherit`);
  await db.sql.unsafe(`grant slotkeeper_tenant to ${role}`);
  await db.sql.unsafe(`grant usage on schema public to ${role}`);
  await db.sql.unsafe(`grant select, insert, update, delete on all tables in schema public to ${role}`);
  await db.sql.unsafe(`grant usage, select on all sequences in schema public to ${role}`);
  // Operator work, which has no clinic to scope to: finding a clinic by its webhook credential or API key, issuing
  // keys, and sending the outbox.
  await db.sql.unsafe(`create policy operator on tenants to ${role} using (true)`);
  await db.sql.unsafe(`create policy operator on tenant_api_keys to ${role} using (true) with check (true)`);
  await db.sql.unsafe(`create policy operator on sms_outbox to ${role} using (true) with check (true)`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  return connect(url.toString(), { max: 20 });
}

beforeAll(async () => {
  db = await createTestDatabase();
  clinic = await createDemoClinic(db.sql, { secret: SECRET, ownerPhone: OWNER });
  otherClinic = await createDemoClinic(db.sql, { secret: 'webhook-rls-other-secret', slug: 'other' });
  appSql = await connectAsAppRole();
  twilio = await startFakeTwilio();
  server = await startServerWithTwilio(appSql, twilio, {
    secretsKey: SecretBox.generateKey(),
    env: { DASHBOARD_SIGNING_KEY, ADMIN_TOKEN },
  });
  vapi = vapiClient(server.url, 'demo', SECRET);
});
afterAll(async () => {
  await server?.close();
  await twilio?.close();
  await appSql?.end({ timeout: 5 });
  await db?.drop();
  const admin = connect(inject('databaseUrl'), { max: 1 });
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.end();
});

const count = async (sql: Queryable, table: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`)[0]!.n;

describe('the webhook under row-level security', () => {
  it("the app's role sees no clinic's rows on its own, and its own clinic's inside a tenant transaction", async () => {
    for (const table of ['providers', 'services', 'weekly_hours', 'patients', 'bookings', 'calls']) {
      expect(await count(appSql, table), table).toBe(0);
    }
    const everyProvider = await count(db.sql, 'providers');
    const own = await withTenant(appSql, clinic, (tx) => count(tx, 'providers'));
    expect(own).toBeGreaterThan(0);
    expect(own).toBeLessThan(everyProvider);
  });

  it('books with a code, texts, moves and cancels, scores the call and shows it on the dashboard', async () => {
    const call = phoneCall(vapi, '+16175550144');
    const day = futureWeekday('00:00', 3);
    const offer = await call.tool('check_availability', { date: day.toISODate(), provider: 'Moreno' });
    expect(offer.status).toBe('ok');
    const start = offer.slots[0].start;

    const reserve = () =>
      vapi.tool(
        'reserve_slot',
        { start, patient_name: 'Rae Lo', provider: 'Moreno' },
        { callId: call.id, customerNumber: call.number, toolCallId: 'rls-reserve-1' },
      );
    const held = await reserve();
    expect(held.status).toBe('held');
    // A repeated tool-call id replays the recorded answer, read back as the clinic.
    expect(await reserve()).toEqual(held);
    expect((await call.tool('send_otp')).status).toBe('sent');
    const code = codeFrom(await twilio.nextMessage(call.number, 10_000));
    expect((await call.tool('verify_otp', { code })).status).toBe('booked');
    expect(await twilio.nextMessage(call.number, 10_000)).toMatch(
      /you are booked for consultation with Dr\. Alice Moreno/,
    );
    expect((await call.tool('send_confirmation')).status).toBe('sent');

    const later = day.set({ hour: 15 });
    const moved = await phoneCall(vapi, call.number).tool('reschedule_appointment', {
      start: iso(later),
      provider: 'Moreno',
    });
    expect(moved.status).toBe('rescheduled');
    const statuses = await db.sql<{ status: string }[]>`
      select status from bookings where tenant_id = ${clinic} and patient_id = (select id from patients where phone_e164 = ${call.number})
       order by starts_at`;
    expect(statuses.map((b) => b.status)).toEqual(['cancelled', 'confirmed']);

    expect(await call.hangUp()).toBe(200);
    const hot = reportFields({
      summary: 'Booked a consultation, asked about implants.',
      callerSays: "I'm a new patient, how much are implants?",
      seconds: 180,
      successEvaluation: 'true',
    });
    expect(await call.report(hot)).toBe(200);
    const [lead] = await db.sql<{ hot: boolean; callId: string }[]>`
      select l.hot, l.call_id from leads l join calls c on c.id = l.call_id where c.vapi_call_id = ${call.id}`;
    expect(lead!.hot).toBe(true);
    expect(await twilio.nextMessage(OWNER, 10_000)).toMatch(/Hot lead/i);

    const [events] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from call_events where call_id = ${lead!.callId}`;
    expect(events!.n).toBeGreaterThan(5);
    expect(
      await db.sql`select 1 from tool_call_results where tenant_id = ${clinic} and tool_call_id = 'rls-reserve-1'`,
    ).toHaveLength(1);

    const cookie = await signIn(server.url, clinic);
    const overview = (await (
      await fetch(`${server.url}/dashboard/api/overview`, { headers: { cookie } })
    ).json()) as any;
    expect(overview.leads.map((l: any) => l.callId)).toContain(lead!.callId);
    const scheduled = overview.days.flatMap((d: any) => d.providers.flatMap((p: any) => p.items));
    expect(scheduled.filter((b: any) => b.word === 'booked').map((b: any) => b.start)).toEqual([
      later.toJSDate().toISOString(),
    ]);
    expect((await fetch(`${server.url}/dashboard/calls/${lead!.callId}`, { headers: { cookie } })).status).toBe(200);

    const cancelled = await phoneCall(vapi, call.number).tool('cancel_appointment');
    expect(cancelled.status).toBe('cancelled');
    expect(
      await eventually(
        () => db.sql`select 1 from bookings where tenant_id = ${clinic} and status in ('held', 'confirmed')`,
        (r) => r.length === 0,
      ),
    ).toEqual([]);
    // Nothing of it reached the other clinic, and the other clinic's dashboard shows none of it.
    expect(await db.sql`select 1 from bookings where tenant_id = ${otherClinic}`).toHaveLength(0);
    const foreign = await fetch(`${server.url}/dashboard/calls/${lead!.callId}`, {
      headers: { cookie: await signIn(server.url, otherClinic) },
    });
    expect(foreign.status).toBe(404);
  });

  it('staff see the call, its lead and appointments through the admin API, and book and cancel as the clinic', async () => {
    const issued = await apiClient(server.url, ADMIN_TOKEN)('POST', `/tenants/${clinic}/api-keys`, {
      label: 'front desk',
    });
    expect(issued.status).toBe(201);
    const api = apiClient(server.url, issued.json.key);
    const calls = await db.sql<{ id: string }[]>`select id from calls where tenant_id = ${clinic} order by created_at`;
    expect((await api('GET', '/calls')).json.items.map((c: { id: string }) => c.id).sort()).toEqual(
      calls.map((c) => c.id).sort(),
    );
    const [lead] = await db.sql<{ callId: string }[]>`select call_id from leads where tenant_id = ${clinic}`;
    expect((await api('GET', `/calls/${lead!.callId}`)).json.timeline.length).toBeGreaterThan(5);
    expect((await api('GET', '/leads')).json.items.map((l: { callId: string }) => l.callId)).toEqual([lead!.callId]);
    expect((await api('GET', '/appointments?status=cancelled')).json.items).toHaveLength(2);

    const settings = await api('GET', '/settings');
    expect(settings.status).toBe(200);
    const service = (await api('GET', '/services')).json.items[0];
    const booked = await api('POST', '/appointments', {
      serviceId: service.id,
      start: iso(futureWeekday('11:00', 4)),
      patient: { name: 'Desk Booking', phone: '+16175550145' },
    });
    expect(booked.status).toBe(201);
    expect((await api('POST', `/appointments/${booked.json.id}/cancel`)).json.status).toBe('cancelled');
    expect(
      await db.sql`select 1 from sms_outbox where booking_id = ${booked.json.id} and kind = 'cancellation'`,
    ).toHaveLength(1);
    // Another clinic's appointment is not found: the clinic's transaction cannot see it.
    const [p] = await db.sql<
      { id: string }[]
    >`select id from providers where tenant_id = ${otherClinic} order by name limit 1`;
    const [sv] = await db.sql<
      { id: string }[]
    >`select id from services where tenant_id = ${otherClinic} order by name limit 1`;
    const [theirs] = await db.sql<{ bookingId: string }[]>`
      select booking_id from claim_slot(${otherClinic}, ${p!.id}, ${sv!.id}, ${futureWeekday('11:00', 4).toJSDate()}, 'confirmed', null, '+16175550146', 'Other Patient')`;
    expect((await api('GET', `/appointments/${theirs!.bookingId}`)).status).toBe(404);
    expect((await api('POST', `/appointments/${theirs!.bookingId}/cancel`)).status).toBe(404);
  });

  it("book_appointment's one-statement claim runs as the clinic: another clinic's record of the same tool-call id is not replayed", async () => {
    // A clinic that books in one step (no text-message code), so book_appointment claims through claim_slot_answered.
    const oneStep = await createDemoClinic(db.sql, { secret: 'webhook-rls-one-step-secret', slug: 'one-step' });
    await db.sql`update tenants set otp_required = false where id = ${oneStep}`;
    // The other clinic answered a tool call with this id; this clinic's delivery of it must book, not replay that.
    await db.sql`insert into tool_call_results (tenant_id, tool_call_id, call_id, tool, response)
                 values (${otherClinic}, 'rls-shared-id', 'other-call', 'book_appointment', ${db.sql.json({ body: { status: 'booked', say: 'theirs' } })})`;
    const start = iso(futureWeekday('16:00', 5));
    const client = vapiClient(server.url, 'one-step', 'webhook-rls-one-step-secret');
    const book = () =>
      client.tool(
        'book_appointment',
        { start, patient_name: 'Ida Own', provider: 'Moreno' },
        { toolCallId: 'rls-shared-id', customerNumber: '+16175550147' },
      );
    const booked = await book();
    expect(booked.status).toBe('booked');
    expect(booked.say).not.toBe('theirs');
    const [row] = await db.sql<{ tenantId: string; response: { body: { appointment_id: string } } }[]>`
      select tenant_id, response from tool_call_results where tenant_id = ${oneStep} and tool_call_id = 'rls-shared-id'`;
    expect(row!.response.body.appointment_id).toBe(booked.appointment_id);
    expect(
      await db.sql`select 1 from bookings where id = ${booked.appointment_id} and tenant_id = ${oneStep}`,
    ).toHaveLength(1);
    // Replayed as the clinic: its own first answer.
    expect(await book()).toEqual(booked);
  });
});

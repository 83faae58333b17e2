// From the end-of-call report over the webhook to a lead, one owner alert through the outbox at the fake Twilio, and
// the hot lead on the dashboard — even when the report arrives twice, or twice at once.

import { describe, expect } from 'vitest';
import { withTenant } from '../../src/db/tenant-scope.ts';
import { recordLead } from '../../src/leads/record-lead.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import type { FakeTwilio } from '../../testkit/fake-twilio.ts';
import type { VapiClient } from '../../testkit/vapi.ts';
import { codeFrom, eventually, type PhoneCall, phoneCall, reportFields } from '../helpers/calls.ts';
import { DASHBOARD_SIGNING_KEY, openStream, signIn } from '../helpers/dashboard.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const OWNER = '+12125550142';
const it = integrationTest({
  clinic: { secret: 'leads-test-secret-000001', ownerPhone: OWNER },
  twilio: true,
  env: { DASHBOARD_SIGNING_KEY },
});

const hotReport = reportFields({
  summary: 'New patient asked the price of implants and booked a consultation.',
  callerSays: "I'm a new patient, how much are implants? Can I come in for a consultation?",
  seconds: 200,
  successEvaluation: 'true',
});

/** A call that holds, verifies its code and books, as the caller's phone and the assistant would do it. */
async function bookedCall(vapi: VapiClient, twilio: FakeTwilio, number: string, start: string): Promise<PhoneCall> {
  const call = phoneCall(vapi, number);
  expect((await call.tool('reserve_slot', { start, patient_name: 'Ana Silva' })).status).toBe('held');
  expect((await call.tool('send_otp')).status).toBe('sent');
  const code = codeFrom(await twilio.nextMessage(number, 10_000));
  expect((await call.tool('verify_otp', { code })).status).toBe('booked');
  return call;
}

const callRow = async (db: TestDatabase, tenantId: string, vapiCallId: string) =>
  (
    await db.sql<{ id: string }[]>`select id from calls where tenant_id = ${tenantId} and vapi_call_id = ${vapiCallId}`
  )[0]!.id;
const outboxAlerts = async (db: TestDatabase, callId: string) =>
  db.sql<
    { toE164: string; body: string; status: string }[]
  >`select to_e164, body, status from sms_outbox where call_id = ${callId} and kind = 'alert'`;

describe('end of call → lead → owner alert', () => {
  it('a hot call texts the owner once, however often and however concurrently its report arrives', async ({
    db,
    server,
    twilio,
    vapi,
    clinic,
  }) => {
    const cookie = await signIn(server.url, clinic.tenantId);
    const stream = await openStream(`${server.url}/dashboard/events`, cookie);
    try {
      const call = await bookedCall(vapi, twilio, '+16175550123', iso(futureWeekday('11:00', 2)));
      // Vapi's order: the status-update first (no report yet: nothing to score), then the report — here twice at
      // once and then once more.
      expect(await call.hangUp()).toBe(200);
      const id = await callRow(db, clinic.tenantId, call.id);
      expect(await db.sql`select 1 from leads where call_id = ${id}`).toHaveLength(0);
      expect(await Promise.all([call.report(hotReport), call.report(hotReport)])).toEqual([200, 200]);
      expect(await call.report(hotReport)).toBe(200);

      const leads = await db.sql<
        { score: number; hot: boolean; reasons: { text: string }[] }[]
      >`select * from leads where call_id = ${id}`;
      expect(leads).toHaveLength(1);
      const lead = leads[0]!;
      expect(lead.hot).toBe(true);
      expect(lead.reasons.map((r) => r.text)).toEqual(
        expect.arrayContaining([
          'booked consultation',
          'verified their phone number',
          'asked for price of implants',
          'new patient',
        ]),
      );

      // One outbox row, sent by the dispatcher: the fake Twilio has exactly that one message for the owner.
      const [sent] = await eventually(
        () => outboxAlerts(db, id),
        (rows) => rows.length === 1 && rows[0]!.status === 'sent',
      );
      expect(await outboxAlerts(db, id)).toHaveLength(1);
      const texts = twilio.messages.filter((m) => m.to === OWNER);
      expect(texts).toHaveLength(1);
      expect(texts[0]!.body).toBe(sent!.body);
      expect(texts[0]!.body).toMatch(
        new RegExp(`^Hot lead ${lead.score}/100 at Demo Family Clinic: \\+16175550123\\. `),
      );
      expect(texts[0]!.body).toContain('Booked consultation');
      expect(texts[0]!.body).toContain('asked for price of implants');
      expect(texts[0]!.body.endsWith(` ${server.url}/dashboard/calls/${id}`)).toBe(true);

      await stream.next((e) => e.data.kind === 'lead' && e.data.id === id);
      const overview = (await (
        await fetch(`${server.url}/dashboard/api/overview`, { headers: { cookie } })
      ).json()) as any;
      expect(overview.leads.find((l: any) => l.callId === id)).toMatchObject({
        hot: true,
        score: lead.score,
        caller: '•••• 0123',
      });
      expect(overview.sms.find((m: any) => m.kind === 'alert')).toMatchObject({ status: 'sent', to: '•••• 0142' });

      // The call detail: its path through the machine drawn and highlighted; other clinics get a plain 404.
      const page = await fetch(`${server.url}/dashboard/calls/${id}`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const body = await page.text();
      for (const state of ['reserving', 'held', 'codeSent', 'verifying', 'booked', 'ended']) {
        expect(body).toMatch(new RegExp(`class="node visited[^"]*" data-state="${state}"`));
      }
      expect(body).toMatch(/class="node" data-state="escalated"/);
      expect(body).toContain('asked for price of implants');
      const otherClinic = await createDemoClinic(db.sql, { secret: 'leads-test-secret-third', slug: 'third' });
      const foreign = await fetch(`${server.url}/dashboard/calls/${id}`, {
        headers: { cookie: await signIn(server.url, otherClinic) },
      });
      expect(foreign.status).toBe(404);
      expect(await foreign.text()).not.toContain('+16175550123');
      expect((await fetch(`${server.url}/dashboard/calls/${id}`)).status).toBe(401);
      expect((await fetch(`${server.url}/dashboard/calls/not-a-uuid`, { headers: { cookie } })).status).toBe(404);
      // Scoring the call again for another clinic finds nothing of it.
      expect(
        await withTenant(db.sql, otherClinic, (tx) =>
          recordLead(tx, {
            tenantId: otherClinic,
            callId: id,
            publicUrl: null,
            log: server.app.log,
            recordsNotSaved: createMetrics().recordsNotSaved,
          }),
        ),
      ).toBeUndefined();
    } finally {
      stream.close();
    }
  });

  it('a wrong number is kept as a cold lead and texts nobody', async ({ db, twilio, vapi, clinic }) => {
    const before = twilio.messages.length;
    const call = phoneCall(vapi, '+16175550177');
    expect(
      await call.report(
        reportFields({
          summary: 'Wrong number.',
          callerSays: 'Sorry, wrong number.',
          seconds: 8,
          successEvaluation: '1/10',
        }),
      ),
    ).toBe(200);
    const id = await callRow(db, clinic.tenantId, call.id);
    const [lead] = await db.sql<{ hot: boolean; score: number }[]>`select hot, score from leads where call_id = ${id}`;
    expect(lead!.hot).toBe(false);
    // The alert would have been queued in the lead's transaction, committed before the webhook answered.
    expect(await outboxAlerts(db, id)).toHaveLength(0);
    expect(await db.sql`select 1 from sms_outbox where call_id = ${id}`).toHaveLength(0);
    expect(twilio.messages.length).toBe(before);
  });

  it('a hot call at a clinic without an owner number is kept as a hot lead with no text queued', async ({
    db,
    twilio,
    vapi,
    clinic,
  }) => {
    await db.sql`update tenants set owner_alert_phone = null where id = ${clinic.tenantId}`;
    try {
      const call = await bookedCall(vapi, twilio, '+16175550188', iso(futureWeekday('14:00', 2)));
      expect(await call.report(hotReport)).toBe(200);
      const id = await callRow(db, clinic.tenantId, call.id);
      expect((await db.sql<{ hot: boolean }[]>`select hot from leads where call_id = ${id}`)[0]!.hot).toBe(true);
      expect(await outboxAlerts(db, id)).toHaveLength(0);
    } finally {
      await db.sql`update tenants set owner_alert_phone = ${OWNER} where id = ${clinic.tenantId}`;
    }
  });
});

describe('the live panels', () => {
  it('shows a call in progress with its machine state, masked caller and held slot, and its texts with their statuses', async ({
    db,
    server,
    twilio,
    vapi,
    clinic,
  }) => {
    const cookie = await signIn(server.url, clinic.tenantId);
    const overview = async () =>
      (await (await fetch(`${server.url}/dashboard/api/overview`, { headers: { cookie } })).json()) as any;
    const call = phoneCall(vapi, '+16175550166');
    const held = await call.tool('reserve_slot', {
      start: iso(futureWeekday('15:00', 3)),
      patient_name: 'Li Wei',
      provider: 'Okafor',
    });
    expect(held.status).toBe('held');
    const id = await callRow(db, clinic.tenantId, call.id);
    const live = () => overview().then((o) => o.calls.find((c: any) => c.id === id));
    expect(await live()).toMatchObject({
      state: 'held',
      caller: '•••• 0166',
      slot: {
        start: new Date(held.start).toISOString(),
        provider: 'Dr. Ben Okafor',
        expiresAt: new Date(held.expires_at).toISOString(),
      },
    });

    expect((await call.tool('send_otp')).status).toBe('sent');
    expect((await live()).state).toBe('codeSent');
    const [otp] = await twilio.waitFor(call.number, 1);
    const smsRow = async () => (await overview()).sms.find((m: any) => m.kind === 'otp' && m.to === '•••• 0166');
    await eventually(smsRow, (m) => m?.status === 'sent');
    expect(await twilio.postStatus(otp!, 'delivered')).toBe(204);
    expect(await smsRow()).toMatchObject({ status: 'delivered', error: null });

    expect(await call.hangUp()).toBe(200);
    expect(await live()).toBeUndefined();
  });
});

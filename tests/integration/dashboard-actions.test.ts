// The front desk's work over real HTTP: the call-back queue fills from real calls and empties when staff mark items
// done (recording who); staff book, move, cancel and mark no-shows through the phone's claim path, with a CSRF token,
// for their own clinic only, never for a suspended one; and a receptionist racing a caller for one slot leaves exactly
// one booking in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { type FakeTwilio, startFakeTwilio } from '../../testkit/fake-twilio.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { codeFrom, eventually, phoneCall, reportFields, startServerWithTwilio } from '../helpers/calls.ts';
import { csrfFor, DASHBOARD_SIGNING_KEY, signIn, staffAction } from '../helpers/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import type { RunningServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'dashboard-actions-secret-1';
const OTHER_SECRET = 'dashboard-actions-secret-2';
let db: TestDatabase;
let twilio: FakeTwilio;
let server: RunningServer;
let clinic: string;
let other: string;
let cookie: string;
let csrf: string;
let otherCookie: string;

beforeAll(async () => {
  db = await createTestDatabase();
  // This clinic asks callers for a code (book_appointment holds and texts one); the other books at once.
  clinic = await createDemoClinic(db.sql, { secret: SECRET });
  other = await createDemoClinic(db.sql, { secret: OTHER_SECRET, slug: 'other', otpRequired: false });
  twilio = await startFakeTwilio();
  server = await startServerWithTwilio(db.sql, twilio, {
    secretsKey: SecretBox.generateKey(),
    env: { DASHBOARD_SIGNING_KEY },
  });
  cookie = await signIn(server.url, clinic);
  csrf = await csrfFor(server.url, cookie);
  otherCookie = await signIn(server.url, other);
});
afterAll(async () => {
  await server?.close();
  await twilio?.close();
  await db?.drop();
});

const overview = async (c = cookie) =>
  (await (await fetch(`${server.url}/dashboard/api/overview`, { headers: { cookie: c } })).json()) as any;
const act = (action: string, body: unknown) => staffAction(server.url, cookie, csrf, action, body);
const vapi = (slug = 'demo', secret = SECRET) => vapiClient(server.url, slug, secret);
const callbackFor = async (phone: string) => (await overview()).callbacks.find((c: any) => c.phone === phone);
const items = (o: any) => o.days.flatMap((d: any) => d.providers.flatMap((p: any) => p.items));
const catalog = async () =>
  (await overview()).catalog as { providers: { id: string; name: string }[]; services: { id: string; name: string }[] };

describe('the call-back queue', () => {
  it('an escalated call appears with name, number and reason; its hold reads released; done removes it and records who', async () => {
    const call = phoneCall(vapi(), '+16175550201');
    expect(
      (await call.tool('reserve_slot', { start: iso(futureWeekday('10:00', 2)), patient_name: 'Ana Ruiz' })).status,
    ).toBe('held');
    expect((await call.tool('request_human')).status).toBe('escalated');

    const cb = await eventually(
      () => callbackFor(call.number),
      (c) => c !== undefined,
    );
    expect(cb).toMatchObject({ name: 'Ana Ruiz', phone: '+16175550201', reasons: ['Asked for a person'] });
    expect(cb.items).toEqual([{ kind: 'escalation', id: expect.any(String) }]);
    // The hold given back for staff is not drawn as a cancelled appointment.
    const [hold] = await db.sql<{ id: string }[]>`select id from bookings where source_call_id = ${call.id}`;
    expect(items(await overview()).find((i: any) => i.id === hold!.id).word).toBe('released');

    // Refused without the page's token, from another site, with no name, or by another clinic: nothing recorded.
    expect(
      (await staffAction(server.url, cookie, null, 'callback-done', { items: cb.items, handledBy: 'Rosa' })).status,
    ).toBe(403);
    expect(
      (
        await staffAction(
          server.url,
          cookie,
          csrf,
          'callback-done',
          { items: cb.items, handledBy: 'Rosa' },
          { origin: 'https://evil.example' },
        )
      ).status,
    ).toBe(403);
    const noName = await act('callback-done', { items: cb.items, handledBy: ' ' });
    expect(noName.status).toBe(400);
    expect(noName.body.error).toContain('Say who handled it.');
    const otherCsrf = await csrfFor(server.url, otherCookie);
    expect(
      (
        await staffAction(server.url, otherCookie, otherCsrf, 'callback-done', {
          items: cb.items,
          handledBy: 'Mallory',
        })
      ).status,
    ).toBe(409);
    // A token is bound to its session: another session's token does not work with this cookie.
    expect(
      (await staffAction(server.url, cookie, otherCsrf, 'callback-done', { items: cb.items, handledBy: 'Rosa' }))
        .status,
    ).toBe(403);
    expect((await db.sql`select 1 from callback_done`).length).toBe(0);

    const done = await act('callback-done', { items: cb.items, handledBy: 'Rosa' });
    expect(done).toMatchObject({ status: 200, body: { say: 'Marked done by Rosa.' } });
    expect(await callbackFor(call.number)).toBeUndefined();
    const [row] = await db.sql<
      { handledBy: string; what: string; tenantId: string }[]
    >`select handled_by, what, tenant_id from callback_done`;
    expect(row).toEqual({ handledBy: 'Rosa', what: 'Ana Ruiz: Asked for a person', tenantId: clinic });
    expect((await overview()).done).toEqual([
      expect.objectContaining({ handledBy: 'Rosa', what: 'Ana Ruiz: Asked for a person' }),
    ]);
    // Twice is refused, and changes nothing.
    expect((await act('callback-done', { items: cb.items, handledBy: 'Sam' })).status).toBe(409);
    expect((await db.sql`select 1 from callback_done`).length).toBe(1);
  });

  it('an abandoned code, a dropped hold and a hot lead without a booking each need a call back; one number is one entry', async () => {
    const code = phoneCall(vapi(), '+16175550202');
    expect(
      (await code.tool('reserve_slot', { start: iso(futureWeekday('10:30', 2)), patient_name: 'Li Wei' })).status,
    ).toBe('held');
    expect((await code.tool('send_otp')).status).toBe('sent');
    expect(await code.hangUp()).toBe(200);

    const dropped = phoneCall(vapi(), '+16175550203');
    expect(
      (await dropped.tool('reserve_slot', { start: iso(futureWeekday('11:00', 2)), patient_name: 'Sam Park' })).status,
    ).toBe('held');
    expect(await dropped.hangUp()).toBe(200);
    expect(
      await dropped.report(
        reportFields({
          summary: 'New patient with a toothache asked about implants.',
          callerSays: "I'm a new patient with a toothache, how much are implants?",
          seconds: 120,
          successEvaluation: 'true',
        }),
      ),
    ).toBe(200);

    const hot = phoneCall(vapi(), '+16175550204');
    expect(
      await hot.report(
        reportFields({
          summary: 'Asked about implants.',
          callerSays: "I'm a new patient with a toothache, how much are implants?",
          seconds: 120,
          successEvaluation: 'true',
        }),
      ),
    ).toBe(200);

    // A caller who booked needs no call back, however hot.
    const booked = phoneCall(vapi(), '+16175550205');
    expect(
      (await booked.tool('book_appointment', { start: iso(futureWeekday('11:30', 2)), patient_name: 'Kim Lee' }))
        .status,
    ).toBe('code_sent');
    expect(
      (await booked.tool('verify_otp', { code: codeFrom(await twilio.nextMessage(booked.number, 10_000)) })).status,
    ).toBe('booked');
    expect(
      await booked.report(
        reportFields({
          summary: 'Booked.',
          callerSays: "I'm a new patient with a toothache, how much are implants?",
          seconds: 120,
          successEvaluation: 'true',
        }),
      ),
    ).toBe(200);

    const o = await eventually(overview, (x) => x.callbacks.some((c: any) => c.phone === hot.number));
    const by = (phone: string) => o.callbacks.find((c: any) => c.phone === phone);
    expect(by(code.number)).toMatchObject({
      name: 'Li Wei',
      reasons: ['Hung up before reading the code'],
      items: [{ kind: 'code' }],
    });
    const droppedEntry = by(dropped.number);
    expect(droppedEntry.name).toBe('Sam Park');
    expect(droppedEntry.items.map((i: any) => i.kind).sort()).toEqual(['dropped_hold', 'hot_lead']);
    expect(droppedEntry.reasons).toContain('Hung up with a time held');
    expect(by(hot.number)).toMatchObject({ name: null, items: [{ kind: 'hot_lead' }] });
    expect(by(hot.number).reasons[0]).toMatch(/^Hot lead, no booking: /);
    expect(by(booked.number)).toBeUndefined();

    // A patient who texted "R" to a reminder (the SMS reply handler writes reschedule_requests) is a call back too.
    const [kim] = await db.sql<
      [{ id: string; patientId: string }]
    >`select id, patient_id from bookings where source_call_id = ${booked.id}`;
    await db.sql`insert into reschedule_requests (tenant_id, patient_id, booking_id, phone_e164, message_sid)
                 values (${clinic}, ${kim.patientId}, ${kim.id}, ${booked.number}, 'SM0123456789abcdef')`;
    expect(await callbackFor(booked.number)).toMatchObject({
      name: 'Kim Lee',
      items: [{ kind: 'reschedule_request' }],
    });
    expect((await callbackFor(booked.number)).reasons[0]).toMatch(
      /^Texted R: wants to move their consultation on \w{3} \d{1,2} \w{3} at \d{1,2}:30 AM$/,
    );

    // "Done" on the grouped entry marks every item behind it.
    expect((await act('callback-done', { items: droppedEntry.items, handledBy: 'Rosa' })).status).toBe(200);
    expect(await callbackFor(dropped.number)).toBeUndefined();
    expect(
      (await db.sql`select source_kind from callback_done where tenant_id = ${clinic} order by source_kind`).map(
        (r) => r.sourceKind,
      ),
    ).toEqual(expect.arrayContaining(['dropped_hold', 'hot_lead']));
    // The other clinic sees none of it.
    expect((await overview(otherCookie)).callbacks).toEqual([]);
  });
});

describe('staff actions', () => {
  it('book, move and cancel go through the claim path and text the patient; a no-show needs a started appointment', async () => {
    const { services, providers } = await catalog();
    const consultation = services.find((s) => s.name === 'consultation')!;
    const alice = providers.find((p) => p.name === 'Dr. Alice Moreno')!;
    const start = futureWeekday('14:00', 3);
    const booked = await act('book', {
      serviceId: consultation.id,
      providerId: alice.id,
      start: iso(start),
      name: 'maria lopez',
      phone: '(617) 555-0210',
    });
    expect(booked.status).toBe(200);
    expect(booked.body.say).toMatch(/^Booked Maria Lopez for .* with Dr\. Alice Moreno\.$/);
    const [b] =
      await db.sql`select b.status, b.source_call_id, p.name, p.phone_e164 from bookings b join patients p on p.id = b.patient_id where b.id = ${booked.body.id}`;
    expect(b).toEqual({ status: 'confirmed', sourceCallId: null, name: 'Maria Lopez', phoneE164: '+16175550210' });

    // The same slot again is taken, with alternatives to offer.
    const again = await act('book', {
      serviceId: consultation.id,
      providerId: alice.id,
      start: iso(start),
      name: 'Jo Doe',
      phone: '+16175550211',
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('That time was just taken.');
    expect(again.body.alternatives.length).toBeGreaterThan(0);
    const bad = await act('book', {
      serviceId: consultation.id,
      start: 'tomorrow',
      name: 'Jo Doe',
      phone: '+16175550211',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^start: /);

    const moved = await act('move', { appointmentId: booked.body.id, start: iso(start.plus({ hours: 1 })) });
    expect(moved.status).toBe(200);
    expect(moved.body.say).toMatch(/^Moved to .* with Dr\. Alice Moreno; the patient is being texted\.$/);
    expect((await db.sql`select status from bookings where id = ${booked.body.id}`)[0]!.status).toBe('cancelled');
    expect(
      (await db.sql`select kind from sms_outbox where booking_id = ${moved.body.id}`).map((r) => r.kind),
    ).toContain('reschedule');

    expect((await act('no-show', { appointmentId: moved.body.id })).status).toBe(409);
    const cancelled = await act('cancel', { appointmentId: moved.body.id });
    expect(cancelled.status).toBe(200);
    expect((await db.sql`select status from bookings where id = ${moved.body.id}`)[0]!.status).toBe('cancelled');
    expect(
      (await db.sql`select kind from sms_outbox where booking_id = ${moved.body.id}`).map((r) => r.kind),
    ).toContain('cancellation');
    expect(items(await overview()).find((i: any) => i.id === moved.body.id).word).toBe('cancelled');
    expect((await act('cancel', { appointmentId: moved.body.id })).status).toBe(409);
  });

  it('a booked appointment that has started can be marked a no-show, and reads so', async () => {
    const { services } = await catalog();
    const id = (
      await act('book', {
        serviceId: services[0]!.id,
        start: iso(futureWeekday('09:00', 4)),
        name: 'Noor Haddad',
        phone: '+16175550220',
      })
    ).body.id as string;
    // Its time has come: moved to have started today (not before the clinic's midnight), as the clock would.
    await db.sql`
      with t as (select greatest(now() - interval '20 minutes',
                                 date_trunc('day', now() at time zone 'America/New_York') at time zone 'America/New_York') as s)
      update bookings set starts_at = t.s, ends_at = now() + interval '10 minutes', occupied = tstzrange(t.s, now() + interval '10 minutes')
        from t where id = ${id}`;
    expect(items(await overview()).find((i: any) => i.id === id)).toMatchObject({
      word: 'booked',
      can: { noShow: true, move: false, cancel: false },
    });
    expect(await act('no-show', { appointmentId: id })).toMatchObject({
      status: 200,
      body: { say: 'Marked as a no-show.' },
    });
    expect(items(await overview()).find((i: any) => i.id === id).word).toBe('no-show');
    expect((await act('no-show', { appointmentId: id })).status).toBe(409);
  });

  it('touches only the signed-in clinic, and nothing at all for a suspended clinic', async () => {
    const theirs = (
      await vapi('other', OTHER_SECRET).tool('book_appointment', {
        start: iso(futureWeekday('15:00', 3)),
        patient_name: 'Their Patient',
      })
    ).appointment_id;
    for (const action of ['cancel', 'move', 'no-show']) {
      const r = await act(action, {
        appointmentId: theirs,
        ...(action === 'move' ? { start: iso(futureWeekday('16:00', 3)) } : {}),
      });
      expect([404, 409], action).toContain(r.status);
    }
    expect((await db.sql`select status, no_show_at from bookings where id = ${theirs}`)[0]).toEqual({
      status: 'confirmed',
      noShowAt: null,
    });

    const { services } = await catalog();
    const before = (await db.sql`select count(*)::int as n from bookings where tenant_id = ${clinic}`)[0]!.n;
    await db.sql`update tenants set status = 'suspended' where id = ${clinic}`;
    try {
      const r = await act('book', {
        serviceId: services[0]!.id,
        start: iso(futureWeekday('13:00', 3)),
        name: 'Jo Doe',
        phone: '+16175550212',
      });
      expect(r.status).toBe(401);
      expect((await db.sql`select count(*)::int as n from bookings where tenant_id = ${clinic}`)[0]!.n).toBe(before);
    } finally {
      await db.sql`update tenants set status = 'active' where id = ${clinic}`;
    }
  });

  it('a receptionist and a caller racing for one slot: exactly one wins, every time, counted in the database', async () => {
    const { services, providers } = await catalog();
    const consultation = services.find((s) => s.name === 'consultation')!;
    const ben = providers.find((p) => p.name === 'Dr. Ben Okafor')!;
    const ROUNDS = 12;
    for (let round = 0; round < ROUNDS; round++) {
      const start = futureWeekday('09:00', 5).plus({ minutes: 30 * round });
      const [desk, phone] = await Promise.all([
        act('book', {
          serviceId: consultation.id,
          providerId: ben.id,
          start: iso(start),
          name: 'Desk Patient',
          phone: `+1617555${String(3000 + round)}`,
        }),
        vapi().tool(
          'book_appointment',
          { start: iso(start), provider: 'Dr. Ben Okafor', service: 'consultation', patient_name: 'Phone Patient' },
          { customerNumber: `+1617555${String(4000 + round)}` },
        ),
      ]);
      // The caller's claim is a hold while its code is texted (this clinic asks for one): held or booked, it won.
      const winners = Number(desk.status === 200) + Number(phone.status === 'code_sent' || phone.status === 'booked');
      expect(winners, `round ${round}: desk ${desk.status}, phone ${phone.status}`).toBe(1);
      const [{ n }] = await db.sql<[{ n: number }]>`
        select count(*)::int as n from bookings
         where provider_id = ${ben.id} and status in ('held', 'confirmed') and occupied && tstzrange(${start.toJSDate()}, ${start.plus({ minutes: 30 }).toJSDate()})`;
      expect(n, `round ${round}`).toBe(1);
    }
  });
});

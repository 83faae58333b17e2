// Reminders, the replies patients text back, and opt-outs — over HTTP against the real server and PostgreSQL, the real
// Twilio SDK sending to the fake Twilio, and inbound texts as signed Messaging webhooks. Time is the app's injected
// clock: a reminder is due when that clock says so.
import type { DateTime } from 'luxon';
import { beforeEach, describe, expect } from 'vitest';
import type { FakeTwilio } from '../../testkit/fake-twilio.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, type BookableClinic, bookableClinic, bookedAsStaff } from '../helpers/admin.ts';
import { eventually, phoneCall } from '../helpers/calls.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { textClinic } from '../helpers/inbound-sms.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

let clock = Date.now();
// `text` is a patient's text to a clinic, on the file's server.
const it = integrationTest({ twilio: true, env: { ADMIN_TOKEN }, now: () => clock }).extend(
  'text',
  { scope: 'file' },
  async ({ server }) =>
    (c: BookableClinic, from: string, body: string, sid?: string) =>
      textClinic(server.url, c.slug, from, body, { sid }),
);
// Each test starts at the real time: the database refuses bookings in its past.
beforeEach(() => {
  clock = Date.now();
});

let numbers = 0;
const newNumber = () => `+1617555${String(1000 + ++numbers)}`;

const remindersOf = (db: TestDatabase, bookingId: string) =>
  db.sql<{ sendAfter: Date; status: string }[]>`
    select send_after, status from sms_outbox where booking_id = ${bookingId} and kind = 'reminder' order by send_after`;

/**
 * Proves a dispatcher pass ran after the clock was set: a marker message queued now has reached the fake Twilio, and
 * the pass that took it also looked at every row queued before it.
 */
let markers = 0;
async function dispatcherPassed(db: TestDatabase, twilio: FakeTwilio, tenantId: string): Promise<void> {
  const to = `+1202555${String(1000 + ++markers)}`;
  await db.sql`insert into sms_outbox (tenant_id, kind, to_e164, body, dedupe_key) values (${tenantId}, 'alert', ${to}, 'marker', ${`marker:${to}`})`;
  await twilio.waitFor(to, 1);
}

/** Moves the clock to a reminder's time and waits for its text, and for its send to be recorded. */
async function reminderArrives(
  db: TestDatabase,
  twilio: FakeTwilio,
  bookingId: string,
  at: number,
  phone: string,
): Promise<string> {
  const before = twilio.messages.filter((m) => m.to === phone).length;
  clock = at;
  const body = (await twilio.waitFor(phone, before + 1))[before]!.body;
  await eventually(
    () => remindersOf(db, bookingId),
    (rows) => rows.some((r) => r.sendAfter.getTime() <= at && r.status === 'sent'),
  );
  return body;
}

describe('reminders', () => {
  let c: BookableClinic;
  it.beforeAll(async ({ server }) => {
    c = await bookableClinic(server.url, 'remind', {
      start: '07:00',
      end: '19:00',
      settings: { reminderHours: [24, 2] },
    });
  });

  it('are queued with the booking and go out at their time, not before', async ({ db, twilio }) => {
    const patient = newNumber();
    const start = futureWeekday('10:00', 3);
    const id = await bookedAsStaff(c, iso(start), patient);
    const dayBefore = start.minus({ hours: 24 }).toMillis();
    expect((await remindersOf(db, id)).map((r) => [r.sendAfter.getTime(), r.status])).toEqual([
      [dayBefore, 'pending'],
      [start.minus({ hours: 2 }).toMillis(), 'pending'],
    ]);

    clock = dayBefore - 60_000;
    await dispatcherPassed(db, twilio, c.id);
    expect((await remindersOf(db, id)).map((r) => r.status)).toEqual(['pending', 'pending']);
    expect(twilio.messages.filter((m) => m.to === patient)).toEqual([]);

    const body = await reminderArrives(db, twilio, id, dayBefore, patient);
    expect(body).toMatch(
      /^Clinic remind: reminder of your consultation with Dr\. remind, .+ 10:00 AM\. Reply C to confirm, R to reschedule, CANCEL to cancel\.$/,
    );
    expect((await remindersOf(db, id)).map((r) => r.status)).toEqual(['sent', 'pending']);
  });

  it('a cancelled appointment is never reminded; a moved one only at its new time', async ({ db, twilio }) => {
    const [gone, moved] = [newNumber(), newNumber()];
    const start = futureWeekday('11:00', 3);
    const cancelledId = await bookedAsStaff(c, iso(start), gone);
    const movedId = await bookedAsStaff(c, iso(start.plus({ hours: 1 })), moved);
    expect((await c.api('POST', `/appointments/${cancelledId}/cancel`)).status).toBe(200);
    const newStart = start.plus({ hours: 3 });
    const res = await c.api('POST', `/appointments/${movedId}/reschedule`, { start: iso(newStart) });
    expect(res.status).toBe(200);

    expect((await remindersOf(db, cancelledId)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect((await remindersOf(db, movedId)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect((await remindersOf(db, res.json.id)).map((r) => r.sendAfter.getTime())).toEqual([
      newStart.minus({ hours: 24 }).toMillis(),
      newStart.minus({ hours: 2 }).toMillis(),
    ]);

    clock = newStart.minus({ minutes: 90 }).toMillis();
    // Both reminders of the new time are due now. A pass already under way may have claimed with the earlier clock,
    // so what is awaited is their being sent, not merely a later message's.
    await eventually(
      () => remindersOf(db, res.json.id),
      (rows) => rows.every((r) => r.status === 'sent'),
    );
    await dispatcherPassed(db, twilio, c.id);
    // Only the change texts reached them; the cancelled times were never reminded.
    expect(twilio.messages.filter((m) => m.to === gone).map((m) => m.body)).toEqual([
      expect.stringMatching(/is cancelled/),
    ]);
    const movedTexts = twilio.messages.filter((m) => m.to === moved).map((m) => m.body);
    expect(movedTexts.filter((b) => b.includes('reminder'))).toHaveLength(2);
    expect(movedTexts.every((b) => !b.includes('reminder') || b.includes(newStart.toFormat('h:mm a')))).toBe(true);
  });

  it("a booking made on the phone queues its reminder in the confirmation's transaction", async ({ db, server }) => {
    const direct = await bookableClinic(server.url, 'remind-call', {
      settings: { reminderHours: [24], otpRequired: false },
    });
    const call = phoneCall(vapiClient(server.url, direct.slug, direct.vapiSecret), newNumber());
    const start = futureWeekday('15:00', 3);
    expect((await call.tool('reserve_slot', { start: iso(start), patient_name: 'Cal Caller' })).status).toBe('held');
    const booked = await call.tool('confirm_booking');
    expect(booked.status).toBe('booked');
    expect((await remindersOf(db, booked.appointment_id)).map((r) => [r.sendAfter.getTime(), r.status])).toEqual([
      [start.minus({ hours: 24 }).toMillis(), 'pending'],
    ]);
  });

  it('quiet hours: a reminder due at night goes at their end, or not at all when that is too late', async ({ db }) => {
    const start = futureWeekday('07:30', 3);
    const id = await bookedAsStaff(c, iso(start), newNumber());
    // 24 h before is 07:30 the day before, inside 21:00–08:00: sent at 08:00. 2 h before is 05:30: 08:00 is after
    // the appointment, so that one is not sent at all.
    expect((await remindersOf(db, id)).map((r) => r.sendAfter.getTime())).toEqual([
      start.minus({ days: 1 }).set({ hour: 8, minute: 0 }).toMillis(),
    ]);
  });
});

describe('replies to a reminder', () => {
  let c: BookableClinic;
  it.beforeAll(async ({ server }) => {
    c = await bookableClinic(server.url, 'replies', { settings: { reminderHours: [24] } });
  });

  /** A booking whose reminder the patient has received. */
  async function reminded(
    db: TestDatabase,
    twilio: FakeTwilio,
    hour: string,
  ): Promise<{ id: string; phone: string; start: DateTime }> {
    const phone = newNumber();
    const start = futureWeekday(hour, 4);
    const id = await bookedAsStaff(c, iso(start), phone);
    await reminderArrives(db, twilio, id, start.minus({ hours: 24 }).toMillis(), phone);
    return { id, phone, start };
  }

  it('C / yes records "patient confirmed"; the same message delivered twice changes nothing more', async ({
    db,
    twilio,
    text,
  }) => {
    const { id, phone } = await reminded(db, twilio, '09:00');
    const answer = await text(c, phone, ' Yes! ');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('<Response><Message>');
    expect(answer.message).toMatch(/^Clinic replies: thanks, your consultation with Dr\. replies, .+, is confirmed\.$/);
    const [first] = await db.sql<
      { patientConfirmedAt: Date }[]
    >`select patient_confirmed_at from bookings where id = ${id}`;
    expect(first!.patientConfirmedAt).toBeInstanceOf(Date);

    const again = await text(c, phone, ' Yes! ', answer.sid);
    expect(again.message).toBe(answer.message);
    const [inbound] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from sms_inbound where message_sid = ${answer.sid}`;
    expect(inbound!.n).toBe(1);
    const [after] = await db.sql<
      { patientConfirmedAt: Date }[]
    >`select patient_confirmed_at from bookings where id = ${id}`;
    expect(after!.patientConfirmedAt).toEqual(first!.patientConfirmedAt);
  });

  it('R answers "we\'ll call you" and puts the patient on the call-back list', async ({ db, twilio, text }) => {
    const { id, phone, start } = await reminded(db, twilio, '10:00');
    const answer = await text(c, phone, 'r');
    expect(answer.message).toBe("Clinic replies: we'll call you to find a new time.");
    const list = await c.api('GET', '/sms/reschedule-requests');
    expect(list.status).toBe(200);
    expect(list.json.items).toContainEqual(
      expect.objectContaining({
        phone,
        appointmentId: id,
        appointmentStart: start.toUTC().toISO(),
        patientName: 'Pat Staff',
      }),
    );
  });

  it('CANCEL asks first; YES then cancels through the normal path (its text, no reminder left); NO keeps it', async ({
    db,
    twilio,
    text,
  }) => {
    const kept = await reminded(db, twilio, '11:00');
    const question = await text(c, kept.phone, 'cancel');
    expect(question.message).toMatch(
      /^Clinic replies: reply YES to cancel your consultation with Dr\. replies, .+ 11:00 AM, or NO to keep it\.$/,
    );
    expect((await text(c, kept.phone, 'no')).message).toMatch(/stays booked/);
    const [stays] = await db.sql<{ status: string }[]>`select status from bookings where id = ${kept.id}`;
    expect(stays!.status).toBe('confirmed');

    const { id, phone } = await reminded(db, twilio, '12:00');
    await text(c, phone, 'CANCEL');
    const yes = await text(c, phone, 'YES');
    expect(yes.status).toBe(200);
    expect(yes.message).toBeNull();
    const [row] = await db.sql<{ status: string }[]>`select status from bookings where id = ${id}`;
    expect(row!.status).toBe('cancelled');
    expect(await twilio.nextMessage(phone, 10_000)).toMatch(/reminder/);
    expect(await twilio.nextMessage(phone, 10_000)).toMatch(/is cancelled/);
    // The question is answered: another YES is no longer a cancellation, and does not opt anyone out.
    expect((await text(c, phone, 'YES')).message).toMatch(/Reply C to confirm/);
  });

  it('anything else gets the valid replies; HELP names the clinic and its number', async ({ db, twilio, text }) => {
    const { phone } = await reminded(db, twilio, '13:00');
    expect((await text(c, phone, 'what time is it again?')).message).toBe(
      'Clinic replies: reply C to confirm, R to reschedule or CANCEL to cancel your appointment. HELP for help.',
    );
    expect((await c.api('PUT', '/phone-numbers/+12125550123')).status).toBeLessThan(300);
    expect((await text(c, phone, 'help')).message).toBe(
      'Clinic replies, +12125550123: appointment texts. Reply C to confirm, R to reschedule, CANCEL to cancel, STOP to stop texts.',
    );
  });
});

describe('opt-out', () => {
  let c: BookableClinic;
  it.beforeAll(async ({ server }) => {
    c = await bookableClinic(server.url, 'optout', { settings: { reminderHours: [24, 2], otpRequired: true } });
  });

  it('STOP: no reminder goes out; START: reminders again; the admin API lists the opt-out meanwhile', async ({
    db,
    twilio,
    text,
  }) => {
    const phone = newNumber();
    const start = futureWeekday('14:00', 3);
    const id = await bookedAsStaff(c, iso(start), phone);
    const stop = await text(c, phone, 'Stop.');
    expect(stop.message).toBe("Clinic optout: you won't get more texts from us. Reply START to get them again.");
    const listed = await c.api('GET', `/sms/opt-outs?phone=${encodeURIComponent(phone)}`);
    expect(listed.json.items).toEqual([expect.objectContaining({ phone, keyword: 'Stop.', source: 'sms' })]);

    clock = start.minus({ hours: 24 }).toMillis();
    await dispatcherPassed(db, twilio, c.id);
    expect((await remindersOf(db, id)).map((r) => r.status)).toEqual(['suppressed', 'pending']);
    expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);
    // While opted out, only START (or HELP) is answered.
    expect((await text(c, phone, 'hello?')).message).toBeNull();

    expect((await text(c, phone, 'start')).message).toBe(
      "Clinic optout: you'll get our texts again. Reply STOP to stop them.",
    );
    expect((await c.api('GET', `/sms/opt-outs?phone=${encodeURIComponent(phone)}`)).json.items).toEqual([]);
    expect(await reminderArrives(db, twilio, id, start.minus({ hours: 2 }).toMillis(), phone)).toMatch(
      /reminder of your consultation/,
    );
  });

  it('CANCEL with nothing open is an opt-out; YES with nothing else open undoes it', async ({ text }) => {
    const phone = newNumber();
    expect((await text(c, phone, 'CANCEL')).message).toMatch(/you won't get more texts/);
    expect((await c.api('GET', `/sms/opt-outs?phone=${encodeURIComponent(phone)}`)).json.items).toHaveLength(1);
    expect((await text(c, phone, 'yes')).message).toMatch(/you'll get our texts again/);
    expect((await c.api('GET', `/sms/opt-outs?phone=${encodeURIComponent(phone)}`)).json.items).toHaveLength(0);
  });

  it('a booking code cannot be texted to an opted-out number: the tool says so in words', async ({ db, server }) => {
    const phone = newNumber();
    expect((await c.api('POST', '/sms/opt-outs', { phone })).status).toBe(201);
    const call = phoneCall(vapiClient(server.url, c.slug, c.vapiSecret), phone);
    const held = await call.tool('reserve_slot', { start: iso(futureWeekday('15:00', 3)), patient_name: 'Otto Out' });
    expect(held.status).toBe('held');
    const sent = await call.tool('send_otp');
    expect(sent).toMatchObject({ field: 'result', status: 'sms_opted_out' });
    expect(sent.say).toMatch(/opted out of our texts/);
    const [codes] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from otp_challenges where phone_e164 = ${phone}`;
    expect(codes!.n).toBe(0);
  });
});

describe('the Messaging webhook', () => {
  it('refuses unsigned, wrongly signed and unknown-clinic requests with 403 and changes nothing', async ({
    db,
    server,
  }) => {
    const c = await bookableClinic(server.url, 'signed');
    const phone = newNumber();
    for (const signWith of [null, 'not-the-auth-token']) {
      const res = await textClinic(server.url, c.slug, phone, 'STOP', { signWith });
      expect(res.status).toBe(403);
    }
    expect((await textClinic(server.url, 'no-such-clinic', phone, 'STOP')).status).toBe(403);
    const [inbound] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from sms_inbound where from_e164 = ${phone}`;
    const [optOuts] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from sms_opt_outs where phone_e164 = ${phone}`;
    expect([inbound!.n, optOuts!.n]).toEqual([0, 0]);
    // Signed properly, the same text is heard.
    expect((await textClinic(server.url, c.slug, phone, 'STOP')).status).toBe(200);
  });

  it('keeps a text without its NUL characters', async ({ db, server }) => {
    const c = await bookableClinic(server.url, 'hygiene');
    const phone = newNumber();
    const res = await textClinic(server.url, c.slug, phone, 'he\u0000llo \u0000there');
    expect(res.status).toBe(200);
    const [row] = await db.sql<{ body: string }[]>`select body from sms_inbound where from_e164 = ${phone}`;
    expect(row!.body).toBe('hello there');
  });
});

// The waitlist over HTTP: joined by phone (join_waitlist) and through the admin API; freed time offered by text to
// the first patient it suits, held for them through the claim path, booked on YES, passed on after NO and after the
// offer's time runs out (the app's injected clock); and a race between an offer reply and a phone booking.
import type { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, type BookableClinic, bookableClinic, bookedAsStaff } from '../helpers/admin.ts';
import { eventually, phoneCall, startServerWithTwilio } from '../helpers/calls.ts';
import { overlappingPairs, type TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { textClinic } from '../helpers/inbound-sms.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

let clock = Date.now();
const logs: { msg?: string; tenantId?: string }[] = [];
const it = integrationTest({
  twilio: true,
  env: { ADMIN_TOKEN, LOG_LEVEL: 'info' },
  now: () => clock,
  logStream: { write: (line) => logs.push(JSON.parse(line)) },
});

// No quiet hours and no reminders: offers go out whatever the real time of day, and only offers and confirmations
// reach the patients' phones.
const SETTINGS = { quietHoursStart: '00:00', quietHoursEnd: '00:00', reminderHours: [], otpRequired: false };

let numbers = 0;
const newNumber = () => `+1617556${String(1000 + ++numbers)}`;

/** Waits until the waitlist has finished matching `n` freed ranges of the clinic in all. */
const matchingDone = (c: BookableClinic, n: number) =>
  eventually(
    async () => logs.filter((l) => l.msg === 'waitlist matching done' && l.tenantId === c.id).length,
    (count) => count >= n,
  );

const join = async (c: BookableClinic, phone: string, day: DateTime, name: string) => {
  const res = await c.api('POST', '/waitlist', {
    phone,
    patientName: name,
    serviceId: c.serviceId,
    fromDate: day.toISODate(),
    toDate: day.toISODate(),
  });
  expect(res.status).toBe(201);
  return res.json.id as string;
};

const offersTo = async (c: BookableClinic, phone: string) =>
  (await c.api('GET', `/waitlist/offers?phone=${encodeURIComponent(phone)}`)).json.items as {
    status: string;
    appointmentId: string;
  }[];

/** The clinic's live bookings at `start`: confirmed, or held and not yet lapsed. */
const activeAt = (db: TestDatabase, c: BookableClinic, start: DateTime) =>
  db.sql<{ status: string; phone: string }[]>`
    select b.status, p.phone_e164 as phone from bookings b join patients p on p.id = b.patient_id
     where b.tenant_id = ${c.id} and b.starts_at = ${start.toJSDate()} and (b.status = 'confirmed' or (b.status = 'held' and b.expires_at > now()))`;

describe('a freed slot', () => {
  it('is offered to the first waitlisted patient and held; passed on after NO and after time-out; booked on YES', async ({
    db,
    server,
    twilio,
  }) => {
    const c = await bookableClinic(server.url, 'wait', { settings: SETTINGS });
    const slot = futureWeekday('10:00', 3);
    const [first, second, third] = [newNumber(), newNumber(), newNumber()];
    const booked = await bookedAsStaff(c, iso(slot), newNumber());

    // The first joins on the phone, the days and time as said; the others through the admin API.
    const call = phoneCall(vapiClient(server.url, c.slug, c.vapiSecret), first);
    const joined = await call.tool('join_waitlist', {
      from_date: slot.toISODate(),
      to_date: slot.toISODate(),
      time_of_day: 'morning',
      patient_name: 'Ann First',
    });
    expect(joined).toMatchObject({
      field: 'result',
      status: 'waitlisted',
      from_date: slot.toISODate(),
      to_date: slot.toISODate(),
      time_of_day: 'morning',
    });
    expect(joined.say).toMatch(
      /^You're on the waitlist for consultation between .+ in the morning; if a time opens up we'll text you/,
    );
    await join(c, second, slot, 'Bob Second');
    await join(c, third, slot, 'Cy Third');
    const list = await c.api('GET', '/waitlist?status=waiting');
    expect(list.json.items.map((e: { phone: string; source: string }) => [e.phone, e.source])).toEqual([
      [first, 'call'],
      [second, 'staff'],
      [third, 'staff'],
    ]);

    expect((await c.api('POST', `/appointments/${booked}/cancel`)).status).toBe(200);
    const offer = await twilio.nextMessage(first, 10_000);
    expect(offer).toMatch(
      /^Clinic wait: a consultation with Dr\. wait, .+ 10:00 AM, just opened up\. Reply YES within 15 min to book it, or NO to pass\.$/,
    );
    await matchingDone(c, 1);
    // Held for the first patient alone: nobody else was offered it, and a caller cannot book it.
    expect(await activeAt(db, c, slot)).toEqual([{ status: 'held', phone: first }]);
    expect(await offersTo(c, second)).toEqual([]);
    expect(await offersTo(c, third)).toEqual([]);
    const caller = phoneCall(vapiClient(server.url, c.slug, c.vapiSecret), newNumber());
    expect((await caller.tool('book_appointment', { start: iso(slot), patient_name: 'Carl Caller' })).status).not.toBe(
      'booked',
    );

    expect((await textClinic(server.url, c.slug, first, 'No thanks')).message).toBe(
      "Clinic wait: no problem, you're still on our waitlist.",
    );
    expect(await twilio.nextMessage(second, 10_000)).toMatch(/just opened up/);
    expect(await activeAt(db, c, slot)).toEqual([{ status: 'held', phone: second }]);

    // The second says nothing; once the offer's 15 minutes are over it goes to the third.
    clock += 16 * 60_000;
    expect(await twilio.nextMessage(third, 10_000)).toMatch(/just opened up/);
    expect((await offersTo(c, second)).map((o) => o.status)).toEqual(['expired']);

    const yes = await textClinic(server.url, c.slug, third, 'yep');
    expect(yes.status).toBe(200);
    expect(yes.message).toBeNull();
    expect(await twilio.nextMessage(third, 10_000)).toMatch(
      /^Clinic wait: you are booked for consultation with Dr\. wait, .+ 10:00 AM\./,
    );
    expect(await activeAt(db, c, slot)).toEqual([{ status: 'confirmed', phone: third }]);
    const entries = (await c.api('GET', '/waitlist')).json.items.map((e: { phone: string; status: string }) => [
      e.phone,
      e.status,
    ]);
    expect(entries).toEqual([
      [first, 'waiting'],
      [second, 'waiting'],
      [third, 'booked'],
    ]);
    expect((await offersTo(c, first)).map((o) => o.status)).toEqual(['declined']);
    expect((await offersTo(c, third)).map((o) => o.status)).toEqual(['accepted']);
    // The YES delivered again by Twilio changes nothing.
    const again = await textClinic(server.url, c.slug, third, 'yep', { sid: yes.sid });
    expect([again.status, again.message]).toEqual([200, null]);
    expect(await activeAt(db, c, slot)).toEqual([{ status: 'confirmed', phone: third }]);
    expect(await overlappingPairs(db.sql)).toBe(0);
  });

  it('STOP (or CANCEL) with an offer open opts out and passes the offer on', async ({ db, server, twilio }) => {
    const c = await bookableClinic(server.url, 'wait-stop', { settings: SETTINGS });
    const slot = futureWeekday('11:00', 3);
    const [quitter, next] = [newNumber(), newNumber()];
    const booked = await bookedAsStaff(c, iso(slot), newNumber());
    await join(c, quitter, slot, 'Quinn Quitter');
    await join(c, next, slot, 'Nell Next');
    expect((await c.api('POST', `/appointments/${booked}/cancel`)).status).toBe(200);
    await twilio.nextMessage(quitter, 10_000);
    expect((await textClinic(server.url, c.slug, quitter, 'CANCEL')).message).toMatch(/you won't get more texts/);
    expect(await twilio.nextMessage(next, 10_000)).toMatch(/just opened up/);
    expect((await offersTo(c, quitter)).map((o) => o.status)).toEqual(['declined']);
    expect(await activeAt(db, c, slot)).toEqual([{ status: 'held', phone: next }]);
  });

  it('an opted-out caller cannot join: the tool says why', async ({ server }) => {
    const c = await bookableClinic(server.url, 'wait-out', { settings: SETTINGS });
    const phone = newNumber();
    expect((await c.api('POST', '/sms/opt-outs', { phone })).status).toBe(201);
    const reply = await phoneCall(vapiClient(server.url, c.slug, c.vapiSecret), phone).tool('join_waitlist', {});
    expect(reply).toMatchObject({ field: 'result', status: 'sms_opted_out' });
    expect((await c.api('GET', '/waitlist')).json.items).toEqual([]);
  });
});

describe('an offer reply racing a phone booking for the same slot', () => {
  it('never gives the slot to both: at most one active booking, each side told the truth, no overlap', async ({
    db,
    server,
    twilio,
  }) => {
    const c = await bookableClinic(server.url, 'race', { settings: SETTINGS });
    // The caller is served by another instance, which has not seen the offer's hold: its claim goes to the database.
    const other = await startServerWithTwilio(db.sql, twilio, {
      secretsKey: SecretBox.generateKey(),
      now: () => clock,
    });
    const winners: string[] = [];
    try {
      for (let trial = 0; trial < 8; trial++) {
        const slot = futureWeekday('09:00', 3).plus({ minutes: 30 * trial });
        const waiting = newNumber();
        const booked = await bookedAsStaff(c, iso(slot), newNumber());
        const entry = await join(c, waiting, slot, 'Wanda Waiting');
        expect((await c.api('POST', `/appointments/${booked}/cancel`)).status).toBe(200);
        await twilio.nextMessage(waiting, 10_000);
        const [offer] = await offersTo(c, waiting);
        // The hold lapses in the database about when both arrive, so either side may win.
        await db.sql`update bookings set expires_at = now() + make_interval(secs => ${(trial % 4) * 0.05}) where id = ${offer!.appointmentId}`;
        const caller = phoneCall(vapiClient(other.url, c.slug, c.vapiSecret), newNumber());
        const [reply, phone] = await Promise.all([
          textClinic(server.url, c.slug, waiting, 'YES'),
          caller.tool('book_appointment', { start: iso(slot), patient_name: 'Rita Racer' }),
        ]);
        const active = await activeAt(db, c, slot);
        expect(active.length).toBeLessThanOrEqual(1);
        const winner = active[0]?.phone === waiting ? 'offer' : active[0] ? 'phone' : 'none';
        winners.push(winner);
        expect(active.every((b) => b.status === 'confirmed')).toBe(true);
        // Each side was told the truth: only the winner heard it is booked.
        expect(reply.message === null).toBe(winner === 'offer');
        expect(phone.status === 'booked').toBe(winner === 'phone');
        await c.api('DELETE', `/waitlist/${entry}`);
      }
    } finally {
      await other.close();
    }
    expect(await overlappingPairs(db.sql)).toBe(0);
    const [doubles] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from (select starts_at from bookings where tenant_id = ${c.id} and status in ('held', 'confirmed')
                                        group by provider_id, starts_at having count(*) > 1) d`;
    expect(doubles!.n).toBe(0);
    console.info(`offer reply vs phone booking, winners per trial: ${winners.join(' ')}`);
  });
});

// Dates as callers say them, through the real webhook: the day understood is in every answer, a day chosen by a
// rule is said back, a weekday that contradicts its date is refused and nothing is booked.
import { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { ordinal } from '../helpers/time.ts';

const SECRET = 'webhook-dates-secret-0001';
const ZONE = 'America/New_York';

// A Monday at 22:50 in New York (already Tuesday in UTC), at least a week ahead so every day below is bookable.
const monday = (() => {
  let d = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 7 });
  while (d.weekday !== 1) d = d.plus({ days: 1 });
  return d.set({ hour: 22, minute: 50 });
})();
const plus = (days: number) => monday.plus({ days });
const spoken = (d: DateTime) =>
  d.setLocale('en-US').toFormat(d.year === monday.year ? 'cccc, LLLL d' : 'cccc, LLLL d, yyyy');

const it = integrationTest({ clinic: { secret: SECRET }, now: () => monday.toMillis() });

const countBookings = async (db: TestDatabase) =>
  (await db.sql<{ n: number }[]>`select count(*)::int as n from bookings`)[0]!.n;

describe('check_availability', () => {
  it('says back the day a rule chose ("next Friday" on a Monday is the Friday of next week) and carries it', async ({
    vapi,
  }) => {
    const reply = await vapi.tool('check_availability', { date: 'next Friday' });
    expect(reply).toMatchObject({ status: 'ok', date: plus(11).toISODate() });
    expect(reply.say.startsWith(`I've taken that as ${spoken(plus(11))}. I have `)).toBe(true);
  });

  it('does not say back a day the caller named outright, but still carries it', async ({ vapi }) => {
    const reply = await vapi.tool('check_availability', { date: 'the day after tomorrow' });
    expect(reply).toMatchObject({ status: 'ok', date: plus(2).toISODate() });
    expect(reply.say).toMatch(/^I have /);
  });

  it('carries the day on an unavailable answer too', async ({ vapi }) => {
    const reply = await vapi.tool('check_availability', { date: 'this Saturday' });
    expect(reply).toMatchObject({ status: 'unavailable', date: plus(5).toISODate() });
    expect(reply.say).toContain(`I've taken that as ${spoken(plus(5))}.`);
    expect(reply.alternatives.length).toBeGreaterThan(0);
  });

  it('refuses a weekday that contradicts its date, naming both', async ({ vapi }) => {
    const wednesday = plus(2);
    const reply = await vapi.tool('check_availability', { date: `Tuesday the ${ordinal(wednesday.day)}` });
    expect(reply.status).toBe('weekday_mismatch');
    expect(reply.say).toBe(
      `${wednesday.setLocale('en-US').toFormat('LLLL d')} is a Wednesday, not a Tuesday; did you mean ${spoken(wednesday)} or ${spoken(plus(1))}?`,
    );
  });

  it('answers a phrase that names no day with unparseable and a form to use', async ({ vapi }) => {
    for (const date of ['sometime soon', 'next week']) {
      const reply = await vapi.tool('check_availability', { date });
      expect(reply.status).toBe('unparseable');
      expect(reply.say).toContain('like "next Tuesday"');
      expect(reply.date).toBeUndefined();
    }
  });
});

describe('booking', () => {
  it('books nothing for a contradicting weekday and date', async ({ db, vapi }) => {
    const before = await countBookings(db);
    const reply = await vapi.tool('book_appointment', {
      date: `Tuesday the ${ordinal(plus(2).day)}`,
      time: '10am',
      patient_name: 'Ann Lee',
    });
    expect(reply.status).toBe('weekday_mismatch');
    expect(await countBookings(db)).toBe(before);
  });

  it('takes "next Friday at half past ten" as that day and time, says the day back and carries it', async ({
    db,
    vapi,
  }) => {
    const before = await countBookings(db);
    const reply = await vapi.tool('book_appointment', {
      date: 'next Friday',
      time: 'half past ten',
      patient_name: 'Ann Lee',
    });
    expect(reply.date).toBe(plus(11).toISODate());
    expect(reply.say.startsWith(`I've taken that as ${spoken(plus(11))}.`)).toBe(true);
    const at = plus(11).set({ hour: 10, minute: 30 }).toJSDate();
    const created = (await countBookings(db)) - before;
    expect(created).toBe(1);
    expect((await db.sql<{ n: number }[]>`select count(*)::int as n from bookings where starts_at = ${at}`)[0]!.n).toBe(
      1,
    );
  });

  it('carries the day on a hold too', async ({ db, vapi }) => {
    const reply = await vapi.tool('reserve_slot', {
      date: 'a week from tomorrow',
      time: 'quarter past two',
      patient_name: 'Bo Diaz',
    });
    expect(reply.date).toBe(plus(8).toISODate());
    const at = plus(8).set({ hour: 14, minute: 15 }).toJSDate();
    expect((await db.sql<{ n: number }[]>`select count(*)::int as n from bookings where starts_at = ${at}`)[0]!.n).toBe(
      1,
    );
  });

  it('carries the day on a refusal that understood one (a day without a time)', async ({ vapi }) => {
    const reply = await vapi.tool('book_appointment', { date: 'Thanksgiving', patient_name: 'Ann Lee' });
    expect(reply.status).toBe('no_time');
    expect(reply.date).toMatch(/^\d{4}-11-2[2-8]$/);
    expect(DateTime.fromISO(reply.date).weekday).toBe(4);
  });
});

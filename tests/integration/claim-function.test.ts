// The database's own guarantees, exercised with plain SQL: no app code between the test and PostgreSQL.
import { describe, expect } from 'vitest';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureSaturday, futureWeekday } from '../helpers/time.ts';

// Tests book on day offsets at least three apart, so skipping a weekend never puts two of them on one day.
const it = integrationTest({ clinic: { secret: 'claim-function-secret-123' } });
let tenantId: string;
let providerId: string;
let otherProviderId: string;
let consultation: string;
let cleaning: string;

// The demo clinic's ids, read once: the tests below name providers and services directly, as SQL callers do.
it.beforeAll(async ({ db, clinic }) => {
  tenantId = clinic.tenantId;
  [providerId, otherProviderId] = (await db.sql<{ id: string }[]>`select id from providers order by name`).map(
    (r) => r.id,
  ) as [string, string];
  [cleaning, consultation] = (
    await db.sql<{ id: string }[]>`select id from services where slug in ('consultation','cleaning') order by slug`
  ).map((r) => r.id) as [string, string];
});

const claim = (
  db: TestDatabase,
  start: Date,
  opts: { provider?: string; service?: string; status?: string; call?: string | null; phone?: string } = {},
) =>
  db.sql<{ outcome: string; bookingId: string | null; status: string | null; expiresAt: Date | null }[]>`
    select * from claim_slot(${tenantId}, ${opts.provider ?? providerId}, ${opts.service ?? consultation}, ${start},
                             ${opts.status ?? 'confirmed'}, ${opts.call === undefined ? 'call-1' : opts.call},
                             ${opts.phone ?? '+16172531000'}, 'Pat Test')`.then((r) => r[0]!);

describe('the EXCLUDE constraint', () => {
  it('rejects a direct INSERT that overlaps an active booking, whatever the app does', async ({ db }) => {
    const start = futureWeekday('10:00', 3).toJSDate();
    const first = await claim(db, start, { call: 'direct-1' });
    expect(first.outcome).toBe('created');
    const overlapping = db.sql`
      insert into bookings (tenant_id, provider_id, service_id, status, starts_at, ends_at, occupied)
      values (${tenantId}, ${providerId}, ${consultation}, 'confirmed',
              ${new Date(start.getTime() + 15 * 60_000)}, ${new Date(start.getTime() + 45 * 60_000)},
              tstzrange(${new Date(start.getTime() + 15 * 60_000)}, ${new Date(start.getTime() + 45 * 60_000)}))`;
    await expect(overlapping).rejects.toMatchObject({ code: '23P01' });
  });

  it('lets a cancelled or expired booking stop occupying the time', async ({ db }) => {
    const start = futureWeekday('11:00', 3).toJSDate();
    const b = await claim(db, start, { call: 'direct-2' });
    await db.sql`update bookings set status = 'cancelled' where id = ${b.bookingId}`;
    expect((await claim(db, start, { call: 'direct-3' })).outcome).toBe('created');
  });
});

describe('claim_slot', () => {
  it('returns the same booking to a repeat from the same call, and a conflict to another call', async ({ db }) => {
    const start = futureWeekday('13:00', 6).toJSDate();
    const a = await claim(db, start, { call: 'repeat-call' });
    const again = await claim(db, start, { call: 'repeat-call' });
    const other = await claim(db, start, { call: 'someone-else' });
    expect(a.outcome).toBe('created');
    expect(again).toMatchObject({ outcome: 'existing', bookingId: a.bookingId });
    expect(other.outcome).toBe('conflict');
  });

  it("counts the service's buffers as occupied time", async ({ db }) => {
    // cleaning: 45 minutes plus 15 after, so 09:00 occupies until 10:00.
    const nine = futureWeekday('09:00', 9);
    expect((await claim(db, nine.toJSDate(), { service: cleaning, call: 'buf-1' })).outcome).toBe('created');
    expect((await claim(db, nine.set({ minute: 45 }).toJSDate(), { call: 'buf-2' })).outcome).toBe('conflict');
    expect((await claim(db, nine.set({ hour: 10 }).toJSDate(), { call: 'buf-3' })).outcome).toBe('created');
  });

  it('refuses closed days, times outside hours, the past, short notice and beyond the horizon — writing nothing', async ({
    db,
  }) => {
    const before =
      await db.sql`select (select count(*) from bookings)::int as b, (select count(*) from patients)::int as p`;
    const weekday = futureWeekday('16:45', 3);
    expect((await claim(db, futureSaturday('10:00').toJSDate(), { call: 'r1', phone: '+16175550001' })).outcome).toBe(
      'closed',
    );
    expect((await claim(db, weekday.toJSDate(), { call: 'r2', phone: '+16175550002' })).outcome).toBe('closed'); // ends 17:15
    expect((await claim(db, weekday.set({ hour: 8 }).toJSDate(), { call: 'r3', phone: '+16175550003' })).outcome).toBe(
      'closed',
    );
    expect((await claim(db, new Date(Date.now() - 3_600_000), { call: 'r4', phone: '+16175550004' })).outcome).toBe(
      'past',
    );
    expect((await claim(db, new Date(Date.now() + 10 * 60_000), { call: 'r5', phone: '+16175550005' })).outcome).toBe(
      'too_soon',
    );
    expect(
      (await claim(db, futureWeekday('10:00', 90).toJSDate(), { call: 'r6', phone: '+16175550006' })).outcome,
    ).toBe('too_far');
    const after =
      await db.sql`select (select count(*) from bookings)::int as b, (select count(*) from patients)::int as p`;
    expect(after).toEqual(before);
  });

  it('honours date exceptions: a closed day, and extra hours on a weekend', async ({ db }) => {
    // Far from the days the other tests book on, whichever weekday today is.
    const closedDay = futureWeekday('10:00', 30);
    await db.sql`insert into date_exceptions (tenant_id, provider_id, on_date, kind)
                 values (${tenantId}, null, ${closedDay.toISODate()}, 'closed')`;
    expect((await claim(db, closedDay.toJSDate(), { call: 'ex-1' })).outcome).toBe('closed');

    const saturday = futureSaturday('10:00', 2);
    await db.sql`insert into date_exceptions (tenant_id, provider_id, on_date, kind, starts, ends)
                 values (${tenantId}, ${otherProviderId}, ${saturday.toISODate()}, 'open', '10:00', '12:00')`;
    expect((await claim(db, saturday.toJSDate(), { call: 'ex-2' })).outcome).toBe('closed');
    expect((await claim(db, saturday.toJSDate(), { call: 'ex-3', provider: otherProviderId })).outcome).toBe('created');
  });

  it('gives holds an expiry and frees the slot once it has passed', async ({ db }) => {
    const start = futureWeekday('14:00', 12).toJSDate();
    const hold = await claim(db, start, { status: 'held', call: 'hold-1' });
    expect(hold.status).toBe('held');
    expect(hold.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect((await claim(db, start, { call: 'hold-2' })).outcome).toBe('conflict');
    await db.sql`update bookings set expires_at = now() - interval '1 second' where id = ${hold.bookingId}`;
    expect((await claim(db, start, { call: 'hold-2' })).outcome).toBe('created');
    const [old] = await db.sql`select status from bookings where id = ${hold.bookingId}`;
    expect(old!.status).toBe('expired');
  });

  it('upgrades its own hold when the same call books the same start directly', async ({ db }) => {
    const start = futureWeekday('15:00', 12).toJSDate();
    const hold = await claim(db, start, { status: 'held', call: 'upgrade' });
    const booked = await claim(db, start, { status: 'confirmed', call: 'upgrade' });
    expect(booked).toMatchObject({
      outcome: 'existing',
      bookingId: hold.bookingId,
      status: 'confirmed',
      expiresAt: null,
    });
  });
});

describe('queue_reminders', () => {
  const queue = (db: TestDatabase, bookingId: string, times: Date[]) =>
    db.sql`select queue_reminders(${tenantId}, ${bookingId}, 'See you soon', ${times.map((t) => t.toISOString())}::timestamptz[])`;
  const reminders = (db: TestDatabase, bookingId: string) =>
    db.sql<{ toE164: string; sendAfter: Date }[]>`
      select to_e164, send_after from sms_outbox where booking_id = ${bookingId} and kind = 'reminder' order by send_after`;

  it("queues one text per instant to the booking's patient, once, and none for a booking not confirmed", async ({
    db,
  }) => {
    const start = futureWeekday('09:00', 15).toJSDate();
    const times = [new Date(start.getTime() - 24 * 3_600_000), new Date(start.getTime() - 2 * 3_600_000)];
    const booked = await claim(db, start, { call: 'remind-1', phone: '+16172531777' });
    await queue(db, booked.bookingId!, times);
    await queue(db, booked.bookingId!, times);
    expect(await reminders(db, booked.bookingId!)).toEqual(
      times.map((sendAfter) => ({ toE164: '+16172531777', sendAfter })),
    );

    const held = await claim(db, futureWeekday('11:00', 15).toJSDate(), { status: 'held', call: 'remind-2' });
    await queue(db, held.bookingId!, times);
    expect(await reminders(db, held.bookingId!)).toEqual([]);
  });
});

// Many callers, one slot, over real HTTP: the database must end with no overlap, and every caller with an answer.
import type { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import type { VapiClient } from '../../testkit/vapi.ts';
import { overlappingPairs } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

// The claim path alone: book_appointment books at once where the clinic needs no code.
const it = integrationTest({ clinic: { secret: 'concurrency-test-secret-01', otpRequired: false } });

const caller = (i: number) => `+1617555${String(1000 + i).padStart(4, '0')}`;

function race(vapi: VapiClient, starts: DateTime[], provider?: string) {
  return Promise.all(
    starts.map((start, i) =>
      vapi.tool(
        'book_appointment',
        { start: iso(start), patient_name: `Caller ${i}`, ...(provider ? { provider } : {}) },
        { customerNumber: caller(i) },
      ),
    ),
  );
}

describe('200 concurrent bookings', () => {
  it('for the same slot and provider: exactly one booked, every other caller offered alternatives', async ({
    db,
    vapi,
  }) => {
    const start = futureWeekday('10:00', 3);
    const replies = await race(
      vapi,
      Array.from({ length: 200 }, () => start),
      'Moreno',
    );
    const booked = replies.filter((r) => r.status === 'booked');
    const unavailable = replies.filter((r) => r.status === 'unavailable');
    expect(booked).toHaveLength(1);
    expect(unavailable).toHaveLength(199);
    expect(
      unavailable.every(
        (r) => r.alternatives.length > 0 && !r.alternatives.some((a: { start: string }) => a.start === iso(start)),
      ),
    ).toBe(true);
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from bookings where starts_at = ${start.toJSDate()} and status in ('held','confirmed')`;
    expect(row!.n).toBe(1);
  });

  it('for the same slot with any provider: one booking per provider, no more', async ({ vapi }) => {
    const start = futureWeekday('11:00', 3);
    const replies = await race(
      vapi,
      Array.from({ length: 200 }, () => start),
    );
    const booked = replies.filter((r) => r.status === 'booked');
    expect(booked.map((r) => r.provider).sort()).toEqual(['Dr. Alice Moreno', 'Dr. Ben Okafor']);
    expect(replies.filter((r) => r.status === 'unavailable')).toHaveLength(198);
  });

  it('for overlapping but different starts of a 30-minute service: no two active bookings overlap', async ({
    db,
    vapi,
  }) => {
    const base = futureWeekday('13:00', 4);
    // Starts every 5 minutes across two hours, each asked for by several callers at once.
    const starts = Array.from({ length: 200 }, (_, i) => base.plus({ minutes: 5 * (i % 24) }));
    const replies = await race(vapi, starts, 'Okafor');
    expect(replies.every((r) => r.status === 'booked' || r.status === 'unavailable')).toBe(true);
    const booked = replies.filter((r) => r.status === 'booked');
    // 13:00–15:25 holds at most four 30-minute appointments, and any maximal choice at least two.
    expect(booked.length).toBeGreaterThanOrEqual(2);
    expect(booked.length).toBeLessThanOrEqual(4);
    expect(await overlappingPairs(db.sql)).toBe(0);
  });
});

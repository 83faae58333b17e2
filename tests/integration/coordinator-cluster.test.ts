// Three real server processes, one PostgreSQL database, one Redis: claims race across instances.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { claimStorm } from '../helpers/claim-storm.ts';
import { createTestDatabase, overlappingPairs, type TestDatabase } from '../helpers/db.ts';
import { type Instances, metric, startInstances } from '../helpers/instances.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'coordinator-cluster-secret-01';
let db: TestDatabase;
let cluster: Instances;
const prefix = `sk-test-${randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  db = await createTestDatabase();
  // The claim path alone: book_appointment books at once where the clinic needs no code.
  await createDemoClinic(db.sql, { secret: SECRET, otpRequired: false });
  cluster = await startInstances(3, {
    databaseUrl: db.url,
    redisUrl: inject('redisUrl'),
    redisKeyPrefix: prefix,
  });
});
afterAll(async () => {
  await cluster?.close();
  await db?.drop();
});

const client = (n: number) => vapiClient(cluster.list[n]!.url, 'demo', SECRET);
const wonOrConflict = async (n: number) =>
  (await metric(cluster.list[n]!, 'slotkeeper_claims_total', { outcome: 'won' })) +
  (await metric(cluster.list[n]!, 'slotkeeper_claims_total', { outcome: 'conflict' }));

describe('three instances sharing PostgreSQL and Redis', () => {
  it('2,000 concurrent claims on a few contested slots: every caller answered, no two bookings overlap', async () => {
    const day = futureWeekday('10:00', 3);
    // 30-minute consultations starting 15 minutes apart: neighbours overlap each other too.
    const starts = [0, 15, 30, 45, 240, 270].map((m) => day.plus({ minutes: m }));
    const replies = await claimStorm({
      instances: cluster.list,
      secret: SECRET,
      total: 2000,
      concurrency: 200,
      starts,
      providers: ['Moreno', 'Okafor', undefined],
    });

    expect(replies).toHaveLength(2000);
    const statuses = new Set(replies.map((r) => r.status));
    expect([...statuses].sort()).toEqual(['booked', 'unavailable']);
    expect(await overlappingPairs(db.sql)).toBe(0);
    // Every "booked" answer is a real row, and every row was answered "booked".
    const booked = replies.filter((r) => r.status === 'booked');
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from bookings where status = 'confirmed'`;
    expect(row!.n).toBe(booked.length);
    // Two providers, and per provider at most one of 10:00/10:15, one of 10:30/10:45, one of 14:00/14:30... and
    // at least one booking each for the morning run and the afternoon run.
    expect(booked.length).toBeGreaterThanOrEqual(4);
    expect(booked.length).toBeLessThanOrEqual(8);
    // Most losers were refused from memory, without reaching the claim function.
    let fast = 0;
    for (const instance of cluster.list)
      fast += await metric(instance, 'slotkeeper_claims_total', { outcome: 'fast_refused' });
    expect(fast).toBeGreaterThan(0);
  });

  it('instance A books a slot; instance B stops offering it at once', async () => {
    const date = futureWeekday('09:00', 5).toISODate()!;
    const ask = () => client(1).tool('check_availability', { date, provider: 'Moreno' });
    const before = await ask();
    expect(before.status).toBe('ok');
    const hits = await metric(cluster.list[1]!, 'slotkeeper_availability_cache_total', { result: 'hit' });
    expect((await ask()).slots).toEqual(before.slots); // served from the cache this time
    expect(await metric(cluster.list[1]!, 'slotkeeper_availability_cache_total', { result: 'hit' })).toBeGreaterThan(
      hits,
    );

    const offered = before.slots[0].start as string;
    const booked = await client(0).tool('book_appointment', {
      start: offered,
      patient_name: 'Ann Lee',
      provider: 'Moreno',
    });
    expect(booked.status).toBe('booked');

    const after = await ask();
    expect(after.status).toBe('ok');
    expect(after.slots.map((s: { start: string }) => s.start)).not.toContain(offered);
  });

  it('a claim on a booking an instance already knows is refused from memory, without a claim in the database', async () => {
    const start = futureWeekday('15:00', 6);
    const first = await client(0).tool(
      'book_appointment',
      { start: iso(start), patient_name: 'Ann Lee', provider: 'Okafor' },
      { customerNumber: '+16175550001' },
    );
    expect(first.status).toBe('booked');

    // Instance A committed it itself; instance C learns it by reading that day's availability.
    await client(2).tool('check_availability', { date: start.toISODate()!, provider: 'Okafor' });
    for (const n of [0, 2]) {
      const fastBefore = await metric(cluster.list[n]!, 'slotkeeper_claims_total', { outcome: 'fast_refused' });
      const databaseBefore = await wonOrConflict(n);
      const again = await client(n).tool(
        'book_appointment',
        { start: iso(start), patient_name: 'Bo Chen', provider: 'Okafor' },
        { customerNumber: '+16175550002' },
      );
      expect(again.status).toBe('unavailable');
      expect(again.alternatives.length).toBeGreaterThan(0);
      expect(await metric(cluster.list[n]!, 'slotkeeper_claims_total', { outcome: 'fast_refused' })).toBe(
        fastBefore + 1,
      );
      expect(await wonOrConflict(n)).toBe(databaseBefore);
    }
    const [row] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from bookings where starts_at = ${start.toJSDate()}`;
    expect(row!.n).toBe(1);
  });

  it('the same tool-call id fired at two instances at once gets one answer and books once, booked or refused', async () => {
    const day = futureWeekday('09:00', 8);
    const rounds = Array.from({ length: 8 }, (_, i) => ({
      toolCallId: `dup-${i}`,
      callId: `dup-call-${i}`,
      customerNumber: `+1617555030${i}`,
    }));
    // Rounds 0–3 each want their own free slot; rounds 4–7 all want the slot round 0 booked, so they are refused.
    const startOf = (i: number) => iso(day.plus({ minutes: (i < 4 ? i : 0) * 30 }));
    for (const [i, call] of rounds.entries()) {
      const ask = (n: number) =>
        client(n).tool('book_appointment', { start: startOf(i), patient_name: 'Dee Dup', provider: 'Moreno' }, call);
      const [a, b] = await Promise.all([ask(0), ask(1)]);
      expect(b, call.toolCallId).toEqual(a);
      expect(a.status).toBe(i < 4 ? 'booked' : 'unavailable');
      // A third delivery, later and elsewhere, still gets that first answer.
      expect(await ask(2)).toEqual(a);
    }
    const rows = await db.sql<{ sourceCallId: string }[]>`
      select source_call_id from bookings where source_call_id like 'dup-call-%' and status = 'confirmed' order by source_call_id`;
    expect(rows.map((r) => r.sourceCallId)).toEqual(['dup-call-0', 'dup-call-1', 'dup-call-2', 'dup-call-3']);
    // The refusals' records reach PostgreSQL too, written behind the answers.
    const recorded = async () => (await db.sql`select 1 from tool_call_results where tool_call_id like 'dup-%'`).length;
    const deadline = Date.now() + 10_000;
    while ((await recorded()) < rounds.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await recorded()).toBe(rounds.length);
  });

  it('a booked tool-call id is still replayed after Redis lost its records: the claim statement checks PostgreSQL', async () => {
    const start = iso(futureWeekday('13:00', 9));
    const call = { toolCallId: 'lost-record-1', callId: 'lost-record-call', customerNumber: '+16175550399' };
    const ask = (n: number) =>
      client(n).tool('book_appointment', { start, patient_name: 'Lu Lost', provider: 'Okafor' }, call);
    const first = await ask(0);
    expect(first.status).toBe('booked');
    const redis = new Redis(inject('redisUrl'));
    try {
      const keys = await redis.keys(`${prefix}replay:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const claimsBefore = await wonOrConflict(1);
    expect(await ask(1)).toEqual(first);
    // Answered from the stored record: the claim itself did not run again.
    expect(await wonOrConflict(1)).toBe(claimsBefore);
    expect(await db.sql`select 1 from bookings where source_call_id = 'lost-record-call'`).toHaveLength(1);
  });
});

// Issue 12, "What broke": each hostile payload an independent run sent to POST /vapi/:tenant, now answered without a
// 500 or a hang, with what can be kept kept and the call's record in step with its machine.
import { describe, expect } from 'vitest';
import type { VapiClient } from '../../testkit/vapi.ts';
import { phoneCall } from '../helpers/calls.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'hostile-input-secret-1';
const logLines: string[] = [];

const it = integrationTest({
  clinic: { secret: SECRET },
  env: { LOG_LEVEL: 'info' },
  logStream: { write: (l) => void logLines.push(l) },
});

let n = 0;
const number = () => `+1617253${String(2000 + n++).padStart(4, '0')}`;
const callRow = (db: TestDatabase, id: string) =>
  db.sql<
    {
      state: string;
      version: number;
      endedReason: string | null;
      summary: string | null;
      transcript: string | null;
      durationSeconds: string | null;
      cost: string | null;
      startedAt: Date | null;
      report: unknown;
    }[]
  >`
    select state, version, ended_reason, summary, transcript, duration_seconds, cost, started_at, report
      from calls where vapi_call_id = ${id}`.then((r) => r[0]);
const eventCount = (db: TestDatabase, id: string) =>
  db.sql<
    { n: number }[]
  >`select count(*)::int as n from call_events e join calls c on c.id = e.call_id where c.vapi_call_id = ${id}`.then(
    (r) => r[0]!.n,
  );

/** A call that has held a slot, so its end has something to release and a report to keep. */
async function heldCall(vapi: VapiClient, hour: string) {
  const call = phoneCall(vapi, number());
  const held = await call.tool('reserve_slot', { start: iso(futureWeekday(hour, 4)), patient_name: 'Lee Park' });
  expect(held.status).toBe('held');
  return call;
}

const report = (
  vapi: VapiClient,
  call: { id: string; number: string },
  fields: Record<string, unknown>,
  raw?: (json: string) => string,
) => {
  const body = JSON.stringify({
    message: {
      type: 'end-of-call-report',
      endedReason: 'customer-ended-call',
      call: { id: call.id, customer: { number: call.number } },
      ...fields,
    },
  });
  return vapi.post(undefined, { raw: raw ? raw(body) : body });
};

describe('a NUL character in a string that reaches PostgreSQL', () => {
  it('in a patient name: the hold is made with the NUL removed, not internal_error', async ({ db, vapi }) => {
    const call = phoneCall(vapi, number());
    const held = await call.tool('reserve_slot', {
      start: iso(futureWeekday('09:00', 4)),
      patient_name: 'Lee\u0000 Park',
    });
    expect(held).toMatchObject({ field: 'result', status: 'held' });
    const [row] = await db.sql<{ name: string }[]>`
      select p.name from bookings b join patients p on p.id = b.patient_id where b.source_call_id = ${call.id}`;
    expect(row?.name).toBe('Lee Park');
  });

  it('in the caller number: answered, and the number stored without it', async ({ vapi }) => {
    const call = phoneCall(vapi, '+1617253\u00009999');
    const reply = await call.tool('check_availability', { date: iso(futureWeekday('09:00', 4)).slice(0, 10) });
    expect(reply.status).not.toBe('internal_error');
  });

  it('in endedReason and summary of the report: stored without the NUL', async ({ db, vapi }) => {
    const call = await heldCall(vapi, '09:30');
    const res = await report(vapi, call, {
      endedReason: 'customer\u0000-ended-call',
      summary: 'Wants\u0000 a cleaning.',
    });
    expect(res.status).toBe(200);
    expect(await callRow(db, call.id)).toMatchObject({
      state: 'ended',
      endedReason: 'customer-ended-call',
      summary: 'Wants a cleaning.',
    });
  });
});

describe('a lone UTF-16 surrogate (half an emoji)', () => {
  it('at the end of a transcript: the report is stored with U+FFFD in its place', async ({ db, vapi }) => {
    const call = await heldCall(vapi, '10:00');
    // JSON.stringify writes a lone surrogate as the escape \ud83d, as a broken client would.
    const res = await report(vapi, call, {
      artifact: { transcript: 'User: thanks \ud83d' },
      analysis: { summary: 'ok \ud83d' },
    });
    expect(res.status).toBe(200);
    expect(await callRow(db, call.id)).toMatchObject({ state: 'ended', transcript: 'User: thanks \ufffd' });
  });

  it('in a tool argument: the transition is saved, so the stored call and the machine stay in step', async ({
    db,
    vapi,
  }) => {
    const call = phoneCall(vapi, number());
    const held = await call.tool('reserve_slot', { start: iso(futureWeekday('10:30', 4)), patient_name: 'Ana \ud83d' });
    expect(held).toMatchObject({ field: 'result', status: 'held' });
    const row = await callRow(db, call.id);
    expect(row?.state).toBe('held');
    expect(await eventCount(db, call.id)).toBe(row!.version);
    expect(logLines.some((l) => l.includes('call transition not saved'))).toBe(false);
  });
});

describe('numbers and dates out of range in the report', () => {
  it('a call that "started in 2000": no duration overflow, the rest kept', async ({ db, vapi }) => {
    const call = await heldCall(vapi, '11:00');
    const res = await report(vapi, call, {
      startedAt: '2000-01-01T00:00:00.000Z',
      endedAt: new Date().toISOString(),
      summary: 'Old start.',
    });
    expect(res.status).toBe(200);
    expect(await callRow(db, call.id)).toMatchObject({
      state: 'ended',
      summary: 'Old start.',
      durationSeconds: null,
      startedAt: null,
    });
  });

  it.for<[string, Record<string, unknown>]>([
    ['cost 1e308', { cost: 1e308 }],
    ['startedAt in year -1', { startedAt: '-000001-01-01T00:00:00.000Z', endedAt: new Date().toISOString() }],
    ['startedAt at the end of JavaScript time', { startedAt: '+275760-09-13T00:00:00.000Z' }],
    ['a negative cost', { cost: -5 }],
  ])('%s: stored without the value', async ([, fields], { db, vapi }) => {
    const call = await heldCall(vapi, '11:30');
    const res = await report(vapi, call, { ...fields, summary: 'Kept.' });
    expect(res.status).toBe(200);
    expect(await callRow(db, call.id)).toMatchObject({ state: 'ended', summary: 'Kept.', cost: null, startedAt: null });
  });

  it('a status-update with a date beyond any calendar is acknowledged', async ({ vapi }) => {
    const call = phoneCall(vapi, number());
    const res = await vapi.post({
      message: { type: 'status-update', status: 'in-progress', timestamp: '+275760-09-13', call: { id: call.id } },
    });
    expect(res.status).toBe(200);
  });
});

describe('deep nesting', () => {
  it('structuredData 5,000 levels deep: the call ends, the report keeps its plain fields and says what was dropped', async ({
    db,
    vapi,
  }) => {
    const call = await heldCall(vapi, '12:00');
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const res = await report(vapi, call, { summary: 'Deep one.' }, (json) =>
      json.replace('"endedReason"', `"analysis":{"summary":"Kept \\u0000too.","structuredData":${deep}},"endedReason"`),
    );
    expect(res.status).toBe(200);
    const row = await callRow(db, call.id);
    expect(row).toMatchObject({ state: 'ended', endedReason: 'customer-ended-call', summary: 'Kept too.' });
    expect((row!.report as { slotkeeperNote: string }).slotkeeperNote).toMatch(/nested more than 64 levels/);
    expect(JSON.stringify(row?.report)).not.toContain('structuredData');
  });

  it('arrays nested 5,000+ deep, 30 at once: every one answered', async ({ vapi }) => {
    const deep = '['.repeat(6000) + ']'.repeat(6000);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        vapi.post(undefined, {
          raw: `{"message":{"type":"end-of-call-report","call":{"id":"deep-${i}"},"artifact":{"messages":${deep}}}}`,
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
  });
  it('tool calls whose arguments are nested 5,000 deep: a 400 that says so, and nothing written', async ({
    db,
    vapi,
  }) => {
    const before = await db.sql<{ n: number }[]>`select count(*)::int as n from bookings`;
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const res = await vapi.post(undefined, {
      raw: `{"message":{"type":"tool-calls","call":{"id":"deep-tools"},"toolCallList":[{"id":"tc","type":"function","function":{"name":"book_appointment","arguments":${deep}}}]}}`,
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toMatch(/nested more than 64 levels deep; flatten it/);
    const after = await db.sql<{ n: number }[]>`select count(*)::int as n from bookings`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe('wrong types where the report has objects', () => {
  it.for<[string, Record<string, unknown>]>([
    ['analysis: 1', { analysis: 1 }],
    ['transcript: false', { transcript: false }],
    ['artifact: "x", analysis: []', { artifact: 'x', analysis: [] }],
    ['structuredData as a string', { analysis: { structuredData: 'yes' } }],
  ])('%s: the call ends and the report is kept', async ([, fields], { db, vapi }) => {
    const call = await heldCall(vapi, '13:00');
    const res = await report(vapi, call, { ...fields, summary: 'Typed wrong.' });
    expect(res.status).toBe(200);
    expect(await callRow(db, call.id)).toMatchObject({ state: 'ended', summary: 'Typed wrong.' });
  });
});

describe('found by the fuzz suite', () => {
  it('an end-of-call report for a call id longer than any call id: refused with a sentence, not a 500', async ({
    vapi,
  }) => {
    const res = await report(vapi, { id: '9'.repeat(400), number: '+16172534003' }, { summary: 'x' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/message\.call\.id/);
  });
});

describe('the report columns in the database (migration 011)', () => {
  it('refuse a duration beyond a day or below zero, and a negative cost, whoever writes them', async ({ db, vapi }) => {
    const call = await heldCall(vapi, '14:00');
    for (const set of [db.sql`duration_seconds = 86401`, db.sql`duration_seconds = -1`, db.sql`cost = -0.01`]) {
      await expect(db.sql`update calls set ${set} where vapi_call_id = ${call.id}`).rejects.toMatchObject({
        code: '23514',
      });
    }
  });
});

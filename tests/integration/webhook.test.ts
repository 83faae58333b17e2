// The Vapi webhook over real HTTP: credentials, bad input of every kind, the tool answers, idempotency.
import { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { endOfCallReportBody, readReply, statusUpdateBody, toolCallsBody, vapiClient } from '../../testkit/vapi.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { futureSaturday, futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'webhook-test-secret-0001';
const OTHER_SECRET = 'webhook-test-secret-0002';
const it = integrationTest({ clinic: { secret: SECRET } });
// A second clinic, whose secret must not open the first one's webhook.
it.beforeAll(async ({ db }) => {
  await createDemoClinic(db.sql, { secret: OTHER_SECRET, slug: 'other' });
});

const countBookings = async (db: TestDatabase) =>
  (await db.sql<{ n: number }[]>`select count(*)::int as n from bookings`)[0]!.n;
const availability = toolCallsBody([{ name: 'check_availability', args: {} }]);

describe('authentication', () => {
  const post = (server: RunningServer, headers: Record<string, string>, slug = 'demo') =>
    fetch(`${server.url}/vapi/${slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(availability),
    });

  it('refuses a request with no credential, a wrong one, or another clinic’s', async ({ server }) => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${OTHER_SECRET}` },
      { 'x-vapi-secret': OTHER_SECRET },
    ];
    for (const headers of attempts) {
      const res = await post(server, headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/unauthorized/i);
    }
  });

  it('refuses an unknown clinic with the same answer as a wrong secret', async ({ server }) => {
    const res = await post(server, { authorization: `Bearer ${SECRET}` }, 'no-such-clinic');
    expect(res.status).toBe(401);
  });

  it('accepts the Bearer token and the legacy X-Vapi-Secret header', async ({ server }) => {
    expect((await post(server, { authorization: `Bearer ${SECRET}` })).status).toBe(200);
    expect((await post(server, { 'x-vapi-secret': SECRET })).status).toBe(200);
    expect((await post(server, { authorization: `Bearer ${OTHER_SECRET}` }, 'other')).status).toBe(200);
  });

  it('checks the credential before reading the body', async ({ vapi }) => {
    const res = await vapi.post(undefined, { raw: '{not json', headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 and a sentence', async ({ vapi }) => {
    const res = await vapi.post(undefined, { raw: '{"message": {"type": "tool-calls",' });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('The request body is not valid JSON.');
  });

  it('answers a body that is not a Vapi message with 400', async ({ vapi }) => {
    const res = await vapi.post({ hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/Vapi server message/);
  });

  it('answers an oversized body with 413 and books nothing', async ({ db, vapi }) => {
    const before = await countBookings(db);
    const huge = toolCallsBody([
      {
        name: 'book_appointment',
        args: { patient_name: 'x'.repeat(3 * 1024 * 1024), start: iso(futureWeekday('10:00')) },
      },
    ]);
    const res = await vapi.post(huge);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatch(/too large/);
    expect(await countBookings(db)).toBe(before);
  });

  it('acknowledges message types it does not act on with 200 {}', async ({ vapi }) => {
    for (const type of ['status-update', 'conversation-update', 'hang', 'speech-update', 'something-new']) {
      const res = await vapi.post({ message: { type, call: { id: 'c1' } } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({});
    }
  });

  it('acknowledges a status-update or end-of-call-report without a call, and says so in the log', async ({ db }) => {
    const lines: string[] = [];
    const logged = await startServer(db.sql, {
      env: { LOG_LEVEL: 'warn' },
      logStream: { write: (line) => void lines.push(line) },
    });
    try {
      const client = vapiClient(logged.url, 'demo', SECRET);
      for (const body of [
        statusUpdateBody({ status: 'ended', endedReason: 'customer-ended-call' }, null),
        endOfCallReportBody({}, null),
      ]) {
        const res = await client.post(body);
        expect(res.status).toBe(200);
        expect(res.json).toEqual({});
      }
      const warnings = lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'call message without a call id: acknowledged, nothing recorded');
      expect(warnings.map((w) => w.messageType)).toEqual(['status-update', 'end-of-call-report']);
      expect(warnings[0]).toMatchObject({ tenant: 'demo', status: 'ended' });
    } finally {
      await logged.close();
    }
  });

  it('answers an unknown tool with a speakable sentence in the result', async ({ vapi }) => {
    const reply = await vapi.tool('launch_rocket', {});
    expect(reply).toMatchObject({ field: 'result', status: 'unknown_tool' });
    expect(reply.say).toMatch(/check_availability/);
  });

  it('answers wrong argument types and missing arguments with a sentence, writing nothing', async ({ db, vapi }) => {
    const before = await countBookings(db);
    const missing = await vapi.tool('book_appointment', { start: iso(futureWeekday('10:00')) });
    expect(missing).toMatchObject({ field: 'result', status: 'invalid_arguments' });
    expect(missing.say).toMatch(/patient_name is required/);
    const wrongType = await vapi.tool('book_appointment', { start: 42, patient_name: ['a'] });
    expect(wrongType).toMatchObject({ field: 'result', status: 'invalid_arguments' });
    const badEnum = await vapi.tool('check_availability', { time_of_day: 'midnight' });
    expect(badEnum.say).toMatch(/time_of_day must be one of morning, afternoon, evening/);
    const notJson = await vapi.tool('check_availability', '{"date": tomorrow');
    expect(notJson).toMatchObject({ field: 'result', status: 'invalid_arguments' });
    expect(await countBookings(db)).toBe(before);
  });

  it('refuses closed days, past times, impossible dates and bad phone numbers, writing nothing', async ({
    db,
    vapi,
  }) => {
    const before = await countBookings(db);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ start: iso(futureSaturday('10:00')), patient_name: 'Ann Lee' }, 'closed'],
      [
        {
          date: DateTime.now().setZone('America/New_York').minus({ days: 2 }).toISODate(),
          time: '10:00',
          patient_name: 'Ann Lee',
        },
        'past',
      ],
      [{ date: 'the thirty-first of blorptember', time: '10:00', patient_name: 'Ann Lee' }, 'unparseable'],
      [{ start: iso(futureWeekday('10:00')), patient_name: 'Ann Lee', patient_email: 'not-an-email' }, 'invalid_email'],
      [{ start: iso(futureWeekday('10:00')), patient_name: 'Ann Lee', service: 'brain surgery' }, 'unknown_service'],
    ];
    for (const [args, status] of cases) {
      const reply = await vapi.tool('book_appointment', args);
      expect(reply, JSON.stringify(args)).toMatchObject({ field: 'result', status });
      expect(reply.say.length).toBeGreaterThan(10);
      expect(reply.say).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    }
    // A caller number the clinic's country cannot read.
    const badNumber = await vapi.tool(
      'book_appointment',
      { start: iso(futureWeekday('10:00')), patient_name: 'Ann Lee' },
      { customerNumber: '12' },
    );
    expect(badNumber).toMatchObject({ field: 'result', status: 'invalid_phone' });
    expect(await countBookings(db)).toBe(before);
  });

  it('needs a phone number when the call has none (a web call)', async ({ vapi }) => {
    const reply = await vapi.tool(
      'book_appointment',
      { start: iso(futureWeekday('10:30', 9)), patient_name: 'Web Caller' },
      { customerNumber: null },
    );
    expect(reply).toMatchObject({ field: 'result', status: 'missing_phone' });
  });
});

describe('tools', () => {
  it('check_availability offers a few future slots with ISO start, provider and a spoken label', async ({ vapi }) => {
    const day = futureWeekday('00:00', 3);
    const reply = await vapi.tool('check_availability', { date: day.toISODate(), time_of_day: 'afternoon' });
    expect(reply).toMatchObject({ field: 'result', status: 'ok' });
    expect(reply.slots.length).toBeGreaterThan(0);
    expect(reply.slots.length).toBeLessThanOrEqual(3);
    for (const slot of reply.slots) {
      const start = DateTime.fromISO(slot.start, { setZone: true });
      expect(start.toISODate()).toBe(day.toISODate());
      expect(start.hour).toBeGreaterThanOrEqual(12);
      expect(['Dr. Alice Moreno', 'Dr. Ben Okafor']).toContain(slot.provider);
      expect(reply.say).toContain(slot.label);
    }
  });

  it('check_availability with no date offers the earliest openings, in order, honouring the time of day', async ({
    vapi,
  }) => {
    const reply = await vapi.tool('check_availability', { time_of_day: 'morning' });
    expect(reply).toMatchObject({ field: 'result', status: 'ok' });
    const starts = reply.slots.map((s: { start: string }) => DateTime.fromISO(s.start, { setZone: true }));
    expect(starts).toHaveLength(3);
    expect(starts.every((d: DateTime, i: number) => i === 0 || d > starts[i - 1])).toBe(true);
    expect(
      starts.every((d: DateTime) => d.toMillis() > Date.now() + 60 * 60_000 && d.setZone('America/New_York').hour < 12),
    ).toBe(true);
    // The earliest opening comes first: nothing free that morning before it was skipped.
    const earlier = await vapi.tool('check_availability', { date: starts[0].toISODate(), time_of_day: 'morning' });
    expect(earlier.slots[0].start).toBe(reply.slots[0].start);
  });

  it('accepts arguments sent as a JSON string', async ({ vapi }) => {
    const reply = await vapi.tool(
      'check_availability',
      JSON.stringify({ date: futureWeekday('00:00', 3).toISODate() }),
    );
    expect(reply).toMatchObject({ field: 'result', status: 'ok' });
  });

  it('book_appointment on a clinic with codes holds the slot under the caller’s number (whatever the model says) and sends the code', async ({
    db,
    vapi,
  }) => {
    const start = futureWeekday('11:00', 4);
    const args = { start: iso(start), patient_name: 'mary o’brien', provider: 'Moreno', patient_phone: '+16175550000' };
    const reply = await vapi.tool('book_appointment', args, { customerNumber: '(617) 253-1000' });
    expect(reply).toMatchObject({
      field: 'result',
      status: 'code_sent',
      provider: 'Dr. Alice Moreno',
      service: 'consultation',
      phone_last4: '1000',
    });
    expect(reply.say).toMatch(/^I'm holding .+ for 10 minutes\. I've texted a code to the number ending in 1000/);
    const [row] =
      await db.sql`select b.status, b.starts_at, p.phone_e164, p.name from bookings b join patients p on p.id = b.patient_id where b.id = ${reply.hold_id}`;
    expect(row).toMatchObject({ status: 'held', phoneE164: '+16172531000', name: 'Mary O’Brien' });
    expect(row!.startsAt.getTime()).toBe(start.toMillis());
    const codes = await db.sql`select phone_e164 from otp_challenges where booking_id = ${reply.hold_id}`;
    expect(codes).toEqual([{ phoneE164: '+16172531000' }]);
  });

  it('offers alternatives when the slot is taken', async ({ vapi }) => {
    const start = futureWeekday('14:00', 4);
    const first = await vapi.tool('book_appointment', {
      start: iso(start),
      patient_name: 'Ann Lee',
      provider: 'Okafor',
    });
    expect(first.status).toBe('code_sent');
    const second = await vapi.tool(
      'book_appointment',
      { start: iso(start), patient_name: 'Bob Stone', provider: 'Okafor' },
      { customerNumber: '+16175551234' },
    );
    expect(second).toMatchObject({ field: 'result', status: 'unavailable' });
    expect(second.alternatives.length).toBeGreaterThan(0);
    expect(second.alternatives.every((a: { start: string }) => a.start !== iso(start))).toBe(true);
    expect(second.say).toContain(second.alternatives[0].label);
  });

  it('moves a date whose year is stale to its next occurrence and says so', async ({ vapi }) => {
    const target = futureWeekday('10:00', 10);
    const stale = target.minus({ years: 2 });
    const reply = await vapi.tool(
      'book_appointment',
      { date: stale.toISODate(), time: '10:00', patient_name: 'Old Year' },
      { customerNumber: '+16175559876' },
    );
    expect(reply.status).toBe('code_sent');
    expect(DateTime.fromISO(reply.start, { setZone: true }).toISODate()).toBe(target.toISODate());
    expect(reply.say).toMatch(/I've taken that as/);
  });

  it('returns the first answer to a repeated tool-call id and books nothing new', async ({ db, vapi }) => {
    const start = futureWeekday('15:30', 5);
    const args = { start: iso(start), patient_name: 'Dee Dupe' };
    const first = await vapi.tool('book_appointment', args, { toolCallId: 'call_dup_1', callId: 'dup-call' });
    const before = await countBookings(db);
    const again = await vapi.tool('book_appointment', args, { toolCallId: 'call_dup_1', callId: 'dup-call' });
    expect(again).toEqual(first);
    expect(await countBookings(db)).toBe(before);
  });

  it('finds the static parameters where Vapi merges them: the arguments, the message or the request body', async ({
    db,
    vapi,
  }) => {
    const start = futureWeekday('09:30', 11);
    const cases = [
      { at: 'arguments', number: '+16175550201' },
      { at: 'message', number: '+16175550202' },
      { at: 'body', number: '+16175550203' },
    ];
    for (const [i, { at, number }] of cases.entries()) {
      const vapiCallId = `static-${at}-${Date.now()}`;
      const statics = { caller_number: number, vapi_call_id: vapiCallId };
      const args = {
        start: iso(start.plus({ minutes: 30 * i })),
        patient_name: 'Stat Ick',
        ...(at === 'arguments' ? statics : {}),
      };
      // A message with neither call nor customer: only the static parameters say who is calling, and in which call.
      const { call: _call, customer: _customer, ...message } = toolCallsBody([{ name: 'reserve_slot', args }]).message;
      const body =
        at === 'body' ? { ...statics, message } : { message: at === 'message' ? { ...message, ...statics } : message };
      const [entry] = await vapi.toolCalls(body);
      const reply = readReply(entry!);
      expect(reply, at).toMatchObject({ field: 'result', status: 'held' });
      const [row] =
        await db.sql`select p.phone_e164, c.vapi_call_id from bookings b join patients p on p.id = b.patient_id
                                   left join calls c on c.vapi_call_id = b.source_call_id where b.id = ${reply.hold_id}`;
      expect(row, at).toEqual({ phoneE164: number, vapiCallId });
    }
  });

  it('answers several tool calls in one message in order, with matching ids', async ({ vapi }) => {
    const body = toolCallsBody([
      { id: 'tc_a', name: 'check_availability', args: {} },
      { id: 'tc_b', name: 'nope', args: {} },
      { id: 'tc_c', name: 'check_availability', args: { time_of_day: 'morning' } },
    ]);
    const results = await vapi.toolCalls(body);
    expect(results.map((r) => [r.toolCallId, r.name])).toEqual([
      ['tc_a', 'check_availability'],
      ['tc_b', 'nope'],
      ['tc_c', 'check_availability'],
    ]);
    expect(readReply(results[1]!).status).toBe('unknown_tool');
  });
});

describe('operations', () => {
  it('reports database health and per-tool metrics', async ({ server }) => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/slotkeeper_tool_calls_total\{tool="check_availability",status="ok"\} [1-9]/);
    expect(metrics).toMatch(/slotkeeper_tool_call_duration_seconds_bucket\{le="0.005",tool="book_appointment"\}/);
  });
});

// A call step is one transaction: the call's lock, its transitions, its effect and the effect's outbox rows commit
// together (docs/performance.md counts the statements). Counted from what the server's pool sends to PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../../src/db/client.ts';
import { SecretBox } from '../../src/security/secret-box.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { type FakeTwilio, startFakeTwilio } from '../../testkit/fake-twilio.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { codeFrom, eventually, phoneCall, startServerWithTwilio } from '../helpers/calls.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import type { RunningServer } from '../helpers/server.ts';
import { futureWeekday } from '../helpers/time.ts';

const SECRET = 'call-statements-secret-01';

let db: TestDatabase;
let sql: Sql;
let twilio: FakeTwilio;
let server: RunningServer;
const sent: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  twilio = await startFakeTwilio();
  sql = connect(db.url, { max: 10, debug: (_, query) => sent.push(query.trim().toLowerCase()) });
  await createDemoClinic(db.sql, { secret: SECRET });
  // No sweeps on a timer: what is counted is what the steps send (and the SMS dispatcher, which opens no transaction).
  server = await startServerWithTwilio(sql, twilio, {
    secretsKey: SecretBox.generateKey(),
    env: { SMS_DISPATCH_INTERVAL_MS: '60000', HOLD_SWEEP_INTERVAL_MS: '60000' },
  });
});

afterAll(async () => {
  await server.close();
  await sql.end();
  await twilio.close();
  await db.drop();
});

/** The transactions a step opened and committed. */
async function transactionsOf(run: () => Promise<unknown>): Promise<{ begins: number; commits: number }> {
  sent.length = 0;
  await run();
  return { begins: sent.filter((q) => q === 'begin').length, commits: sent.filter((q) => q === 'commit').length };
}

describe('a call step', () => {
  it('is one transaction: reserve (after its call is on record), send the code, verify and confirm', async () => {
    const call = phoneCall(vapiClient(server.url, 'demo', SECRET), '+16172530001');
    const offer = await call.tool('check_availability', {
      date: futureWeekday('00:00', 3).toISODate(),
      provider: 'Moreno',
    });
    const start = offer.slots[0].start;

    // The step; the call's row (sql/functions/insert_call.sql) and the claim (the slot coordinator's) are one
    // statement each, committed on their own.
    expect(
      await transactionsOf(async () => {
        const held = await call.tool('reserve_slot', { start, patient_name: 'Ann Lee', provider: 'Moreno' });
        expect(held.status).toBe('held');
      }),
    ).toEqual({ begins: 1, commits: 1 });
    expect(sent.filter((q) => q.includes('insert_call(')).length).toBe(1);

    // The opt-out look-up is one statement (sql/functions/is_opted_out.sql); the code's challenge and its text are
    // queued in the step's transaction.
    expect(await transactionsOf(async () => expect((await call.tool('send_otp')).status).toBe('sent'))).toEqual({
      begins: 1,
      commits: 1,
    });
    expect(sent.filter((q) => q.includes('is_opted_out(')).length).toBe(1);
    const [text] = await twilio.waitFor(call.number, 1);

    // The code checked and consumed, the hold confirmed, its text and reminders queued: one commit.
    expect(
      await transactionsOf(async () => {
        const booked = await call.tool('verify_otp', { code: codeFrom(text!.body) });
        expect(booked.status).toBe('booked');
        await twilio.waitFor(call.number, 2);
      }),
    ).toEqual({ begins: 1, commits: 1 });

    // The end of a booked call has no hold left to release: the step, then why the call ended (end-call.ts).
    expect(await transactionsOf(async () => expect(await call.hangUp()).toBe(200))).toEqual({ begins: 2, commits: 2 });
    const [row] = await db.sql<{ state: string }[]>`select state from calls where vapi_call_id = ${call.id}`;
    expect(row?.state).toBe('ended');
    const trail = await eventually(
      () => db.sql<{ n: number }[]>`select count(*)::int as n from call_events e join calls c on c.id = e.call_id
                                     where c.vapi_call_id = ${call.id}`,
      (rows) => rows[0]!.n > 0,
    );
    const [version] = await db.sql<{ version: number }[]>`select version from calls where vapi_call_id = ${call.id}`;
    // Every transition is in the audit trail, one event per version, though a step saves them in one statement.
    expect(trail[0]!.n).toBe(version!.version);
  });
});

describe('a pass of the SMS dispatcher', () => {
  it('claims what is due in one statement and marks every message it sent in one more', async () => {
    const [clinic] = await db.sql<{ id: string }[]>`select id from tenants where slug = 'demo'`;
    const numbers = Array.from({ length: 5 }, (_, i) => `+1617253${String(1000 + i).padStart(4, '0')}`);
    await db.sql`
      insert into sms_outbox (tenant_id, kind, to_e164, body, dedupe_key)
      select ${clinic!.id}, 'alert', n, 'batched pass ' || n, 'batched:' || n from unnest(${numbers}::text[]) n`;
    // A code sent on a call nudges the dispatcher: its pass takes the five queued messages and the code together.
    const call = phoneCall(vapiClient(server.url, 'demo', SECRET), '+16172530002');
    const held = await call.tool('reserve_slot', { start: futureWeekday('10:00', 4).toISO()!, patient_name: 'Bo Wu' });
    expect(held.status).toBe('held');
    // Counted from here: an earlier test's pass has long finished marking its own messages.
    sent.length = 0;
    expect((await call.tool('send_otp')).status).toBe('sent');
    for (const n of [...numbers, call.number]) await twilio.waitFor(n, 1);
    await eventually(
      () =>
        db.sql<
          { n: number }[]
        >`select count(*)::int as n from sms_outbox where status = 'sent' and to_e164 = any(${[...numbers, call.number]}::text[])`,
      (rows) => rows[0]!.n === 6,
    );
    const marks = sent.filter((q) => q.startsWith("update sms_outbox o set status = 'sent'"));
    const claims = sent.filter((q) => q.includes('with due as'));
    expect(marks.length).toBe(1);
    expect(claims.length).toBe(1);
  });
});

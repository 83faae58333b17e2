// A call survives a restart and moves between instances; the outbox retries without sending twice; the audit trail
// replays to the stored state.
import { describe, expect } from 'vitest';
import type { CallInput } from '../../machines/call-machine.ts';
import { replayCall } from '../../src/calls/replay-call.ts';
import { saveTransitions } from '../../src/db/queries/calls.ts';
import { withTenant } from '../../src/db/tenant-scope.ts';
import { SecretBox } from '../../src/security/secret-box.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { codeFrom, eventually, type PhoneCall, phoneCall, startServerWithTwilio, wrongCode } from '../helpers/calls.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'call-durability-secret-1';
// One deployment: every instance has the same SECRETS_KEY (sealed code texts, the derived OTP pepper).
const KEY = SecretBox.generateKey();
// No file server: `start` starts one more instance of the deployment on the file's database and fake Twilio.
const it = integrationTest({ clinic: { secret: SECRET }, twilio: true }).extend(
  'start',
  { scope: 'file' },
  async ({ db, twilio }) =>
    (): Promise<RunningServer> =>
      startServerWithTwilio(db.sql, twilio, { secretsKey: KEY }),
);

/** One call on a fresh server of the deployment, closed afterwards. */
async function withCall(
  start: () => Promise<RunningServer>,
  number: string,
  run: (call: PhoneCall) => Promise<void>,
): Promise<void> {
  const server = await start();
  try {
    await run(phoneCall(vapiClient(server.url, 'demo', SECRET), number));
  } finally {
    await server.close();
  }
}
// The appointment's reminder waits for its day (docs/sms-replies-reminders-waitlist.md): not part of these sends.
const outboxOf = (db: TestDatabase, number: string) =>
  db.sql<{ kind: string; status: string; attempts: number }[]>`
    select kind, status, attempts from sms_outbox where to_e164 = ${number} and kind <> 'reminder' order by created_at`;

describe('restart in the middle of a call', () => {
  it('stops after send_otp; a new server on the same database verifies the code and books, nothing sent twice', async ({
    db,
    twilio,
    start,
  }) => {
    const number = '+16172531101';
    const first = await start();
    const before = phoneCall(vapiClient(first.url, 'demo', SECRET), number);
    const held = await before.tool('reserve_slot', { start: iso(futureWeekday('10:00', 3)), patient_name: 'Lee Park' });
    expect(held.status).toBe('held');
    expect((await before.tool('send_otp')).status).toBe('sent');
    const code = codeFrom((await twilio.waitFor(number, 1))[0]!.body);
    await first.close();

    const second = await start();
    try {
      const after = phoneCall(vapiClient(second.url, 'demo', SECRET), number, before.id);
      expect(await after.tool('verify_otp', { code })).toMatchObject({
        status: 'booked',
        appointment_id: held.hold_id,
      });
      await twilio.waitFor(number, 2);
      const outbox = await eventually(
        () => outboxOf(db, number),
        (rows) => rows.every((r) => r.status === 'sent'),
      );
      expect(outbox).toEqual([
        { kind: 'otp', status: 'sent', attempts: 1 },
        { kind: 'confirmation', status: 'sent', attempts: 1 },
      ]);
      expect(twilio.messages.filter((m) => m.to === number)).toHaveLength(2);
      const seqs = await db.sql<{ seq: number }[]>`
        select seq from call_events e join calls c on c.id = e.call_id where c.vapi_call_id = ${before.id} order by seq`;
      expect(seqs.map((s) => s.seq)).toEqual(seqs.map((_, i) => i + 1));
    } finally {
      await second.close();
    }
  });

  it('two instances serve one call in turn, each picking up what the other saved', async ({ twilio, start }) => {
    const number = '+16172531102';
    const [a, b] = await Promise.all([start(), start()]);
    try {
      const onA = phoneCall(vapiClient(a.url, 'demo', SECRET), number);
      const onB = phoneCall(vapiClient(b.url, 'demo', SECRET), number, onA.id);
      expect(
        (await onA.tool('reserve_slot', { start: iso(futureWeekday('11:30', 3)), patient_name: 'Max Ng' })).status,
      ).toBe('held');
      expect((await onB.tool('send_otp')).status).toBe('sent');
      const code = codeFrom((await twilio.waitFor(number, 1))[0]!.body);
      expect((await onA.tool('verify_otp', { code })).status).toBe('booked');
      expect((await onB.tool('send_otp')).status).toBe('already_booked');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('concurrent webhooks for one call are handled one at a time', async ({ db, twilio, start }) => {
    const number = '+16172531103';
    await withCall(start, number, async (call) => {
      const held = await call.tool('reserve_slot', { start: iso(futureWeekday('14:00', 3)), patient_name: 'Ned Oh' });
      // Six at once: taken one at a time, the first three send (a code, then two resends: the limit per hold), the
      // rest are refused. Interleaved, several would pass the same check or clash in the machine.
      const replies = await Promise.all(Array.from({ length: 6 }, () => call.tool('send_otp')));
      expect(replies.filter((r) => r.status === 'sent')).toHaveLength(3);
      expect(replies.filter((r) => r.status === 'rate_limited')).toHaveLength(3);
      const [challenges] = await db.sql<{ all: number; live: number }[]>`
        select count(*)::int as all, count(*) filter (where superseded_at is null)::int as live
          from otp_challenges where booking_id = ${held.hold_id}`;
      expect(challenges).toEqual({ all: 3, live: 1 });
      const seqs = await db.sql<{ seq: number; stateBefore: string; stateAfter: string }[]>`
        select seq, state_before, state_after from call_events e join calls c on c.id = e.call_id
         where c.vapi_call_id = ${call.id} order by seq`;
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!.stateBefore).toBe(seqs[i - 1]!.stateAfter);
      await twilio.waitFor(number, 3);
    });
  });
});

describe('an escalated call ended on another instance meanwhile', () => {
  it('stays ended: the release of the escalated hold does not save over the end', async ({ db, twilio, start }) => {
    const number = '+16172531109';
    const [a, b] = await Promise.all([start(), start()]);
    // The first release_hold after this waits, before it locks any row, on an advisory lock the test holds: A's
    // release of the escalated hold is then still under way when B is told the call ended.
    const GATE = 730_001;
    const gate = await db.sql.reserve();
    await gate`select pg_advisory_lock(${GATE})`;
    await db.sql.unsafe(`
      create sequence escalation_gate;
      create function escalation_gate() returns trigger language plpgsql security definer as $$ begin
        if current_query() like '%release_hold%' and nextval('escalation_gate') = 1 then
          perform pg_advisory_lock(${GATE}); perform pg_advisory_unlock(${GATE});
        end if;
        return null;
      end $$;
      create trigger escalation_gate before update on bookings for each statement execute function escalation_gate();`);
    const advisoryWaiters = async () =>
      (
        await db.sql<
          { n: number }[]
        >`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`
      )[0]!.n;
    try {
      const onA = phoneCall(vapiClient(a.url, 'demo', SECRET), number);
      const onB = phoneCall(vapiClient(b.url, 'demo', SECRET), number, onA.id);
      expect(
        (await onA.tool('reserve_slot', { start: iso(futureWeekday('12:30', 3)), patient_name: 'Eve Lund' })).status,
      ).toBe('held');
      expect((await onA.tool('send_otp')).status).toBe('sent');
      const wrong = wrongCode(codeFrom((await twilio.waitFor(number, 1))[0]!.body));
      expect((await onA.tool('verify_otp', { code: wrong })).status).toBe('wrong_code');
      expect((await onA.tool('verify_otp', { code: wrong })).status).toBe('wrong_code');
      const escalated = onA.tool('verify_otp', { code: wrong });
      await eventually(advisoryWaiters, (n) => n === 1);
      // The end reaches B while A's release waits; B either ends the call or waits for the call's lock.
      let hungUp: number | undefined;
      const ended = onB.hangUp().then((status) => (hungUp = status));
      await eventually(
        async () => hungUp ?? (await advisoryWaiters()),
        (v) => v === 200 || v === 2,
      );
      await gate`select pg_advisory_unlock(${GATE})`;
      expect((await escalated).status).toBe('escalated');
      expect(await ended).toBe(200);
      // A's release finished (its completion is an event of the call), and the call is still ended.
      const events = () =>
        db.sql<{ eventType: string; stateAfter: string }[]>`
          select event_type, state_after from call_events e join calls c on c.id = e.call_id where c.vapi_call_id = ${onA.id} order by seq`;
      const trail = await eventually(events, (rows) =>
        rows.some((r) => r.eventType.startsWith('xstate.done.actor.releaseForHuman')),
      );
      const [call] = await db.sql<{ state: string }[]>`select state from calls where vapi_call_id = ${onA.id}`;
      expect(call!.state).toBe('ended');
      expect(trail.at(-1)!.stateAfter).toBe('ended');
    } finally {
      gate.release();
      await db.sql.unsafe(
        'drop trigger escalation_gate on bookings; drop function escalation_gate(); drop sequence escalation_gate;',
      );
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('a transition saved after its step answered', () => {
  it('is not written over a call another instance has moved on (a compare-and-set on the version)', async ({
    db,
    start,
  }) => {
    const number = '+16172531110';
    await withCall(start, number, async (call) => {
      expect(
        (await call.tool('reserve_slot', { start: iso(futureWeekday('13:30', 3)), patient_name: 'Ida Moss' })).status,
      ).toBe('held');
      expect(await call.hangUp()).toBe(200);
      const read = async () =>
        (
          await db.sql<{ id: string; tenantId: string; state: string; version: number; events: number }[]>`
          select c.id, c.tenant_id, c.state, c.version, (select count(*)::int from call_events e where e.call_id = c.id) as events
            from calls c where c.vapi_call_id = ${call.id}`
        )[0]!;
      const ended = await read();
      expect(ended.state).toBe('ended');
      // What an instance that last saw the call one version earlier would save late: the call held again.
      const late = {
        callRowId: ended.id,
        expectedVersion: ended.version - 1,
        snapshot: {},
        state: 'held',
        flagged: false,
        transitions: [{ event: { type: 'late' }, before: 'held', after: 'held' }],
      };
      expect(await withTenant(db.sql, ended.tenantId, (tx) => saveTransitions(tx, late))).toBeUndefined();
      expect(await read()).toEqual(ended);
    });
  });
});

describe('the outbox', () => {
  it('retries when Twilio fails the first attempts and delivers exactly once', async ({ db, twilio, start }) => {
    const number = '+16172531104';
    await withCall(start, number, async (call) => {
      await call.tool('reserve_slot', { start: iso(futureWeekday('15:30', 3)), patient_name: 'Oli Pratt' });
      const attemptsBefore = twilio.attempts;
      twilio.failNext(2);
      expect((await call.tool('send_otp')).status).toBe('sent');
      const [msg] = await twilio.waitFor(number, 1);
      const [row] = await eventually(
        () => outboxOf(db, number),
        (rows) => rows[0]?.status === 'sent',
      );
      expect(row).toEqual({ kind: 'otp', status: 'sent', attempts: 3 });
      expect(twilio.attempts - attemptsBefore).toBe(3);
      expect(twilio.messages.filter((m) => m.to === number)).toHaveLength(1);
      // The retried message carries a working code.
      expect((await call.tool('verify_otp', { code: codeFrom(msg!.body) })).status).toBe('booked');
    });
  });

  it('does not retry a message Twilio refuses outright', async ({ db, twilio, start }) => {
    const number = '+16172531105';
    await withCall(start, number, async (call) => {
      await call.tool('reserve_slot', { start: iso(futureWeekday('16:00', 3)), patient_name: 'Pia Quon' });
      twilio.failNext(1, 400);
      await call.tool('send_otp');
      const [row] = await eventually(
        () => outboxOf(db, number),
        (rows) => rows[0]?.status === 'failed',
      );
      expect(row).toEqual({ kind: 'otp', status: 'failed', attempts: 1 });
    });
  });

  it('a send whose answer is lost is not repeated; Twilio’s status callback settles it', async ({
    db,
    twilio,
    start,
  }) => {
    const number = '+16172531108';
    await withCall(start, number, async (call) => {
      await call.tool('reserve_slot', { start: iso(futureWeekday('12:30', 4)), patient_name: 'Sol Tran' });
      twilio.dropAnswerNext(1);
      await call.tool('send_otp');
      const [msg] = await twilio.waitFor(number, 1);
      const [row] = await eventually(
        () => outboxOf(db, number),
        (rows) => rows[0]?.status === 'unknown',
      );
      expect(row).toEqual({ kind: 'otp', status: 'unknown', attempts: 1 });
      expect(await twilio.postStatus(msg!, 'delivered')).toBe(204);
      const [settled] =
        await db.sql`select status, delivery_status, provider_message_id from sms_outbox where to_e164 = ${number}`;
      expect(settled).toEqual({ status: 'sent', deliveryStatus: 'delivered', providerMessageId: msg!.sid });
      expect(twilio.messages.filter((m) => m.to === number)).toHaveLength(1);
    });
  });

  it('with no SMS provider configured, the simulated phone takes the message (npm start needs no Twilio)', async ({
    db,
    twilio,
  }) => {
    const number = '+16172531107';
    const server = await startServer(db.sql, { env: { SECRETS_KEY: KEY, SMS_DISPATCH_INTERVAL_MS: '50' } });
    try {
      const call = phoneCall(vapiClient(server.url, 'demo', SECRET), number);
      await call.tool('reserve_slot', { start: iso(futureWeekday('16:30', 4)), patient_name: 'Rae Sun' });
      expect((await call.tool('send_otp')).status).toBe('sent');
      const [row] = await eventually(
        () =>
          db.sql<
            { status: string; providerMessageId: string | null }[]
          >`select status, provider_message_id from sms_outbox where to_e164 = ${number}`,
        (rows) => rows[0]?.status === 'sent',
      );
      expect(row!.providerMessageId).toMatch(/^SIMULATED-/);
      expect(twilio.messages.filter((m) => m.to === number)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('the audit trail', () => {
  it('replays a whole call to the state stored for it', async ({ db, twilio, start }) => {
    const number = '+16172531106';
    await withCall(start, number, async (call) => {
      await call.tool('send_otp');
      await call.tool('reserve_slot', { start: iso(futureWeekday('09:00', 4)), patient_name: 'Quin Rao' });
      await call.tool('reserve_slot', { start: iso(futureWeekday('09:30', 4)), patient_name: 'Quin Rao' });
      await call.tool('send_otp');
      const code = codeFrom((await twilio.waitFor(number, 1))[0]!.body);
      expect((await call.tool('verify_otp', { code: wrongCode(code) })).status).toBe('wrong_code');
      expect((await call.tool('verify_otp', { code })).status).toBe('booked');
      await call.tool('send_confirmation');
      expect(await call.report({ analysis: { summary: 'Booked.' } })).toBe(200);

      const [row] = await db.sql<
        { id: string; machineInput: CallInput; snapshot: { value: unknown; context: unknown; status: string } }[]
      >`
        select id, machine_input, snapshot from calls where vapi_call_id = ${call.id}`;
      const events = await db.sql<{ event: unknown; stateBefore: string; stateAfter: string }[]>`
        select event, state_before, state_after from call_events where call_id = ${row!.id} order by seq`;
      expect(events.length).toBeGreaterThan(10);
      expect(events.at(-1)!.stateAfter).toBe('ended');
      for (let i = 1; i < events.length; i++) expect(events[i]!.stateBefore).toBe(events[i - 1]!.stateAfter);

      const replayed = replayCall(
        row!.machineInput,
        events.map((e) => e.event),
      );
      expect(replayed.value).toBe('ended');
      expect(replayed.status).toBe('done');
      expect(replayed.value).toEqual(row!.snapshot.value);
      expect(replayed.context).toEqual(row!.snapshot.context);
    });
  });
});

// Whole conversations over HTTP: the real server and PostgreSQL, the real Twilio SDK talking to a fake Twilio.
import { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.ts';
import { FAKE_FROM, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { type ToolReply, type VapiClient, vapiClient } from '../../testkit/vapi.ts';
import { codeFrom, eventually, type PhoneCall, phoneCall, startServerWithTwilio, wrongCode } from '../helpers/calls.ts';
import { overlappingPairs, type TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'call-flow-test-secret-01';
const it = integrationTest({ clinic: { secret: SECRET }, twilio: true });

const bookingAt = async (db: TestDatabase, start: DateTime) =>
  db.sql<
    { id: string; status: string }[]
  >`select id, status from bookings where starts_at = ${start.toJSDate()} order by created_at`;
const activeAt = async (db: TestDatabase, start: DateTime) =>
  (await bookingAt(db, start)).filter((b) => b.status === 'held' || b.status === 'confirmed');
const textsTo = (twilio: FakeTwilio, number: string) => twilio.messages.filter((m) => m.to === number).length;

/** book_appointment on the demo clinic (codes required): the code texted, read back, booked, the confirmation texted. */
async function bookWithCode(twilio: FakeTwilio, call: PhoneCall, args: Record<string, unknown>): Promise<ToolReply> {
  const texted = textsTo(twilio, call.number);
  const held = await call.tool('book_appointment', args);
  expect(held).toMatchObject({ field: 'result', status: 'code_sent' });
  const code = codeFrom((await twilio.waitFor(call.number, texted + 1))[texted]!.body);
  const booked = await call.tool('verify_otp', { code });
  expect(booked).toMatchObject({ status: 'booked', appointment_id: held.hold_id });
  await twilio.waitFor(call.number, texted + 2);
  return booked;
}

/** A second server over the same database: the directory caches clinic settings, a fresh server reads them at once. */
async function withClinicSettings(
  { db, twilio }: { db: TestDatabase; twilio: FakeTwilio },
  settings: { otpRequired?: boolean; allowOtherPhone?: boolean },
  run: (vapi: VapiClient) => Promise<void>,
) {
  const [before] = await db.sql<{ otpRequired: boolean; allowOtherPhone: boolean }[]>`
    select otp_required, allow_other_phone from tenants where slug = 'demo'`;
  await db.sql`update tenants set otp_required = ${settings.otpRequired ?? before!.otpRequired},
                                  allow_other_phone = ${settings.allowOtherPhone ?? before!.allowOtherPhone} where slug = 'demo'`;
  const other = await startServerWithTwilio(db.sql, twilio, { secretsKey: SecretBox.generateKey() });
  try {
    await run(vapiClient(other.url, 'demo', SECRET));
  } finally {
    await other.close();
    await db.sql`update tenants set otp_required = ${before!.otpRequired}, allow_other_phone = ${before!.allowOtherPhone} where slug = 'demo'`;
  }
}

describe('a call with a code', () => {
  it('check → reserve → code → wrong code → right code → booked → confirmation texted', async ({
    db,
    twilio,
    vapi,
  }) => {
    const call = phoneCall(vapi, '+16172530001');
    const day = futureWeekday('00:00', 3);
    const offer = await call.tool('check_availability', { date: day.toISODate(), provider: 'Moreno' });
    expect(offer.status).toBe('ok');
    const slot = offer.slots[0];

    const held = await call.tool('reserve_slot', { start: slot.start, patient_name: 'Ann Lee', provider: 'Moreno' });
    expect(held).toMatchObject({ field: 'result', status: 'held', provider: 'Dr. Alice Moreno' });
    expect(held.say).toContain(slot.label);
    expect(held.say).toMatch(/for 10 minutes/);
    expect(DateTime.fromISO(held.expires_at).toMillis()).toBeGreaterThan(Date.now());
    expect((await bookingAt(db, DateTime.fromISO(slot.start)))[0]).toMatchObject({ id: held.hold_id, status: 'held' });

    const sent = await call.tool('send_otp');
    expect(sent).toMatchObject({ field: 'result', status: 'sent', phone_last4: '0001' });
    const [text] = await twilio.waitFor(call.number, 1);
    expect(text!.from).toBe(FAKE_FROM);
    expect(text!.body).toMatch(/^Demo Family Clinic: your booking code is \d{6}\. It expires in 5 min\./);
    const code = codeFrom(text!.body);

    const wrong = await call.tool('verify_otp', { code: wrongCode(code) });
    expect(wrong).toMatchObject({ status: 'wrong_code', attempts_left: 2 });
    const spoken = code.split('').join(' ');
    const booked = await call.tool('verify_otp', { code: spoken });
    expect(booked).toMatchObject({ field: 'result', status: 'booked', appointment_id: held.hold_id });
    expect((await bookingAt(db, DateTime.fromISO(slot.start)))[0]!.status).toBe('confirmed');

    const [, confirmation] = await twilio.waitFor(call.number, 2);
    const when = DateTime.fromISO(slot.start, { setZone: true }).setLocale('en-US').toFormat('ccc LLL d, h:mm a');
    expect(confirmation!.body).toBe(
      `Demo Family Clinic: you are booked for consultation with Dr. Alice Moreno, ${when}. To cancel or change, call us.`,
    );

    // The code is in no answer and nowhere in the call's stored state or audit trail.
    for (const reply of [held, sent, wrong, booked]) expect(JSON.stringify(reply)).not.toContain(code);
    const [stored] =
      await db.sql`select c.snapshot::text as s, (select string_agg(event::text, ' ') from call_events e where e.call_id = c.id) as e
                                    from calls c where vapi_call_id = ${call.id}`;
    expect(stored!.s).not.toContain(code);
    expect(stored!.e).not.toContain(code);
    const [challenge] =
      await db.sql`select code_hmac, consumed_at, attempts from otp_challenges where booking_id = ${held.hold_id}`;
    expect(challenge!.consumedAt).not.toBeNull();
    expect(challenge!.attempts).toBe(1);

    // Delivery reports: a signed one is recorded, a forged one refused.
    expect(await twilio.postStatus(confirmation!, 'delivered', 'not-the-token')).toBe(403);
    expect(await twilio.postStatus(confirmation!, 'delivered')).toBe(204);
    expect(await twilio.postStatus(confirmation!, 'sent')).toBe(204);
    const [row] =
      await db.sql`select status, delivery_status, provider_message_id from sms_outbox where kind = 'confirmation' and booking_id = ${held.hold_id}`;
    expect(row).toMatchObject({ status: 'sent', deliveryStatus: 'delivered', providerMessageId: confirmation!.sid });

    // Asking again re-sends the confirmation; verifying again changes nothing.
    expect((await call.tool('send_confirmation')).status).toBe('sent');
    await twilio.waitFor(call.number, 3);
    expect((await call.tool('verify_otp', { code })).status).toBe('booked');
  });

  it('three wrong codes → escalated, the slot free again and the call flagged', async ({ db, twilio, vapi }) => {
    const call = phoneCall(vapi, '+16172530002');
    const start = futureWeekday('11:00', 4);
    const held = await call.tool('reserve_slot', { start: iso(start), patient_name: 'Bo Wong', provider: 'Okafor' });
    expect(held.status).toBe('held');
    await call.tool('send_otp');
    const code = codeFrom((await twilio.waitFor(call.number, 1))[0]!.body);
    expect((await call.tool('verify_otp', { code: wrongCode(code) })).attempts_left).toBe(2);
    expect((await call.tool('verify_otp', { code: wrongCode(wrongCode(code)) })).attempts_left).toBe(1);
    const third = await call.tool('verify_otp', { code: wrongCode(wrongCode(wrongCode(code))) });
    expect(third).toMatchObject({ field: 'result', status: 'escalated' });
    expect(
      await eventually(
        () => activeAt(db, start),
        (rows) => rows.length === 0,
      ),
    ).toEqual([]);
    const [flag] = await db.sql`select flagged_for_human, state from calls where vapi_call_id = ${call.id}`;
    expect(flag).toMatchObject({ flaggedForHuman: true, state: 'escalated' });
    // Even the right code is no use now.
    expect((await call.tool('verify_otp', { code })).status).toBe('escalated');
    const other = phoneCall(vapi, '+16172530003');
    expect(
      (await other.tool('reserve_slot', { start: iso(start), patient_name: 'Cy Diaz', provider: 'Okafor' })).status,
    ).toBe('held');
  });

  it('a repeated delivery of one verify_otp, even two at once, answers alike and counts one attempt', async ({
    db,
    twilio,
    vapi,
  }) => {
    const call = phoneCall(vapi, '+16172530004');
    const held = await call.tool('reserve_slot', {
      start: iso(futureWeekday('15:30', 4)),
      patient_name: 'Di Ho',
      provider: 'Okafor',
    });
    expect(held.status).toBe('held');
    await call.tool('send_otp');
    const code = codeFrom((await twilio.waitFor(call.number, 1))[0]!.body);
    const verify = () =>
      vapi.tool(
        'verify_otp',
        { code: wrongCode(code) },
        { callId: call.id, customerNumber: call.number, toolCallId: 'verify-once' },
      );
    const [first, second] = await Promise.all([verify(), verify()]);
    expect(first).toMatchObject({ status: 'wrong_code', attempts_left: 2 });
    expect(second).toEqual(first);
    expect(await verify()).toEqual(first);
    const [challenge] = await db.sql<
      { attempts: number }[]
    >`select attempts from otp_challenges where booking_id = ${held.hold_id}`;
    expect(challenge!.attempts).toBe(1);
    // A new delivery is a new attempt, and the right code still books.
    expect((await call.tool('verify_otp', { code: wrongCode(code) })).attempts_left).toBe(1);
    expect((await call.tool('verify_otp', { code })).status).toBe('booked');
  });

  it('hanging up while holding frees the slot; the end-of-call report is stored, twice harmlessly', async ({
    db,
    vapi,
  }) => {
    const call = phoneCall(vapi, '+16172530004');
    const start = futureWeekday('13:00', 4);
    expect((await call.tool('reserve_slot', { start: iso(start), patient_name: 'Di Fox' })).status).toBe('held');
    expect(await call.hangUp()).toBe(200);
    expect(await activeAt(db, start)).toEqual([]);
    expect((await call.tool('send_otp')).status).toBe('call_ended');

    const report = {
      startedAt: '2030-01-07T15:00:00.000Z',
      endedAt: '2030-01-07T15:03:30.500Z',
      cost: 0.1432,
      analysis: {
        summary: 'Caller held a slot and hung up.',
        structuredData: { booked: false },
        successEvaluation: 'false',
      },
      artifact: { transcript: 'AI: Hello. User: Bye.', messages: [] },
    };
    expect(await call.report(report)).toBe(200);
    expect(await call.report(report)).toBe(200);
    const [row] = await db.sql`
      select state, ended_reason, duration_seconds::float as duration, summary, transcript, structured_data, success_evaluation,
             cost::float as cost, analysis, report->>'type' as report_type
        from calls where vapi_call_id = ${call.id}`;
    expect(row).toEqual({
      state: 'ended',
      endedReason: 'customer-ended-call',
      duration: 210.5,
      summary: 'Caller held a slot and hung up.',
      transcript: 'AI: Hello. User: Bye.',
      structuredData: { booked: false },
      successEvaluation: 'false',
      cost: 0.1432,
      analysis: report.analysis,
      reportType: 'end-of-call-report',
    });
  });

  it('reads a legacy report with top-level summary and transcript, for a call that never used a tool', async ({
    db,
    vapi,
  }) => {
    const call = phoneCall(vapi, '+16172530005');
    expect(await call.report({ summary: 'Old-style summary.', transcript: 'Old transcript.' })).toBe(200);
    const [row] = await db.sql`select state, summary, transcript from calls where vapi_call_id = ${call.id}`;
    expect(row).toEqual({ state: 'ended', summary: 'Old-style summary.', transcript: 'Old transcript.' });
  });

  it('a hold whose time passes frees the slot through the sweeper, and the call is told', async ({
    db,
    twilio,
    vapi,
  }) => {
    const call = phoneCall(vapi, '+16172530006');
    const start = futureWeekday('14:30', 5);
    const held = await call.tool('reserve_slot', { start: iso(start), patient_name: 'Ed Gray', provider: 'Moreno' });
    expect(held.status).toBe('held');
    await db.sql`update bookings set expires_at = now() - interval '1 second' where id = ${held.hold_id}`;
    await eventually(
      () => bookingAt(db, start),
      (rows) => rows[0]?.status === 'expired',
    );
    const late = await call.tool('send_otp');
    expect(late).toMatchObject({ field: 'result', status: 'hold_expired' });
    expect(twilio.messages.filter((m) => m.to === call.number)).toEqual([]);
    const other = phoneCall(vapi, '+16172530007');
    expect(
      (await other.tool('reserve_slot', { start: iso(start), patient_name: 'Fay Hu', provider: 'Moreno' })).status,
    ).toBe('held');
  });

  it('two calls racing for one slot: one holds, the other is offered alternatives', async ({ db, vapi }) => {
    const start = futureWeekday('15:00', 6);
    const calls = Array.from({ length: 8 }, (_, i) => phoneCall(vapi, `+1617253010${i}`));
    const replies = await Promise.all(
      calls.map((c, i) =>
        c.tool('reserve_slot', { start: iso(start), patient_name: `Racer ${i}`, provider: 'Okafor' }),
      ),
    );
    expect(replies.filter((r) => r.status === 'held')).toHaveLength(1);
    const losers = replies.filter((r) => r.status !== 'held');
    expect(losers).toHaveLength(7);
    for (const l of losers) {
      expect(l.status).toBe('unavailable');
      expect(l.alternatives.length).toBeGreaterThan(0);
    }
    expect(await activeAt(db, start)).toHaveLength(1);
    expect(await overlappingPairs(db.sql)).toBe(0);
  });
});

describe('book_appointment cannot skip the code', () => {
  it('holds the slot and texts the code to the caller in one step, through the machine’s reserve → send-code path; verify_otp books', async ({
    db,
    twilio,
    vapi,
  }) => {
    const call = phoneCall(vapi, '+16172530020');
    const start = futureWeekday('09:00', 12);
    // The model names another number: the clinic does not allow one, so the caller's own number is used.
    const sent = await call.tool('book_appointment', {
      start: iso(start),
      patient_name: 'Lu Park',
      provider: 'Moreno',
      patient_phone: '+16175550999',
    });
    expect(sent).toMatchObject({
      field: 'result',
      status: 'code_sent',
      provider: 'Dr. Alice Moreno',
      start: iso(start),
      phone_last4: '0020',
    });
    expect(sent.say).toMatch(
      /^I'm holding .+ with Dr\. Alice Moreno for you for 10 minutes\. I've texted a code to the number ending in 0020; please read it to me/,
    );
    expect(DateTime.fromISO(sent.expires_at).toMillis()).toBeGreaterThan(Date.now());
    expect(await bookingAt(db, start)).toEqual([{ id: sent.hold_id, status: 'held' }]);
    const code = codeFrom((await twilio.waitFor(call.number, 1))[0]!.body);
    expect(twilio.messages.filter((m) => m.to === '+16175550999')).toEqual([]);

    // Recorded like reserve_slot then send_otp: the same states, one tool event.
    const trail = await db.sql<{ eventType: string; stateBefore: string; stateAfter: string }[]>`
      select e.event_type, e.state_before, e.state_after from call_events e join calls c on c.id = e.call_id
       where c.vapi_call_id = ${call.id} order by e.seq`;
    expect(trail.map((t) => `${t.stateBefore}→${t.stateAfter}`)).toEqual([
      'idle→reserving',
      'reserving→sendingCode',
      'sendingCode→codeSent',
    ]);
    expect(trail[0]!.eventType).toBe('RESERVE');

    expect(await call.tool('confirm_booking')).toMatchObject({ field: 'result', status: 'otp_required' });
    expect((await bookingAt(db, start))[0]!.status).toBe('held');
    expect(await call.tool('verify_otp', { code })).toMatchObject({
      field: 'result',
      status: 'booked',
      appointment_id: sent.hold_id,
    });
    expect((await bookingAt(db, start))[0]!.status).toBe('confirmed');
    expect((await twilio.waitFor(call.number, 2))[1]!.body).toMatch(
      /you are booked for consultation with Dr\. Alice Moreno/,
    );
    expect(JSON.stringify(sent)).not.toContain(code);
  });

  it('of many concurrent book_appointment calls for one slot exactly one wins, the rest are offered alternatives', async ({
    db,
    vapi,
  }) => {
    const start = futureWeekday('10:30', 12);
    const calls = Array.from({ length: 10 }, (_, i) => phoneCall(vapi, `+1617253020${i}`));
    const replies = await Promise.all(
      calls.map((c, i) =>
        c.tool('book_appointment', { start: iso(start), patient_name: `Racer ${i}`, provider: 'Okafor' }),
      ),
    );
    const winners = replies.filter((r) => r.status === 'code_sent');
    expect(winners).toHaveLength(1);
    for (const loser of replies.filter((r) => r.status !== 'code_sent')) {
      expect(loser).toMatchObject({ field: 'result', status: 'unavailable' });
      expect(loser.alternatives.length).toBeGreaterThan(0);
      expect(loser.say).toContain(loser.alternatives[0].label);
    }
    // Counted in the database: one hold, one code, texted to the winner only.
    expect(await activeAt(db, start)).toEqual([{ id: winners[0]!.hold_id, status: 'held' }]);
    const codes = await db.sql<{ to: string }[]>`
      select o.to_e164 as to from sms_outbox o where o.kind = 'otp' and o.to_e164 = any(${calls.map((c) => c.number)})`;
    const winner = calls[replies.indexOf(winners[0]!)]!;
    expect(codes).toEqual([{ to: winner.number }]);
    expect(await overlappingPairs(db.sql)).toBe(0);
  });

  it('on a clinic without codes books at once, and a race for one slot still has exactly one winner', async ({
    db,
    twilio,
  }) => {
    await withClinicSettings({ db, twilio }, { otpRequired: false }, async (noOtp) => {
      const start = futureWeekday('11:30', 12);
      const calls = Array.from({ length: 10 }, (_, i) => phoneCall(noOtp, `+1617253021${i}`));
      const replies = await Promise.all(
        calls.map((c, i) =>
          c.tool('book_appointment', { start: iso(start), patient_name: `Quick ${i}`, provider: 'Moreno' }),
        ),
      );
      expect(replies.filter((r) => r.status === 'booked')).toHaveLength(1);
      expect(replies.filter((r) => r.status === 'unavailable' && r.alternatives.length > 0)).toHaveLength(9);
      expect((await activeAt(db, start)).map((b) => b.status)).toEqual(['confirmed']);
      const [codes] = await db.sql<
        { n: number }[]
      >`select count(*)::int as n from sms_outbox where kind = 'otp' and to_e164 = any(${calls.map((c) => c.number)})`;
      expect(codes!.n).toBe(0);
      expect(await overlappingPairs(db.sql)).toBe(0);
    });
  });

  it('texts the code to the number the caller gives where the clinic allows another number', async ({ db, twilio }) => {
    await withClinicSettings({ db, twilio }, { allowOtherPhone: true }, async (other) => {
      const call = phoneCall(other, '+16172530030');
      const sent = await call.tool('book_appointment', {
        start: iso(futureWeekday('13:30', 12)),
        patient_name: 'Mo Reyes',
        patient_phone: '(617) 555-0131',
      });
      expect(sent).toMatchObject({ status: 'code_sent', phone_last4: '0131' });
      expect((await twilio.waitFor('+16175550131', 1))[0]!.body).toMatch(/your booking code is \d{6}/);
    });
  });
});

describe('the order of steps is the backend’s', () => {
  it('refuses code and verify before a hold, and a second reserve swaps the hold', async ({ db, vapi }) => {
    const call = phoneCall(vapi, '+16172530008');
    expect(await call.tool('send_otp')).toMatchObject({ field: 'result', status: 'no_hold' });
    expect(await call.tool('verify_otp', { code: '123456' })).toMatchObject({ field: 'result', status: 'no_hold' });
    const first = futureWeekday('09:00', 7);
    const second = futureWeekday('09:30', 7);
    const a = await call.tool('reserve_slot', { start: iso(first), patient_name: 'Gil Ito', provider: 'Moreno' });
    expect(await call.tool('verify_otp', { code: '123456' })).toMatchObject({ status: 'code_not_sent' });
    const b = await call.tool('reserve_slot', { start: iso(second), patient_name: 'Gil Ito', provider: 'Moreno' });
    expect(b.status).toBe('held');
    expect(b.hold_id).not.toBe(a.hold_id);
    const [mine] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from bookings where source_call_id = ${call.id} and status = 'held'`;
    expect(mine!.n).toBe(1);
    expect(await activeAt(db, first)).toEqual([]);
  });
});

describe('a clinic without codes, and changes to appointments', () => {
  it('reserve → confirm_booking → booked, with the confirmation texted', async ({ db, twilio }) => {
    await withClinicSettings({ db, twilio }, { otpRequired: false }, async (noOtp) => {
      const call = phoneCall(noOtp, '+16172530009');
      const held = await call.tool('reserve_slot', {
        start: iso(futureWeekday('10:00', 8)),
        patient_name: 'Hal Jones',
      });
      expect(held.say).toMatch(/Shall I confirm it\?/);
      expect((await call.tool('send_otp')).status).toBe('otp_not_required');
      expect(await call.tool('confirm_booking')).toMatchObject({ status: 'booked', appointment_id: held.hold_id });
      expect((await twilio.waitFor(call.number, 1))[0]!.body).toMatch(/you are booked for consultation/);
    });
  });

  it('reschedules the caller’s own appointment atomically, then cancels it', async ({ db, twilio, vapi }) => {
    const number = '+16172530010';
    const oldStart = futureWeekday('11:00', 9);
    const newStart = futureWeekday('16:00', 9);
    await bookWithCode(twilio, phoneCall(vapi, number), {
      start: iso(oldStart),
      patient_name: 'Ivy Kim',
      provider: 'Okafor',
    });

    const stranger = phoneCall(vapi, '+16172530011');
    expect(await stranger.tool('cancel_appointment')).toMatchObject({ field: 'result', status: 'no_appointment' });

    const call = phoneCall(vapi, number);
    const texted = twilio.messages.filter((m) => m.to === number).length;
    const moved = await call.tool('reschedule_appointment', { start: iso(newStart) });
    expect(moved).toMatchObject({ field: 'result', status: 'rescheduled', provider: 'Dr. Ben Okafor' });
    expect((await bookingAt(db, oldStart)).map((b) => b.status)).toEqual(['cancelled']);
    expect((await bookingAt(db, newStart)).map((b) => b.status)).toEqual(['confirmed']);
    const when = (d: DateTime) => d.setLocale('en-US').toFormat('ccc LLL d, h:mm a');
    const movedText = (await twilio.waitFor(number, texted + 1))[texted]!;
    expect(movedText.body).toBe(
      `Demo Family Clinic: your consultation with Dr. Ben Okafor is moved to ${when(newStart)}. To cancel or change, call us.`,
    );

    const cancelled = await call.tool('cancel_appointment', { appointment_date: newStart.toISODate() });
    expect(cancelled).toMatchObject({ field: 'result', status: 'cancelled' });
    expect(await activeAt(db, newStart)).toEqual([]);
    const cancelText = (await twilio.waitFor(number, texted + 2))[texted + 1]!;
    expect(cancelText.body).toBe(
      `Demo Family Clinic: your consultation with Dr. Ben Okafor, ${when(newStart)}, is cancelled. To book again, call us.`,
    );
    // Each text belongs to the call that asked, for its timeline on the dashboard.
    const rows = await db.sql<{ kind: string; callVapiId: string | null }[]>`
      select o.kind, c.vapi_call_id as call_vapi_id from sms_outbox o left join calls c on c.id = o.call_id
       where o.to_e164 = ${number} and o.kind in ('reschedule', 'cancellation') order by o.created_at`;
    expect(rows).toEqual([
      { kind: 'reschedule', callVapiId: call.id },
      { kind: 'cancellation', callVapiId: call.id },
    ]);
  });

  it('a reschedule to a taken time keeps the old appointment', async ({ db, twilio, vapi }) => {
    const number = '+16172530012';
    const oldStart = futureWeekday('10:00', 10);
    const taken = futureWeekday('12:00', 10);
    await bookWithCode(twilio, phoneCall(vapi, number), {
      start: iso(oldStart),
      patient_name: 'Jo Lum',
      provider: 'Moreno',
    });
    await bookWithCode(twilio, phoneCall(vapi, '+16172530013'), {
      start: iso(taken),
      patient_name: 'Kai Moe',
      provider: 'Moreno',
    });
    const moved = await phoneCall(vapi, number).tool('reschedule_appointment', {
      start: iso(taken),
      provider: 'Moreno',
    });
    expect(moved.status).toBe('unavailable');
    expect((await bookingAt(db, oldStart)).map((b) => b.status)).toEqual(['confirmed']);
  });
});

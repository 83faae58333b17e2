// The call machine alone: every state, every guard, illegal orders of tool calls. No servers: the side effects are
// small in-memory stand-ins given through machine.provide, as src/calls/call-effects.ts gives the real ones.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import {
  BUSY_TAG,
  type CallEvent,
  type ConfirmOutput,
  callMachine,
  type Hold,
  machineSentences,
  type Reply,
  type ResendOutput,
  type ReserveOutput,
  type SendCodeOutput,
  type VerifyOutput,
} from '../../../machines/call-machine.ts';

const NOW = Date.UTC(2030, 0, 7, 15, 0);
const hold = (id = 'b1', expiresAt = NOW + 600_000): Hold => ({
  bookingId: id,
  holdToken: `t-${id}`,
  providerId: 'p1',
  serviceName: 'consultation',
  startsAt: NOW + 86_400_000,
  endsAt: NOW + 88_200_000,
  expiresAt,
  label: 'Tuesday at 2:30 PM',
  patientPhone: '+16172531000',
});

/** Every state any test reached: the last test checks that none was left out. */
const visited = new Set<string>();

interface Script {
  reserve?: ReserveOutput[];
  send?: SendCodeOutput[];
  verify?: VerifyOutput[];
  confirm?: ConfirmOutput[];
  otpRequired?: boolean;
  /** Effects that fail (the database is down, say). */
  failing?: string[];
}

function start(script: Script = {}) {
  const released: (string | null)[] = [];
  const reserveInputs: { previous: Hold | null }[] = [];
  const sendInputs: { phone: string; requestId: string }[] = [];
  const queue =
    <T>(list: T[] | undefined, fallback: T) =>
    () =>
      list?.length ? list.shift()! : fallback;
  const nextReserve = queue(script.reserve, {
    kind: 'held',
    hold: hold(),
    reply: { body: { status: 'held', say: 'Holding.' } },
  } as ReserveOutput);
  const nextSend = queue(script.send, { kind: 'sent', to: '+16172531000' } as SendCodeOutput);
  const nextVerify = queue(script.verify, { kind: 'booked', appointmentId: 'b1' } as VerifyOutput);
  const nextConfirm = queue(script.confirm, { kind: 'booked', appointmentId: 'b1' } as ConfirmOutput);
  const fails = (name: string) => {
    if (script.failing?.includes(name)) throw new Error(`${name} failed`);
  };
  const machine = callMachine.provide({
    actors: {
      reserveSlot: fromPromise(async ({ input }) => {
        fails('reserveSlot');
        reserveInputs.push({ previous: input.previous });
        return nextReserve();
      }),
      sendCode: fromPromise(async ({ input }) => {
        sendInputs.push({ phone: input.phone, requestId: input.requestId });
        fails('sendCode');
        return nextSend();
      }),
      verifyCode: fromPromise(async () => {
        fails('verifyCode');
        return nextVerify();
      }),
      confirmHold: fromPromise(async () => {
        fails('confirmHold');
        return nextConfirm();
      }),
      resendConfirmation: fromPromise(async (): Promise<ResendOutput> => ({ kind: 'queued' })),
      changeAppointment: fromPromise(
        async (): Promise<Reply> => ({ body: { status: 'cancelled', say: 'Cancelled.' } }),
      ),
      releaseHold: fromPromise(async ({ input }) => {
        released.push(input.hold?.bookingId ?? null);
      }),
    },
  });
  const actor = createActor(machine, {
    input: {
      tenantId: 't',
      tenantSlug: 'demo',
      callRowId: 'c',
      vapiCallId: 'v',
      callerNumber: '+16172531000',
      otpRequired: script.otpRequired ?? true,
      otpLength: 6,
    },
  });
  actor.subscribe((snap) => visited.add(String(snap.value)));
  actor.start();
  let n = 0;
  const send = async (e: Record<string, unknown> & { type: CallEvent['type'] }, now = NOW) => {
    actor.send({ now, requestId: `r${++n}`, ...e } as CallEvent);
    const s = await waitFor(actor, (x) => !x.hasTag(BUSY_TAG) || x.status === 'done');
    return { state: s.value as string, reply: s.context.reply!, context: s.context };
  };
  return { actor, send, released, reserveInputs, sendInputs };
}

const RESERVE = { type: 'RESERVE', request: {} } as const;
const SEND = { type: 'SEND_OTP', phone: '+16172531000' } as const;
const VERIFY = { type: 'VERIFY', codeDigest: 'abc' } as const;

describe('call machine: the happy paths', () => {
  it('reserve → send code → verify → booked', async () => {
    const { send } = start();
    expect((await send(RESERVE)).state).toBe('held');
    const sent = await send(SEND);
    expect(sent).toMatchObject({ state: 'codeSent', reply: { body: { status: 'sent', phone_last4: '1000' } } });
    const booked = await send(VERIFY);
    expect(booked).toMatchObject({ state: 'booked', reply: { body: { status: 'booked', appointment_id: 'b1' } } });
    expect(booked.reply.body.say).toContain('Tuesday at 2:30 PM');
  });

  it('without OTP: reserve → confirm → booked; sending a code is refused', async () => {
    const { send } = start({ otpRequired: false });
    await send(RESERVE);
    expect((await send(SEND)).reply.body.status).toBe('otp_not_required');
    expect(await send({ type: 'CONFIRM' })).toMatchObject({ state: 'booked', reply: { body: { status: 'booked' } } });
  });

  it('re-sends the confirmation from booked and stays booked', async () => {
    const { send } = start();
    await send(RESERVE);
    await send(SEND);
    await send(VERIFY);
    expect(await send({ type: 'SEND_CONFIRMATION' })).toMatchObject({
      state: 'booked',
      reply: { body: { status: 'sent' } },
    });
  });
});

describe('call machine: illegal orders', () => {
  it('refuses code, verify, confirm and confirmation before anything is held', async () => {
    const { send } = start();
    expect((await send(SEND)).reply.body.status).toBe('no_hold');
    expect((await send(VERIFY)).reply.body.status).toBe('no_hold');
    expect((await send({ type: 'CONFIRM' })).reply.body.status).toBe('no_hold');
    expect((await send({ type: 'SEND_CONFIRMATION' })).reply.body.status).toBe('not_booked');
    expect((await send(SEND)).state).toBe('idle');
  });

  it('refuses verify before a code was sent, and confirm when OTP is required', async () => {
    const { send } = start();
    await send(RESERVE);
    expect(await send(VERIFY)).toMatchObject({ state: 'held', reply: { body: { status: 'code_not_sent' } } });
    expect(await send({ type: 'CONFIRM' })).toMatchObject({
      state: 'held',
      reply: { body: { status: 'otp_required' } },
    });
    await send(SEND);
    expect(await send({ type: 'CONFIRM' })).toMatchObject({
      state: 'codeSent',
      reply: { body: { status: 'otp_required' } },
    });
  });

  it('refuses a second booking and changes of appointments while a hold is open', async () => {
    const { send } = start();
    await send(RESERVE);
    expect((await send({ type: 'CHANGE_APPOINTMENT', change: 'cancel', request: {} })).reply.body.status).toBe(
      'hold_in_progress',
    );
    await send(SEND);
    await send(VERIFY);
    expect((await send(RESERVE)).reply.body.status).toBe('already_booked');
    expect((await send(SEND)).reply.body.status).toBe('already_booked');
    expect((await send(VERIFY)).reply.body.status).toBe('booked');
  });

  it('asks again for an unreadable code without spending an attempt', async () => {
    const { send } = start({ verify: [{ kind: 'wrong' }, { kind: 'wrong' }] });
    await send(RESERVE);
    await send(SEND);
    const unreadable = await send({ type: 'VERIFY', codeDigest: null });
    expect(unreadable).toMatchObject({ state: 'codeSent', reply: { body: { status: 'unreadable_code' } } });
    expect(unreadable.reply.body.say).toContain('6-digit');
    expect(unreadable.context.wrongCodes).toBe(0);
  });
});

describe('call machine: holds', () => {
  it('a second reserve while holding swaps the hold (the effect gets the earlier one to release)', async () => {
    const { send, reserveInputs } = start({
      reserve: [
        { kind: 'held', hold: hold('b1'), reply: { body: { status: 'held', say: '1' } } },
        { kind: 'held', hold: hold('b2'), reply: { body: { status: 'held', say: '2' } } },
      ],
    });
    await send(RESERVE);
    await send(SEND);
    const swapped = await send(RESERVE);
    expect(swapped.state).toBe('held');
    expect(swapped.context.hold!.bookingId).toBe('b2');
    expect(swapped.context.codeSentTo).toBeNull();
    expect(reserveInputs[1]!.previous!.bookingId).toBe('b1');
  });

  it('a reserve that finds the time taken keeps an earlier hold, or goes to choosing without one', async () => {
    const taken: ReserveOutput = { kind: 'not_held', reply: { body: { status: 'unavailable', say: 'Taken.' } } };
    const { send } = start({
      reserve: [taken, { kind: 'held', hold: hold('b1'), reply: { body: { status: 'held', say: '' } } }, taken],
    });
    expect(await send(RESERVE)).toMatchObject({ state: 'choosing', reply: { body: { status: 'unavailable' } } });
    expect((await send(RESERVE)).state).toBe('held');
    const kept = await send(RESERVE);
    expect(kept).toMatchObject({ state: 'held', reply: { body: { status: 'unavailable' } } });
    expect(kept.context.hold!.bookingId).toBe('b1');
  });

  it('a lapsed hold answers hold_expired to every step that needs it, then allows a new reserve', async () => {
    for (const step of [SEND, VERIFY, { type: 'CONFIRM' } as const]) {
      const { send } = start({ otpRequired: step.type !== 'CONFIRM' });
      await send(RESERVE);
      if (step.type === 'VERIFY') await send(SEND);
      const late = await send(step, NOW + 600_000);
      expect(late, step.type).toMatchObject({ state: 'holdExpired', reply: { body: { status: 'hold_expired' } } });
      expect(late.context.hold).toBeNull();
      expect((await send(SEND)).reply.body.status).toBe('no_hold');
      expect((await send(RESERVE)).state).toBe('held');
    }
  });

  it('a hold the database no longer has (swept) goes to holdExpired on send, verify and confirm', async () => {
    const a = start({ send: [{ kind: 'hold_gone' }] });
    await a.send(RESERVE);
    expect((await a.send(SEND)).state).toBe('holdExpired');
    const b = start({ verify: [{ kind: 'hold_gone' }] });
    await b.send(RESERVE);
    await b.send(SEND);
    expect((await b.send(VERIFY)).state).toBe('holdExpired');
    const c = start({ otpRequired: false, confirm: [{ kind: 'hold_gone' }] });
    await c.send(RESERVE);
    expect((await c.send({ type: 'CONFIRM' })).state).toBe('holdExpired');
  });
});

describe('call machine: codes', () => {
  it('counts wrong codes and escalates on the third, releasing the hold and flagging the call', async () => {
    const { send, released, actor } = start({ verify: [{ kind: 'wrong' }, { kind: 'wrong' }, { kind: 'wrong' }] });
    await send(RESERVE);
    await send(SEND);
    expect(await send(VERIFY)).toMatchObject({
      state: 'codeSent',
      reply: { body: { status: 'wrong_code', attempts_left: 2 } },
    });
    expect(await send(VERIFY)).toMatchObject({
      state: 'codeSent',
      reply: { body: { status: 'wrong_code', attempts_left: 1 } },
    });
    const third = await send(VERIFY);
    expect(third).toMatchObject({ state: 'escalated', reply: { body: { status: 'escalated' } } });
    expect(third.context.flaggedForHuman).toBe(true);
    await waitFor(actor, (x) => x.context.hold === null);
    expect(released).toEqual(['b1']);
    expect((await send(RESERVE)).reply.body.status).toBe('escalated');
  });

  it('an expired code goes back to held so a new one can be sent', async () => {
    const { send } = start({ verify: [{ kind: 'no_code' }] });
    await send(RESERVE);
    await send(SEND);
    expect(await send(VERIFY)).toMatchObject({ state: 'held', reply: { body: { status: 'code_expired' } } });
    expect((await send(SEND)).state).toBe('codeSent');
  });

  it('send limits: a resend over the limit keeps the sent code; a first send over the limit escalates', async () => {
    const a = start({
      send: [
        { kind: 'sent', to: '+16172531000' },
        { kind: 'limited', reason: 'hold' },
      ],
    });
    await a.send(RESERVE);
    await a.send(SEND);
    expect(await a.send(SEND)).toMatchObject({ state: 'codeSent', reply: { body: { status: 'rate_limited' } } });
    const b = start({ send: [{ kind: 'limited', reason: 'tenant' }] });
    await b.send(RESERVE);
    expect(await b.send(SEND)).toMatchObject({ state: 'escalated', reply: { body: { status: 'escalated' } } });
  });
});

describe('call machine: escalation, changes and the end', () => {
  it('escalates on request from any state', async () => {
    const { send, released, actor } = start();
    await send(RESERVE);
    const e = await send({ type: 'ESCALATE' });
    expect(e).toMatchObject({ state: 'escalated', reply: { body: { status: 'escalated' } } });
    await waitFor(actor, (x) => x.context.hold === null);
    expect(released).toEqual(['b1']);
  });

  it('cancel/reschedule run from idle and from booked, and end in idle', async () => {
    const { send } = start();
    expect(await send({ type: 'CHANGE_APPOINTMENT', change: 'cancel', request: {} })).toMatchObject({
      state: 'idle',
      reply: { body: { status: 'cancelled' } },
    });
    await send(RESERVE);
    await send(SEND);
    await send(VERIFY);
    const after = await send({ type: 'CHANGE_APPOINTMENT', change: 'reschedule', request: {} });
    expect(after.state).toBe('idle');
    expect(after.context.appointmentId).toBeNull();
  });

  it('the end releases an open hold and finishes the actor; with nothing held it releases nothing', async () => {
    const a = start();
    await a.send(RESERVE);
    const end = await a.send({ type: 'END', reason: 'customer-ended-call' });
    expect(end.state).toBe('ended');
    expect(a.actor.getSnapshot().status).toBe('done');
    expect(a.released).toEqual(['b1']);
    const b = start();
    expect((await b.send({ type: 'END', reason: null })).state).toBe('ended');
    expect(b.released).toEqual([null]);
  });
});

describe('call machine: failing effects', () => {
  it('answers internal_error and falls back to the last stable state', async () => {
    const a = start({ failing: ['reserveSlot'] });
    expect(await a.send(RESERVE)).toMatchObject({
      state: 'idle',
      reply: { failed: true, body: { status: 'internal_error' } },
    });
    const b = start({ failing: ['sendCode'] });
    await b.send(RESERVE);
    expect(await b.send(SEND)).toMatchObject({ state: 'held', reply: { body: { status: 'internal_error' } } });
    const c = start({ failing: ['verifyCode'] });
    await c.send(RESERVE);
    await c.send(SEND);
    expect(await c.send(VERIFY)).toMatchObject({ state: 'codeSent', reply: { body: { status: 'internal_error' } } });
    const d = start({ failing: ['confirmHold'], otpRequired: false });
    await d.send(RESERVE);
    expect(await d.send({ type: 'CONFIRM' })).toMatchObject({
      state: 'held',
      reply: { body: { status: 'internal_error' } },
    });
  });

  it('an escalated call still ends', async () => {
    const { send } = start();
    await send({ type: 'ESCALATE' });
    expect((await send({ type: 'END', reason: null })).state).toBe('ended');
  });
});

describe('call machine: a hold and its code in one step (book_appointment)', () => {
  const BOOK = { ...RESERVE, then: 'send_code' } as const;
  const heldWithDetails: ReserveOutput = {
    kind: 'held',
    hold: hold(),
    reply: { body: { status: 'held', say: 'Holding Tuesday.', hold_id: 'b1', expires_at: 'soon' } },
  };

  it('goes reserve → send code on the one event, the code under its request id to the held number, answering code_sent', async () => {
    const { send, sendInputs } = start({ reserve: [heldWithDetails] });
    const sent = await send(BOOK);
    expect(sent.state).toBe('codeSent');
    expect(sent.reply).toEqual({
      body: {
        status: 'code_sent',
        say: "Holding Tuesday. I've texted a code to the number ending in 1000; please read it to me when it arrives.",
        hold_id: 'b1',
        expires_at: 'soon',
        phone_last4: '1000',
      },
    });
    expect(sendInputs).toEqual([{ phone: '+16172531000', requestId: 'r1' }]);
    expect(sent.context.codeWithHold).toBeNull();
    // A later send_otp is an ordinary resend.
    expect((await send(SEND)).reply.body.status).toBe('sent');
    expect((await send(VERIFY)).state).toBe('booked');
  });

  it('holds without a code where the clinic needs none', async () => {
    const { send, sendInputs } = start({ otpRequired: false });
    expect(await send(BOOK)).toMatchObject({ state: 'held', reply: { body: { status: 'held' } } });
    expect(sendInputs).toEqual([]);
  });

  it('a taken time sends nothing; a code that cannot be sent at all releases the hold for a human', async () => {
    const taken: ReserveOutput = { kind: 'not_held', reply: { body: { status: 'unavailable', say: 'Taken.' } } };
    const a = start({ reserve: [taken] });
    expect(await a.send(BOOK)).toMatchObject({ state: 'choosing', reply: { body: { status: 'unavailable' } } });
    expect(a.sendInputs).toEqual([]);
    const b = start({ send: [{ kind: 'limited', reason: 'phone' }] });
    expect(await b.send(BOOK)).toMatchObject({ state: 'escalated', reply: { body: { status: 'escalated' } } });
    await waitFor(b.actor, (x) => x.context.hold === null);
    expect(b.released).toEqual(['b1']);
  });

  it('a failed send keeps the hold, answers as a step that could not run, and forgets the one-step flag', async () => {
    const { send } = start({ reserve: [heldWithDetails], failing: ['sendCode'] });
    expect(await send(BOOK)).toMatchObject({
      state: 'held',
      reply: { failed: true, body: { status: 'internal_error' } },
      context: { codeWithHold: null },
    });
  });
});

describe('call machine: what goes in Vapi’s result', () => {
  it('every sentence of the machine is an answer the caller hears, except "something went wrong on our side"', () => {
    const failed = Object.entries(machineSentences)
      .filter(([, r]) => r.failed)
      .map(([k]) => k);
    expect(failed).toEqual(['internal']);
  });
});

describe('call machine: coverage', () => {
  it('the tests above reached every state of the machine', () => {
    expect([...visited].sort()).toEqual(Object.keys(callMachine.root.states).sort());
  });
});

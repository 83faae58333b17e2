// The load: one-step claims (book_appointment; where it answers code_sent, the texted code → verify_otp) and whole
// calls (reserve_slot → send_otp → the code from the texted message → verify_otp → the call's end), from a plan fixed
// by the seed. A step without a real answer is retried after a pause, as the assistant would ("please try that
// again"); a call whose step never gets one is hung up.
import type { DateTime } from 'luxon';
import type { FakeTwilio } from '../testkit/fake-twilio.ts';
import type { ToolReply } from '../testkit/vapi.ts';
import { codeFrom, type PhoneCall, phoneCall, wrongCode } from '../tests/helpers/calls.ts';
import { futureWeekday, iso, weekdayAfter } from '../tests/helpers/time.ts';
import type { History } from './history.ts';
import type { Random } from './random.ts';

/** What a call does once it holds a slot. */
export type CallPlan =
  | 'complete'
  | 'wrong-code-first'
  | 'three-wrong-codes'
  | 'hang-up-while-holding'
  | 'vanish-while-holding';

export type Operation =
  | { kind: 'claim'; n: number; start: string; provider?: string; service: string }
  | { kind: 'call'; n: number; start: string; provider?: string; plan: CallPlan };

export interface FlowResult {
  op: Operation;
  callId: string;
  /** How it ended, for the figures: the last status, or 'gave-up-at-<tool>'. */
  outcome: string;
  /** The call's end was reported and answered 200 (a status-update "ended"). */
  hungUp: boolean;
}

const PROVIDERS = ['Moreno', 'Okafor', undefined] as const;
const SERVICES = ['consultation', 'follow-up', 'cleaning'] as const;
const PLANS: [CallPlan, number][] = [
  ['complete', 0.65],
  ['wrong-code-first', 0.1],
  ['three-wrong-codes', 0.05],
  ['hang-up-while-holding', 0.1],
  ['vanish-while-holding', 0.1],
];

/** Start times over the next `days` weekdays, 09:00–16:15 every 15 minutes: contested, with neighbours overlapping. */
export function startTimes(days: number): DateTime[] {
  const out: DateTime[] = [];
  let day = futureWeekday('09:00', 2);
  for (let d = 0; d < days; d++, day = weekdayAfter(day)) {
    for (let q = 0; q < 30; q++) out.push(day.plus({ minutes: 15 * q }));
  }
  return out;
}

/**
 * The n-th operation of the plan; the same seed gives the same sequence. Without `escalations`, a call planned to
 * give three wrong codes gives the right one.
 */
export function operation(
  random: Random,
  n: number,
  starts: DateTime[],
  o: { callShare: number; escalations: boolean },
): Operation {
  const start = iso(random.pick(starts));
  const provider = random.pick(PROVIDERS);
  if (!random.chance(o.callShare)) return { kind: 'claim', n, start, provider, service: random.pick(SERVICES) };
  let r = random.next();
  let plan: CallPlan = 'complete';
  for (const [candidate, share] of PLANS) {
    if (r < share) {
      plan = candidate;
      break;
    }
    r -= share;
  }
  return { kind: 'call', n, start, provider, plan: plan === 'three-wrong-codes' && !o.escalations ? 'complete' : plan };
}

const callerNumber = (n: number) => `+1617${String(2530000 + (n % 10_000)).padStart(7, '0')}`;
const gaveUp = (r: ToolReply) => r.status === 'failed' || r.status === 'internal_error';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TrafficDeps {
  history: History;
  twilio: FakeTwilio;
  /** Steps stop retrying after this time. */
  retryUntil: () => number;
  /** Whether a hold left behind now still expires before the checker looks. */
  mayVanish: () => boolean;
}

/** Asks until there is a real answer (pauses 0.25 s doubling to 4 s), or until the retry deadline; the last reply. */
async function step(deps: TrafficDeps, ask: () => Promise<ToolReply>): Promise<ToolReply> {
  for (let pause = 250; ; pause = Math.min(pause * 2, 4000)) {
    const reply = await ask();
    if (!gaveUp(reply) || Date.now() + pause > deps.retryUntil()) return reply;
    await sleep(pause);
  }
}

/** Sends a call-end message until it is answered 200 (or the retry deadline passes). */
async function ending(deps: TrafficDeps, send: () => Promise<number>): Promise<boolean> {
  for (let pause = 250; ; pause = Math.min(pause * 2, 4000)) {
    if ((await send()) === 200) return true;
    if (Date.now() + pause > deps.retryUntil()) return false;
    await sleep(pause);
  }
}

export async function runClaim(deps: TrafficDeps, op: Extract<Operation, { kind: 'claim' }>): Promise<FlowResult> {
  const callId = `claim-${op.n}`;
  const number = callerNumber(op.n);
  const vapi = deps.history.client(callId);
  const args = {
    start: op.start,
    patient_name: `Chaos Claimant ${op.n}`,
    service: op.service,
    ...(op.provider ? { provider: op.provider } : {}),
  };
  const texted = textsTo(deps, number);
  // One tool-call id for every try: a redelivery of the same request, which must not book twice.
  const reply = await step(deps, () =>
    vapi.tool('book_appointment', args, { customerNumber: number, toolCallId: `tc-${callId}` }),
  );
  const result = (outcome: string): FlowResult => ({ op, callId, outcome, hungUp: false });
  if (gaveUp(reply)) return result('gave-up-at-book_appointment');
  // A clinic that needs a code holds the time and texts it: the caller reads it out, and only verify_otp books.
  if (reply.status !== 'code_sent') return result(reply.status);
  return result(await codeAndVerify(deps, phoneCall(vapi, number, callId), 0, texted));
}

export async function runCall(deps: TrafficDeps, op: Extract<Operation, { kind: 'call' }>): Promise<FlowResult> {
  const callId = `call-${op.n}`;
  const number = callerNumber(op.n + 5000);
  const call = phoneCall(deps.history.client(callId), number, callId);
  const result = (outcome: string, hungUp: boolean): FlowResult => ({ op, callId, outcome, hungUp });
  const hangUp = async (outcome: string) => {
    const ended = await ending(deps, () => call.hangUp());
    await ending(deps, () =>
      call.report({ endedReason: 'customer-ended-call', analysis: { summary: `Chaos call ${op.n}: ${outcome}.` } }),
    );
    return result(outcome, ended);
  };

  const held = await step(deps, () =>
    call.tool('reserve_slot', {
      start: op.start,
      patient_name: `Chaos Caller ${op.n}`,
      ...(op.provider ? { provider: op.provider } : {}),
    }),
  );
  if (gaveUp(held)) return hangUp('gave-up-at-reserve_slot');
  if (held.status !== 'held') return hangUp(held.status);
  // The caller's line goes dead and Vapi never reports the end: only the hold's time limit frees the slot.
  if (op.plan === 'vanish-while-holding' && deps.mayVanish()) return result('vanished-while-holding', false);
  if (op.plan === 'hang-up-while-holding' || op.plan === 'vanish-while-holding') return hangUp('hung-up-while-holding');

  const wrongCodes = op.plan === 'wrong-code-first' ? 1 : op.plan === 'three-wrong-codes' ? 3 : 0;
  const verified = await codeAndVerify(deps, call, wrongCodes);
  return hangUp(verified);
}

const textsTo = (deps: TrafficDeps, number: string) => deps.twilio.messages.filter((m) => m.to === number).length;

/**
 * send_otp, the code as the caller's phone shows it, verify_otp (after `wrongCodes` wrong ones: three end in
 * escalation); a lost or late text is asked for again. `textedBefore`: a step already sent the code
 * (book_appointment's code_sent), and the phone had this many texts before it; the first send_otp is skipped.
 */
async function codeAndVerify(
  deps: TrafficDeps,
  call: PhoneCall,
  wrongCodes: number,
  textedBefore?: number,
): Promise<string> {
  for (let sends = 0; sends < 3; sends++) {
    const alreadySent = sends === 0 && textedBefore !== undefined;
    const seen = alreadySent ? textedBefore : textsTo(deps, call.number);
    if (!alreadySent) {
      const sent = await step(deps, () => call.tool('send_otp'));
      if (gaveUp(sent)) return 'gave-up-at-send_otp';
      if (sent.status !== 'sent') return sent.status;
    }
    const texts = await deps.twilio.waitFor(call.number, seen + 1, 20_000).catch(() => undefined);
    if (!texts) continue;
    const code = codeFrom(texts.at(-1)!.body);
    let wrong = code;
    for (let w = 1; w <= wrongCodes; w++) {
      wrong = wrongCode(wrong);
      const refused = await step(deps, () => call.tool('verify_otp', { code: wrong }));
      if (gaveUp(refused)) return 'gave-up-at-verify_otp';
      if (refused.status !== (w < 3 ? 'wrong_code' : 'escalated')) return `wrong code ${w} answered ${refused.status}`;
      if (w === 3) return 'escalated';
    }
    const verified = await step(deps, () => call.tool('verify_otp', { code }));
    if (gaveUp(verified)) return 'gave-up-at-verify_otp';
    return verified.status;
  }
  return 'no-code-arrived';
}

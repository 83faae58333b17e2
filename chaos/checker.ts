// Judges a run from what was recorded (every request and answer, the faults) and what the database and the fake
// Twilio hold afterwards. Each broken promise is a finding; the figures say how much was tried.
import type { Sql } from '../src/db/client.ts';
import { overlappingPairs } from '../src/db/queries/bookings.ts';
import type { FakeTwilio } from '../testkit/fake-twilio.ts';
import type { Crash, Fault } from './faults.ts';
import { type Exchange, failed } from './history.ts';
import type { FlowResult } from './traffic.ts';

/** After an instance is healthy again, requests already under way may still be finishing. */
const GRACE_MS = 1000;
/** How long after a crash the failures it causes are put down to it: the restart and a recovery. */
const CRASH_WINDOW_MS = 15_000;
/** How many examples a finding lists. */
const EXAMPLES = 5;

export interface Finding {
  check: string;
  count: number;
  examples: string[];
}

export interface CheckInput {
  exchanges: Exchange[];
  flows: FlowResult[];
  faults: Fault[];
  crashes: Crash[];
  sql: Sql;
  twilio: FakeTwilio;
}

export async function check(input: CheckInput): Promise<{ findings: Finding[]; figures: Record<string, number> }> {
  const { exchanges, faults, crashes, sql, twilio } = input;
  const findings: Finding[] = [];
  const figures: Record<string, number> = {};
  const report = (check: string, bad: string[]) => {
    if (bad.length > 0) findings.push({ check, count: bad.length, examples: bad.slice(0, EXAMPLES) });
  };
  // A crash is a finding of its own; the failures it causes (until the restarted instance is up) are not counted twice.
  const windows = [
    ...faults.map((f) => [f.injectedAt, (f.recoveredAt ?? f.liftedAt + 30_000) + GRACE_MS] as const),
    ...crashes.map((c) => [c.at, c.at + CRASH_WINDOW_MS] as const),
  ];
  report(
    'instances that died on their own (the suite started them again)',
    crashes.map((c) => `instance ${c.instance}: ${c.why}`),
  );
  const inFaultWindow = (e: Exchange) => windows.some(([from, to]) => e.sentAt <= to && e.answeredAt >= from);
  const byCall = groupBy(exchanges, (e) => e.callId);

  // Requests that got no real answer: forgiven inside a fault window, a finding outside one.
  const failures = exchanges.filter(failed);
  figures['requests without a real answer, in fault windows'] = failures.filter(inFaultWindow).length;
  // An overloaded instance sheds load (HTTP 503 "busy", asking to retry): the machine's doing, not a broken promise.
  const shed = (e: Exchange) => e.http === 503;
  figures['requests shed under load (HTTP 503) outside fault windows'] = failures.filter(
    (e) => !inFaultWindow(e) && shed(e),
  ).length;
  report(
    'requests without a real answer outside any fault window',
    failures
      .filter((e) => !inFaultWindow(e) && !shed(e))
      .map((e) => `${e.callId} ${e.tool ?? e.type} on instance ${e.instance}: ${e.failure ?? e.reply?.status}`),
  );
  report(
    'faults the cluster did not recover from within 30 s',
    faults.filter((f) => f.recoveredAt === undefined).map((f) => `${f.kind}: ${f.lastHealth?.join(' | ')}`),
  );

  report(
    'overlapping active bookings',
    Array.from(
      { length: await overlappingPairs(sql) },
      () => 'a pair of held/confirmed bookings of one provider overlaps',
    ),
  );

  // Every "booked" answer is a confirmed booking; every confirmed booking was answered "booked", or its request
  // got no answer at all during a fault (the caller was not told either way; the call's retry then learns it).
  const acknowledged = new Map<string, Exchange>();
  for (const e of exchanges) if (e.reply?.status === 'booked') acknowledged.set(String(e.reply.appointment_id), e);
  const rows = await sql<
    { id: string; status: string; sourceCallId: string | null }[]
  >`select id, status, source_call_id from bookings`;
  const rowById = new Map(rows.map((r) => [r.id, r]));
  report(
    'acknowledged bookings missing or not confirmed',
    [...acknowledged]
      .filter(([id]) => rowById.get(id)?.status !== 'confirmed')
      .map(([id, e]) => `${e.callId}: ${id} is ${rowById.get(id)?.status ?? 'absent'}`),
  );
  const unacknowledged = rows.filter((r) => r.status === 'confirmed' && !acknowledged.has(r.id));
  const explained = unacknowledged.filter((r) =>
    (byCall.get(r.sourceCallId ?? '') ?? []).some((e) => failed(e) && inFaultWindow(e)),
  );
  // A fault may swallow the answer, but the caller asked again: if the last real answer then said anything but
  // "booked", the caller believes there is no appointment while there is one.
  const lastAnswer = (callId: string | null) =>
    (byCall.get(callId ?? '') ?? []).filter((e) => e.type === 'tool-calls' && !failed(e)).at(-1);
  report(
    'bookings confirmed while the last answer to the caller said otherwise',
    explained
      .filter((r) => lastAnswer(r.sourceCallId) !== undefined)
      .map((r) => {
        const last = lastAnswer(r.sourceCallId)!;
        return `${r.id} (call ${r.sourceCallId}): last answer ${last.tool} ${last.reply?.status} from instance ${last.instance}`;
      }),
  );
  figures['bookings acknowledged "booked"'] = acknowledged.size;
  figures['bookings confirmed in the database'] = rows.filter((r) => r.status === 'confirmed').length;
  figures['confirmed without a "booked" answer, explained by a fault'] = explained.length;
  report(
    'bookings confirmed that no answer said "booked" (outside any fault)',
    unacknowledged.filter((r) => !explained.includes(r)).map((r) => `${r.id} (call ${r.sourceCallId})`),
  );

  // No call is left holding a slot: the run has waited for the hold time and the sweeper by now.
  const held = await sql<{ id: string; sourceCallId: string; expiresAt: Date }[]>`
    select id, source_call_id, expires_at from bookings where status = 'held'`;
  report(
    'holds still active after the hold time and the sweeper',
    held.map((h) => `${h.id} (call ${h.sourceCallId}, expires ${h.expiresAt.toISOString()})`),
  );

  await checkCalls(input, byCall, report, figures, inFaultWindow);
  await checkTexts(sql, twilio, report, figures);
  return { findings, figures };
}

async function checkCalls(
  { flows, sql }: CheckInput,
  byCall: Map<string, Exchange[]>,
  report: (check: string, bad: string[]) => void,
  figures: Record<string, number>,
  inFaultWindow: (e: Exchange) => boolean,
) {
  const calls = flows.filter((f) => f.op.kind === 'call');
  const states = new Map(
    (
      await sql<
        { vapiCallId: string; state: string }[]
      >`select vapi_call_id, state from calls where vapi_call_id like 'call-%'`
    ).map((c) => [c.vapiCallId, c.state]),
  );
  report(
    'calls hung up (answered 200) but not ended in the database',
    calls
      .filter((f) => f.hungUp && states.get(f.callId) !== 'ended')
      .map((f) => `${f.callId}: ${states.get(f.callId) ?? 'no row'}`),
  );
  report(
    'calls the suite could not end (it kept trying until the deadline)',
    calls.filter((f) => !f.hungUp && f.outcome !== 'vanished-while-holding').map((f) => `${f.callId}: ${f.outcome}`),
  );

  // An interrupted call: one of its requests got no real answer. It must have carried on (a later step answered)
  // or be cleanly ended.
  let resumed = 0;
  let ended = 0;
  const stuck: string[] = [];
  for (const f of calls) {
    const mine = byCall.get(f.callId) ?? [];
    const firstFailure = mine.findIndex(failed);
    if (firstFailure < 0) continue;
    if (mine.slice(firstFailure + 1).some((e) => e.type === 'tool-calls' && !failed(e))) resumed++;
    else if (states.get(f.callId) === 'ended') ended++;
    else
      stuck.push(
        `${f.callId}: ${f.outcome}, state ${states.get(f.callId)}, failure ${inFaultWindow(mine[firstFailure]!) ? 'in' : 'outside'} a fault window`,
      );
  }
  figures['calls interrupted, then resumed'] = resumed;
  figures['calls interrupted, then cleanly ended'] = ended;
  report('interrupted calls neither resumed nor ended', stuck);
}

async function checkTexts(
  sql: Sql,
  twilio: FakeTwilio,
  report: (check: string, bad: string[]) => void,
  figures: Record<string, number>,
) {
  // Each text names its outbox row in its status-callback URL: two texts for one row is a double send.
  const perRow = groupBy(
    twilio.messages,
    (m) => (m.statusCallback ? new URL(m.statusCallback).searchParams.get('outbox') : null) ?? 'none',
  );
  report(
    'texts Twilio got without an outbox row in their callback',
    (perRow.get('none') ?? []).map((m) => `${m.sid} to ${m.to}`),
  );
  report(
    'outbox rows texted more than once',
    [...perRow].filter(([id, ms]) => id !== 'none' && ms.length > 1).map(([id, ms]) => `${id}: ${ms.length} texts`),
  );

  // Rows due later (reminders before an appointment) are not the run's business.
  const outbox = await sql<
    { id: string; kind: string; status: string; providerMessageId: string | null; deliveryStatus: string | null }[]
  >`
    select id::text, kind, status, provider_message_id, delivery_status from sms_outbox where not (status = 'pending' and (next_attempt_at > now() or send_after > now()))`;
  const [later] = await sql<
    { n: number }[]
  >`select count(*)::int as n from sms_outbox where status = 'pending' and (next_attempt_at > now() or send_after > now())`;
  figures['texts due later (reminders)'] = later!.n;
  const texted = new Set(perRow.keys());
  const sids = new Set(twilio.messages.map((m) => m.sid));
  report(
    'outbox rows marked sent whose message Twilio never got',
    outbox.filter((r) => r.status === 'sent' && !sids.has(r.providerMessageId ?? '')).map((r) => r.id),
  );
  report(
    'texts Twilio took and reported delivered, not recorded as sent',
    outbox
      .filter((r) => texted.has(r.id) && (r.status !== 'sent' || r.deliveryStatus !== 'delivered'))
      .map((r) => `${r.id} ${r.kind} ${r.status} ${r.deliveryStatus}`),
  );
  report(
    'outbox rows never sent (still due, or failed)',
    outbox.filter((r) => ['pending', 'failed'].includes(r.status)).map((r) => `${r.id} ${r.kind} ${r.status}`),
  );
  // Claimed for sending, then the sender died before Twilio got it: at most once means it is not sent again.
  figures['texts lost to a crash between claiming and sending (at most once)'] = outbox.filter(
    (r) => ['sending', 'unknown'].includes(r.status) && !texted.has(r.id),
  ).length;
  for (const r of outbox) figures[`texts: ${r.kind} ${r.status}`] = (figures[`texts: ${r.kind} ${r.status}`] ?? 0) + 1;
  figures['texts Twilio got'] = twilio.messages.length;

  // Every booking made by a whole call has its confirmation text queued (the outbox row is written with the booking).
  const missing = await sql<{ id: string }[]>`
    select b.id from bookings b
     where b.status = 'confirmed' and b.source_call_id like 'call-%'
       and not exists (select 1 from sms_outbox o where o.booking_id = b.id and o.kind = 'confirmation')`;
  report(
    'bookings of calls without a confirmation text',
    missing.map((m) => m.id),
  );
}

// Map.groupBy arrives with Node 21; the project runs on Node 20.
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

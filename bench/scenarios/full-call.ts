import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { readReply, type ToolReply, toolCallsBody } from '../../testkit/vapi.ts';
import type { Latency } from '../harness/load.ts';
import { round } from '../harness/load.ts';
import { type BenchContext, type Caller, type Endpoint, pct, type Scenario, target } from './scenario.ts';
import { PATIENT_NAME } from './uncontended-claims.ts';

/** The tools a full call needs beyond the foundation's; without any of them the scenario is skipped, not faked. */
const CALL_TOOLS = ['reserve_slot', 'send_otp', 'verify_otp'] as const;
const STEPS = ['check_availability', 'reserve_slot', 'send_otp', 'sms_delivery', 'verify_otp'] as const;
/** The steps that are requests to the webhook (sms_delivery is the fake Twilio's). */
export const TOOL_STEPS = ['check_availability', 'reserve_slot', 'send_otp', 'verify_otp'] as const;
type Step = (typeof STEPS)[number];
const SMS_TIMEOUT_MS = 15_000;

/**
 * Asks for each tool with arguments that are not JSON: a server that has the tool refuses them before running
 * anything ("invalid_arguments"), one that does not answers "unknown_tool".
 */
export async function missingTool(endpoint: Endpoint): Promise<string | undefined> {
  for (const name of CALL_TOOLS) {
    const reply = await post(
      endpoint,
      { callId: `probe-${name}`, toolCallId: `probe-${name}`, customerNumber: '+16172000000' },
      name,
      '{',
    );
    if (reply.status === 'unknown_tool') return name;
  }
  return undefined;
}

export async function post(
  endpoint: Endpoint,
  caller: Caller,
  name: string,
  args: Record<string, unknown> | string,
): Promise<ToolReply> {
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${endpoint.secret}` },
    body: JSON.stringify(toolCallsBody([{ id: caller.toolCallId, name, args }], caller)),
  });
  const text = await res.text();
  if (res.status !== 200) throw new HttpError(res.status, text);
  return readReply(JSON.parse(text).results[0]);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

export const codeIn = (sms: string) => /\b(\d{4,8})\b/.exec(sms)?.[1];

/** Microseconds in, milliseconds out (perf_hooks histograms hold integers). */
export function latency(h: RecordableHistogram): Latency {
  const ms = (us: number) => round(us / 1000, 2);
  // A step no call reached (every call failed before it) has no figures; an empty histogram's mean is NaN.
  if (h.count === 0) return { p50: 0, p97_5: 0, p99: 0, max: 0, mean: 0 };
  return {
    p50: ms(h.percentile(50)),
    p97_5: ms(h.percentile(97.5)),
    p99: ms(h.percentile(99)),
    max: ms(h.max),
    mean: ms(h.mean),
  };
}

/**
 * Virtual callers, each going check → reserve → send code → (read the SMS) → verify, then the next caller. Not
 * autocannon: each step needs the previous answer, and the code arrives asynchronously by SMS.
 */
async function runCalls(ctx: BenchContext, endpoint: Endpoint, seconds: number) {
  const histograms = Object.fromEntries(STEPS.map((s) => [s, createHistogram()])) as Record<Step, RecordableHistogram>;
  const perRequest = createHistogram();
  const outcomes: Record<string, number> = {};
  let completed = 0;
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  const count = (key: string) => (outcomes[key] = (outcomes[key] ?? 0) + 1);

  const timed = async <T>(step: Step, run: () => Promise<T>): Promise<T> => {
    const t0 = process.hrtime.bigint();
    const value = await run();
    const us = Number((process.hrtime.bigint() - t0) / 1000n);
    histograms[step].record(Math.max(1, us));
    if (step !== 'sms_delivery') {
      perRequest.record(Math.max(1, us));
      requests++;
    }
    return value;
  };
  const tool = async (
    step: Exclude<Step, 'sms_delivery'>,
    caller: Caller,
    args: Record<string, unknown>,
    expect: string,
  ) => {
    const reply = await timed(step, () =>
      post(endpoint, { ...caller, toolCallId: ctx.caller().toolCallId }, step, args),
    );
    if (reply.status !== expect) {
      count(`${step}:${reply.status}`);
      return false;
    }
    return true;
  };

  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const virtualCaller = async () => {
    while (Date.now() < deadline) {
      const caller = ctx.caller();
      const slot = ctx.freeSlots.take();
      try {
        if (
          !(await tool('check_availability', caller, { date: slot.start.slice(0, 10), provider: slot.provider }, 'ok'))
        )
          continue;
        if (
          !(await tool(
            'reserve_slot',
            caller,
            { start: slot.start, provider: slot.provider, patient_name: PATIENT_NAME },
            'held',
          ))
        )
          continue;
        if (!(await tool('send_otp', caller, {}, 'sent'))) continue;
        const sms = await timed('sms_delivery', () => ctx.twilio.nextMessage(caller.customerNumber, SMS_TIMEOUT_MS));
        const code = codeIn(sms);
        if (!code) {
          count('sms:no_code');
          continue;
        }
        if (!(await tool('verify_otp', caller, { code }, 'booked'))) continue;
        completed++;
        count('booked');
      } catch (err) {
        if (err instanceof HttpError) non2xx++;
        else errors++;
        count(err instanceof HttpError ? `http_${err.status}` : 'error');
      }
    }
  };
  await Promise.all(Array.from({ length: ctx.options.connections }, virtualCaller));
  const elapsed = (Date.now() - started) / 1000;
  return {
    completed,
    elapsed,
    steps: Object.fromEntries(STEPS.map((s) => [s, { count: histograms[s].count, latencyMs: latency(histograms[s]) }])),
    load: {
      connections: ctx.options.connections,
      seconds: round(elapsed, 2),
      requests,
      perSecond: round((requests - non2xx) / elapsed),
      latencyMs: latency(perRequest),
      non2xx,
      errors,
      timeouts: 0,
      outcomes,
    },
  };
}

export const fullCall: Scenario = {
  name: 'full_call',
  title: 'Full call: check → reserve → send code → verify',
  baseline: 'baseline',
  async run(ctx) {
    const { codesUrl, ...slotkeeper } = await ctx.slotkeeper();
    const endpoint = { ...slotkeeper, url: codesUrl };
    const missing = await missingTool(endpoint);
    if (missing) return { status: 'skipped', reason: `${missing} not available` };
    if (ctx.options.warmupSeconds > 0) await runCalls(ctx, endpoint, ctx.options.warmupSeconds);
    const run = await runCalls(ctx, endpoint, ctx.options.seconds);
    return {
      status: 'ok',
      load: run.load,
      steps: run.steps,
      throughput: { value: round(run.completed / run.elapsed), unit: 'calls/s' },
      notes: [
        '"vs baseline" compares the HTTP requests of all steps per second; sms_delivery is the wait for the code to reach the fake Twilio',
      ],
    };
  },
  targets: (m, ratio) => [
    target(
      'every call booked',
      `${m.load.outcomes.booked ?? 0} booked; ${JSON.stringify(m.load.outcomes)}`,
      Object.keys(m.load.outcomes).every((k) => k === 'booked'),
    ),
    target('requests/s vs baseline (reported, no target set)', pct(ratio), true),
    ...TOOL_STEPS.map((step) => {
      const p99 = m.steps?.[step]?.latencyMs.p99;
      return target(`${step} p99 < 200 ms`, p99 === undefined ? 'n/a' : `${p99} ms`, p99 !== undefined && p99 < 200);
    }),
  ],
};

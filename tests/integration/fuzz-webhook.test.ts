// Property-based fuzzing of every Vapi server message type the webhook may receive: the tool calls' arguments come
// from each tool's zod schema (z.toJSONSchema, as exported to Vapi), the report's fields from the ones
// src/vapi/call-report.ts reads, and any leaf may be hostile. Asserted for every payload: never a 5xx, an answer
// within 2 s, and nothing written unless the answer says something happened. Seeded (FUZZ_SEED); FUZZ_RUNS cases.
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { toolParameters } from '../../src/vapi/tool-export.ts';
import { tools } from '../../src/vapi/tools/index.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import {
  answered,
  changed,
  FUZZ_RUNS,
  FUZZ_SEED,
  fromSchema,
  hostileNumber,
  hostileString,
  hostileValue,
  rowCounts,
} from '../helpers/fuzz.ts';

const SECRET = 'fuzz-webhook-secret-01';
const seen = { payloads: 0, byStatus: {} as Record<number, number>, wrote: 0 };
const it = integrationTest({
  clinic: { secret: SECRET, ownerPhone: '+16175550199' },
  env: { RATE_LIMIT_WEBHOOK_PER_TENANT: '1000000', RATE_LIMIT_WEBHOOK_PER_IP: '1000000' },
});
it.afterAll(() => {
  console.info(
    `fuzz-webhook: ${seen.payloads} payloads, answers ${JSON.stringify(seen.byStatus)}, ${seen.wrote} wrote rows`,
  );
});

// Vapi's server message types (../shared/reference/vapi-protocol.md §1); the ones the webhook acts on get their fields.
const OTHER_TYPES = [
  'conversation-update',
  'speech-update',
  'transcript',
  'hang',
  'user-interrupted',
  'model-output',
  'voice-input',
  'phone-call-control',
  'transfer-destination-request',
  'transfer-update',
  'knowledge-base-request',
  'language-change-detected',
  'tool-calls-result',
];
// A few call ids, so messages meet calls that exist, are in progress or have ended.
const callId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('fz-call-1', 'fz-call-2', 'fz-call-3') },
  { weight: 1, arbitrary: hostileString },
);
const number = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('+16172534001', '+16172534002', '(617) 253-4003') },
  { weight: 1, arbitrary: hostileString },
);
const call = fc.record({ id: callId, customer: fc.record({ number }, { requiredKeys: [] }) }, { requiredKeys: ['id'] });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: hostileValue });

const toolCall = fc.constantFrom(...tools.values()).chain((tool) =>
  fc.record({
    id: maybe(fc.string({ minLength: 1, maxLength: 12 }).map((s) => `tc_${s}`)),
    type: fc.constant('function'),
    function: fc.record({
      name: fc.oneof({ weight: 8, arbitrary: fc.constant(tool.name) }, { weight: 1, arbitrary: hostileString }),
      arguments: fc.oneof(
        { weight: 6, arbitrary: fromSchema(toolParameters(tool) as never, { uuids: [] }) },
        {
          weight: 1,
          arbitrary: fromSchema(toolParameters(tool) as never, { uuids: [] }).map((a) => JSON.stringify(a)),
        },
        { weight: 1, arbitrary: hostileString },
      ),
    }),
  }),
);

const date = fc.oneof(
  fc
    .date({ min: new Date(Date.UTC(2019, 0, 1)), max: new Date(Date.UTC(2101, 0, 1)), noInvalidDate: true })
    .map((d) => d.toISOString()),
  hostileString,
);

const message = fc.oneof(
  fc.record({
    type: fc.constant('tool-calls'),
    call,
    toolCallList: maybe(fc.array(toolCall, { minLength: 1, maxLength: 3 })),
    timestamp: maybe(hostileNumber),
  }),
  fc.record(
    {
      type: fc.constant('status-update'),
      call,
      status: maybe(fc.constantFrom('scheduled', 'queued', 'ringing', 'in-progress', 'forwarding', 'ended')),
      endedReason: maybe(hostileString),
      timestamp: maybe(fc.oneof(hostileNumber, date)),
    },
    { requiredKeys: ['type', 'call', 'status'] },
  ),
  fc.record(
    {
      type: fc.constant('end-of-call-report'),
      call,
      endedReason: maybe(hostileString),
      startedAt: maybe(date),
      endedAt: maybe(date),
      cost: maybe(hostileNumber),
      summary: maybe(hostileString),
      transcript: maybe(hostileString),
      analysis: maybe(
        fc.record(
          { summary: maybe(hostileString), structuredData: hostileValue, successEvaluation: hostileValue },
          { requiredKeys: [] },
        ),
      ),
      artifact: maybe(
        fc.record(
          {
            transcript: maybe(hostileString),
            messages: maybe(
              fc.array(fc.record({ role: fc.constantFrom('user', 'bot'), message: hostileString }), { maxLength: 3 }),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ['type', 'call'] },
  ),
  fc.record(
    { type: fc.constant('assistant-request'), call, phoneNumber: maybe(fc.record({ number })) },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constantFrom(...OTHER_TYPES), call, extra: hostileValue }, { requiredKeys: ['type'] }),
  // Not a message at all, or one whose envelope is wrong.
  fc.record({ type: hostileValue, call: hostileValue }),
);

const body = fc.oneof(
  { weight: 12, arbitrary: message.map((m) => JSON.stringify({ message: m })) },
  { weight: 1, arbitrary: hostileString },
);

// Statuses of tool answers after which rows may be new: a hold, a code sent, a booking or its change, a human asked for.
const WRITING_STATUSES = new Set([
  'held',
  'sent',
  'booked',
  'already_booked',
  'confirmed',
  'cancelled',
  'rescheduled',
  'escalated',
  'ok',
]);
// What every accepted message may add: the call's row, its machine's transitions, a replayable tool answer.
const AUDIT = new Set(['calls', 'callEvents', 'toolCallResults']);

describe('webhook fuzz', () => {
  it(`never a 5xx, never a hang, nothing written unless answered so (${FUZZ_RUNS} payloads, seed ${FUZZ_SEED})`, async ({
    db,
    server,
  }) => {
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const before = await rowCounts(db.sql);
        const res = await answered(`${server.url}/vapi/demo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
          body: raw,
        });
        const after = await rowCounts(db.sql);
        seen.payloads++;
        seen.byStatus[res.status] = (seen.byStatus[res.status] ?? 0) + 1;
        expect(res.status, res.text).toBeLessThan(500);
        const wrote = changed(before, after);
        if (wrote.length) seen.wrote++;
        if (res.status >= 400) return void expect(wrote, res.text).toEqual([]);
        const answer = JSON.parse(res.text) as { results?: { result?: string; error?: string }[] };
        if (!answer.results) return;
        const statuses = answer.results.map((r) => (JSON.parse(r.result ?? r.error!) as { status: string }).status);
        if (!statuses.some((s) => WRITING_STATUSES.has(s)))
          expect(
            wrote.filter((t) => !AUDIT.has(t)),
            statuses.join(),
          ).toEqual([]);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
  }, 600_000);
});

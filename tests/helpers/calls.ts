// Whole phone calls against the real server: each call has its Vapi call id and the caller's number.
import { randomUUID } from 'node:crypto';
import type { Vapi } from '@vapi-ai/server-sdk';
import type { Sql } from '../../src/db/client.ts';
import { freePort } from '../../src/db/embedded.ts';
import type { FakeTwilio } from '../../testkit/fake-twilio.ts';
import {
  endOfCallReportBody,
  type LegacyReportFields,
  statusUpdateBody,
  type ToolReply,
  type VapiClient,
  vapiCall,
} from '../../testkit/vapi.ts';
import { type RunningServer, startServer } from './server.ts';

export interface PhoneCall {
  id: string;
  number: string;
  tool(name: string, args?: Record<string, unknown>): Promise<ToolReply>;
  /** Vapi's status-update with status "ended". */
  hangUp(): Promise<number>;
  report(fields?: Partial<Vapi.ServerMessageEndOfCallReport> & LegacyReportFields): Promise<number>;
}

export function phoneCall(
  vapi: Pick<VapiClient, 'post' | 'tool'>,
  number: string,
  id = `call-${randomUUID()}`,
): PhoneCall {
  const call = vapiCall(id, number);
  return {
    id,
    number,
    tool: (name, args = {}) => vapi.tool(name, args, { callId: id, customerNumber: number }),
    hangUp: async () =>
      (await vapi.post(statusUpdateBody({ status: 'ended', endedReason: 'customer-ended-call' }, call))).status,
    report: async (fields = {}) => (await vapi.post(endOfCallReportBody(fields, call))).status,
  };
}

/** The code from the text message the fake Twilio received: the only place a test may read it from. */
export function codeFrom(body: string): string {
  const code = body.match(/\b(\d{4,8})\b/)?.[1];
  if (!code) throw new Error(`no code in "${body}"`);
  return code;
}

/** A code of the same length that differs from `code` in every digit. */
export const wrongCode = (code: string): string =>
  code
    .split('')
    .map((d) => String((Number(d) + 1) % 10))
    .join('');

/** The server with Twilio pointed at the fake, a public URL for status callbacks, and short SMS retry timers. */
export async function startServerWithTwilio(
  sql: Sql,
  twilio: FakeTwilio,
  options: {
    secretsKey: string;
    env?: Record<string, string>;
    now?: () => number;
    logStream?: { write(line: string): void };
  },
): Promise<RunningServer> {
  const port = await freePort();
  return startServer(sql, {
    port,
    now: options.now,
    logStream: options.logStream,
    env: {
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SECRETS_KEY: options.secretsKey,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM_NUMBER: twilio.from,
      TWILIO_API_BASE_URL: twilio.url,
      SMS_DISPATCH_INTERVAL_MS: '50',
      SMS_RETRY_BASE_MS: '50',
      HOLD_SWEEP_INTERVAL_MS: '100',
      ...options.env,
    },
  });
}

/** Polls a condition in the database (no fixed sleeps, no timing assertions). */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in time; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The promise's value, or 'no answer' if it has none within `ms`: a hang fails an expectation instead of the test. */
export const within = <T>(ms: number, answer: Promise<T>): Promise<T | 'no answer'> =>
  Promise.race([answer, new Promise<'no answer'>((resolve) => setTimeout(resolve, ms, 'no answer'))]);

/** One turn of a report's transcript, as Vapi's artifact carries it. */
export const turn = (
  role: 'bot' | 'user',
  message: string,
  secondsFromStart = 0,
): Vapi.BotMessage | Vapi.UserMessage => {
  const time = Date.parse('2026-09-01T08:00:00.000Z') + secondsFromStart * 1000;
  return { role, message, time, endTime: time + 2000, secondsFromStart };
};

/** An end-of-call report's fields as Vapi sends them: the caller's turns, the analysis, and the call's length. */
export function reportFields(o: { summary: string; callerSays: string; seconds: number; successEvaluation: string }) {
  const startedAt = Date.parse('2026-09-01T08:00:00.000Z');
  return {
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(startedAt + o.seconds * 1000).toISOString(),
    analysis: { summary: o.summary, successEvaluation: o.successEvaluation },
    artifact: {
      messages: [turn('bot', 'Demo Family Clinic, how can I help?'), turn('user', o.callerSays, 3)],
      transcript: `AI: Demo Family Clinic, how can I help?\nUser: ${o.callerSays}`,
    },
  };
}

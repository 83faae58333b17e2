// Every request the suite sends and what came back (or did not), in order: the record the checker judges.
import { randomUUID } from 'node:crypto';
import { readReply, type ToolReply, toolCallsBody, type VapiClient } from '../testkit/vapi.ts';
import type { Instance } from '../tests/helpers/instances.ts';
import type { Random } from './random.ts';

/** Vapi gives up on a tool call after 20 s; so does the suite. */
const REQUEST_TIMEOUT_MS = 20_000;

export interface Exchange {
  seq: number;
  callId: string;
  /** 'tool-calls', 'status-update', 'end-of-call-report' */
  type: string;
  tool?: string;
  toolCallId?: string;
  args?: unknown;
  instance: number;
  sentAt: number;
  answeredAt: number;
  http?: number;
  /** The tool's answer, from `result` or `error`, whichever came. */
  reply?: ToolReply;
  /** No usable answer: connection refused or cut, timeout, a non-200 status, a body that is not an answer. */
  failure?: string;
}

/** An exchange that did not give the caller a real answer: a transport failure or "something went wrong". */
export const failed = (e: Exchange) => e.failure !== undefined || e.reply?.status === 'internal_error';

export class History {
  readonly exchanges: Exchange[] = [];
  private readonly inFlight: number[];

  constructor(
    private readonly instances: Instance[],
    private readonly random: Random,
  ) {
    this.inFlight = instances.map(() => 0);
  }

  /** Requests of whole calls now waiting on instance `i`: the moment to kill it "mid-call". */
  callsInFlight(i: number): number {
    return this.inFlight[i]!;
  }

  /** A Vapi client for one call: each request goes to a random instance, as behind a load balancer, and is recorded. */
  client(callId: string): Pick<VapiClient, 'post' | 'tool'> {
    const send = async (body: unknown, meta: Pick<Exchange, 'type' | 'tool' | 'toolCallId' | 'args'>) => {
      const instance = this.random.int(this.instances.length);
      const e: Exchange = { seq: this.exchanges.length, callId, instance, sentAt: Date.now(), answeredAt: 0, ...meta };
      this.exchanges.push(e);
      const mid = callId.startsWith('call-');
      if (mid) this.inFlight[instance]!++;
      try {
        const res = await fetch(`${this.instances[instance]!.url}/vapi/demo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${CHAOS_SECRET}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        e.http = res.status;
        const text = await res.text();
        if (res.status !== 200) e.failure = `HTTP ${res.status}: ${text.slice(0, 200)}`;
        return { e, status: res.status, text };
      } catch (err) {
        e.failure = describe(err);
        return { e, status: 0, text: '' };
      } finally {
        e.answeredAt = Date.now();
        if (mid) this.inFlight[instance]!--;
      }
    };
    return {
      async post(body) {
        const message = (body as { message: { type: string } }).message;
        const res = await send(body, { type: message.type });
        return { status: res.status, json: undefined };
      },
      async tool(name, args, call = {}) {
        const toolCallId = call.toolCallId ?? `tc-${randomUUID()}`;
        const { e, ...res } = await send(toolCallsBody([{ id: toolCallId, name, args }], { ...call, callId }), {
          type: 'tool-calls',
          tool: name,
          toolCallId,
          args,
        });
        if (res.status !== 200) return { field: 'error', status: 'failed', say: e.failure ?? '' };
        try {
          e.reply = readReply(JSON.parse(res.text).results[0]);
        } catch (err) {
          e.failure = `unreadable answer: ${describe(err)}`;
          return { field: 'error', status: 'failed', say: e.failure };
        }
        return e.reply;
      },
    };
  }
}

export const CHAOS_SECRET = 'chaos-suite-vapi-secret-0001';

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

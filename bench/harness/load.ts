import autocannon from 'autocannon';
import { readReply, type ToolCallSpec, toolCallsBody } from '../../testkit/vapi.ts';

export interface Latency {
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  /** Requests answered with a 2xx, per second. */
  perSecond: number;
  latencyMs: Latency;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answers by their `status` ("ok", "booked", "unavailable", …); "unreadable" for a body that is not one. */
  outcomes: Record<string, number>;
}

export interface LoadSpec {
  url: string;
  secret: string;
  connections: number;
  seconds: number;
  /** The one tool call of each request; called once per request, so every request can differ. */
  nextCall: () => {
    call: ToolCallSpec;
    callId: string;
    customerNumber: string /** Another clinic's webhook path on the same server. */;
    path?: string;
  };
  /** Read and count the answers' statuses (costs the load generator a JSON parse per answer). */
  countOutcomes?: boolean;
}

/** One autocannon run against a Vapi-shaped endpoint: every request a fresh body from `nextCall`. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const outcomes: Record<string, number> = {};
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${spec.secret}` },
        setupRequest: (req) => {
          const { call, callId, customerNumber, path } = spec.nextCall();
          return {
            ...req,
            ...(path ? { path } : {}),
            body: JSON.stringify(toolCallsBody([call], { callId, customerNumber })),
          };
        },
        onResponse: spec.countOutcomes
          ? (status, body) => {
              const key = status === 200 ? answerStatus(body) : `http_${status}`;
              outcomes[key] = (outcomes[key] ?? 0) + 1;
            }
          : undefined,
      },
    ],
  });
  const requests = result.latency.totalCount;
  return {
    connections: spec.connections,
    seconds: result.duration,
    requests,
    perSecond: round((requests - result.non2xx) / result.duration),
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    outcomes,
  };
}

function answerStatus(body: string): string {
  try {
    return readReply(JSON.parse(body).results[0]).status;
  } catch {
    return 'unreadable';
  }
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

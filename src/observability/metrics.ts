import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One registry per app instance, so several apps in one process (tests) keep their own counts. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    toolCalls: new Counter({
      name: 'slotkeeper_tool_calls_total',
      help: 'Vapi tool calls answered, by tool and answer status',
      labelNames: ['tool', 'status'] as const,
      registers: [registry],
    }),
    toolDuration: new Histogram({
      name: 'slotkeeper_tool_call_duration_seconds',
      help: 'Time to answer one Vapi tool call',
      labelNames: ['tool'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'slotkeeper_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

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
    claims: new Counter({
      name: 'slotkeeper_claims_total',
      help: 'Claim attempts on one provider: outcome (won, conflict, fast_refused in memory, refused by the rules) and path (memory, local, locked, lock_contention, degraded)',
      labelNames: ['outcome', 'path'] as const,
      registers: [registry],
    }),
    lockWait: new Histogram({
      name: 'slotkeeper_claim_lock_wait_seconds',
      help: 'Time to get the cross-instance claim lock, or to give up on it under contention',
      labelNames: ['result'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    availabilityCache: new Counter({
      name: 'slotkeeper_availability_cache_total',
      help: 'Provider-day availability lookups: hit or miss (read from PostgreSQL)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    recordsNotSaved: new Counter({
      name: 'slotkeeper_records_not_saved_total',
      help: 'Writes of a record that must not be lost (call_transition, call_report, lead, outbox) that failed; each failed its request visibly, for the sender to retry',
      labelNames: ['record'] as const,
      registers: [registry],
    }),
    redisDegraded: new Counter({
      name: 'slotkeeper_redis_degraded_total',
      help: 'Operations done without Redis because it was unreachable (lock, availability, invalidation, rate_limit)',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
  };
}


export type Metrics = ReturnType<typeof createMetrics>;

/** The records that are saved or their request fails: never logged and dropped (docs/operations.md). */
export type KeptRecord = 'call_transition' | 'call_report' | 'lead' | 'outbox';
export type RecordsNotSaved = Metrics['recordsNotSaved'];

/** Runs the write of a record that must not be lost: a failure is counted and goes on to fail the request. */
export async function mustSave<T>(counter: RecordsNotSaved, record: KeptRecord, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    counter.inc({ record });
    throw err;
  }
}

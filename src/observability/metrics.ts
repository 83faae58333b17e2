import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OpsGauges } from '../db/queries/ops-gauges.ts';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One registry per app instance, so several apps in one process (tests) keep their own counts. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const held = new Map<string, () => number>();
  return {
    registry,
    /** Reports how many entries an in-memory structure holds now (actors, caches), read when /metrics is scraped. */
    countInMemory(kind: string, count: () => number): void {
      held.set(kind, count);
    },
    inMemory: new Gauge({
      name: 'slotkeeper_in_memory_entries',
      help: 'Entries held in memory by kind (slot actors, clinic directory, remembered alternatives, call actors, queued replay records)',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        for (const [kind, count] of held) this.set({ kind }, count());
      },
    }),
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
    sms: new Counter({
      name: 'slotkeeper_sms_sends_total',
      help: 'Outbox send attempts by this instance, by kind (otp, confirmation, cancellation, reschedule, alert, reminder, offer) and outcome (sent, retry: failed and will be tried again, failed: given up, unknown: the provider may have it)',
      labelNames: ['kind', 'outcome'] as const,
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
      help: 'Operations done without Redis because it was unreachable (lock, availability, invalidation, rate_limit, replay_record, replay_write_behind)',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Gauges read from the database at scrape time: the outbox, open calls, holds, leads (the same in every instance:
 * take max() across instances) and this instance's pool. A failed reading leaves them out of that scrape and
 * `slotkeeper_ops_gauges_up` at 0, so /metrics itself keeps answering while the database is down.
 */
export function registerOpsGauges(
  metrics: Metrics,
  read: () => Promise<OpsGauges>,
  poolMax: number,
  onError: (err: unknown) => void,
): void {
  // One scrape asks every gauge in turn: they share the reading under way, so a scrape costs one query.
  let pending: Promise<OpsGauges | undefined> | undefined;
  const reading = () =>
    (pending ??= read()
      .catch((err) => {
        onError(err);
        return undefined;
      })
      .finally(() =>
        setImmediate(() => {
          pending = undefined;
        }),
      ));
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    fill: (g: Gauge<L>, v: OpsGauges) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [metrics.registry],
      async collect() {
        const v = await reading();
        this.reset();
        if (v) fill(this, v);
      },
    });
  new Gauge({
    name: 'slotkeeper_ops_gauges_up',
    help: 'Whether the database gauges could be read at this scrape (1) or not (0)',
    registers: [metrics.registry],
    async collect() {
      this.set((await reading()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'slotkeeper_db_pool_max',
    help: 'The largest number of connections this instance opens (DB_POOL_SIZE)',
    registers: [metrics.registry],
  }).set(poolMax);
  gauge(
    'slotkeeper_db_pool_connections',
    "This instance's open PostgreSQL connections by state (active is in use; idle is free)",
    ['state'],
    (g, v) => {
      for (const p of v.pool) g.set({ state: p.state }, p.count);
    },
  );
  gauge(
    'slotkeeper_sms_outbox_messages',
    'Texts waiting in the outbox: pending (to send), sending (taken by a dispatcher), unknown (provider may have it)',
    ['status'],
    (g, v) => {
      for (const status of ['pending', 'sending', 'unknown'])
        g.set({ status }, v.outbox.find((o) => o.status === status)?.count ?? 0);
    },
  );
  gauge(
    'slotkeeper_sms_outbox_oldest_due_seconds',
    'How long the oldest due, unsent text has waited (0 when none)',
    [],
    (g, v) => g.set(v.oldestPendingSeconds),
  );
  gauge(
    'slotkeeper_active_calls',
    'Calls in progress: no end-of-call report yet, not ending, active in the last two hours',
    [],
    (g, v) => g.set(v.activeCalls),
  );
  gauge('slotkeeper_active_holds', 'Slots held for a caller right now (not yet confirmed or expired)', [], (g, v) =>
    g.set(v.activeHolds),
  );
  gauge('slotkeeper_leads_last_24h', 'Leads scored in the last 24 hours, hot or not', ['hot'], (g, v) => {
    for (const hot of [true, false]) g.set({ hot: String(hot) }, v.leads24h.find((l) => l.hot === hot)?.count ?? 0);
  });
}

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

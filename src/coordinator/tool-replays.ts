import type { Redis } from 'ioredis';
import type { Sql } from '../db/client.ts';
import { findToolResult, saveToolResult, saveToolResults, type ToolResultRecord } from '../db/queries/tool-calls.ts';
import { withTenant } from '../db/tenant-scope.ts';

/** How a tool call with a replay record begins: run it, or answer what an earlier delivery of its id answered. */
export type ReplayTicket = { kind: 'run'; via: 'redis' | 'database' } | { kind: 'replay'; answer: unknown };

export interface ToolReplaysOptions {
  sql: Sql;
  redis?: { commands: Redis; prefix: string };
  /** Told when a record could not be kept in Redis or written behind (it then only means a repeat runs again). */
  degraded?: (operation: 'replay_record' | 'replay_write_behind') => void;
  recordTtlMs?: number;
  pendingTtlMs?: number;
  flushMs?: number;
}

/** Marks a tool-call id whose first delivery is running; a value no recorded answer (a JSON object) can be. */
const PENDING = '~';
const POLL_MS = 15;

/**
 * The replay records of tool calls (a repeated tool-call id gets its first answer again, on any instance) without a
 * synchronous PostgreSQL write on the request path. With Redis: the first delivery takes the id with `SET NX` (a
 * pending marker), a concurrent repeat waits for its answer, and the answer replaces the marker; PostgreSQL gets the
 * record written behind, in batches, so it outlives Redis. An accepted claim records its answer in its own statement
 * (claim_slot_answered) and checks this table there too, which covers a Redis that lost its keys.
 * Without Redis (or while it is down) the record is read and written in PostgreSQL as before: slower, still right.
 */
export class ToolReplays {
  private readonly redis: Redis | undefined;
  private readonly queue: ToolResultRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly recordTtlMs: number;
  private readonly pendingTtlMs: number;
  private readonly flushMs: number;

  constructor(private readonly o: ToolReplaysOptions) {
    this.redis = o.redis?.commands;
    this.recordTtlMs = o.recordTtlMs ?? 24 * 3600_000;
    // Longer than any tool call runs (a step answers "still working" after 15 s); a crashed first delivery's marker
    // lapses after it, and the repeat then runs.
    this.pendingTtlMs = o.pendingTtlMs ?? 20_000;
    this.flushMs = o.flushMs ?? 50;
  }

  /** Records waiting to be written behind. */
  get queued(): number {
    return this.queue.length;
  }

  private key(tenantId: string, toolCallId: string): string {
    return `${this.o.redis!.prefix}replay:${tenantId}:${toolCallId}`;
  }

  async begin(tenantId: string, toolCallId: string): Promise<ReplayTicket> {
    const deadline = Date.now() + this.pendingTtlMs;
    while (this.redis?.status === 'ready' && Date.now() < deadline) {
      let earlier: string | null;
      try {
        earlier = (await this.redis.call(
          'SET',
          this.key(tenantId, toolCallId),
          PENDING,
          'PX',
          String(this.pendingTtlMs),
          'NX',
          'GET',
        )) as string | null;
      } catch {
        break;
      }
      if (earlier === null) return { kind: 'run', via: 'redis' };
      if (earlier !== PENDING) return { kind: 'replay', answer: JSON.parse(earlier) };
      // Another delivery of this id is running right now (here or on another instance): its answer will be ours.
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const stored = await withTenant(this.o.sql, tenantId, (tx) => findToolResult(tx, tenantId, toolCallId));
    return stored === undefined ? { kind: 'run', via: 'database' } : { kind: 'replay', answer: stored };
  }

  /** Records the answer of a ticket that ran; returns the answer that stands (the first, if another got there). */
  async finish(ticket: Extract<ReplayTicket, { kind: 'run' }>, record: ToolResultRecord): Promise<unknown> {
    if (ticket.via === 'redis') {
      try {
        await this.redis!.set(
          this.key(record.tenantId, record.toolCallId),
          JSON.stringify(record.response),
          'PX',
          this.recordTtlMs,
        );
        this.writeBehind(record);
        return record.response;
      } catch {
        this.o.degraded?.('replay_record');
      }
    }
    return withTenant(this.o.sql, record.tenantId, (tx) => saveToolResult(tx, record));
  }

  /** The call failed before it had an answer: the next delivery of the id should really run. */
  async abandon(ticket: Extract<ReplayTicket, { kind: 'run' }>, tenantId: string, toolCallId: string): Promise<void> {
    if (ticket.via !== 'redis') return;
    await this.redis!.del(this.key(tenantId, toolCallId)).catch(() => {});
  }

  /** Writes what is queued now; resolves when it is in PostgreSQL (or failed). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0);
    const byTenant = new Map<string, ToolResultRecord[]>();
    for (const r of batch) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r]);
    this.flushing = this.flushing.then(async () => {
      for (const [tenantId, records] of byTenant) {
        try {
          await withTenant(this.o.sql, tenantId, (tx) => saveToolResults(tx, records));
        } catch {
          this.o.degraded?.('replay_write_behind');
        }
      }
    });
    await this.flushing;
  }

  private writeBehind(record: ToolResultRecord): void {
    this.queue.push(record);
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }
}

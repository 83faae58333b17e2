import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Sql } from '../db/client.ts';
import { sendDashboardNotices } from '../db/queries/dashboard-notices.ts';

export const DASHBOARD_CHANNEL = 'slotkeeper_dashboard';

/** What changed on a clinic's dashboard; left by the triggers (sql/functions/dashboard_notify.sql). */
export const DashboardEvent = z.object({
  tenantId: z.uuid(),
  kind: z.string().min(1).max(40),
  id: z.string().max(200).nullable(),
});
export type DashboardEvent = z.infer<typeof DashboardEvent>;

type Listener = (event: DashboardEvent) => void;

export interface DashboardHubOptions {
  /** How often this instance sends on the notices waiting in PostgreSQL; a page hears of a change within about this. */
  sendEveryMs?: number;
}

/** Notices sent in one commit at most; a full pass is followed by another at once. */
const NOTICES_PER_PASS = 2000;

/**
 * Fans change notices out to the dashboards connected to this instance. A change's trigger leaves a notice in
 * PostgreSQL as part of its transaction; every instance sends the waiting ones on with NOTIFY a few times a second
 * (so no booking's commit waits for NOTIFY's database-wide lock) and LISTENs on one channel, so a booking committed
 * through any instance reaches every page, with or without Redis. Each listener hears only its own clinic's events:
 * the tenant is the key of the map, never a filter a page could forget.
 */
export class DashboardHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly sendEveryMs: number;
  private unlisten?: () => Promise<void>;
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private failing = false;

  constructor(
    private readonly sql: Sql,
    private readonly log: FastifyBaseLogger,
    options: DashboardHubOptions = {},
  ) {
    this.sendEveryMs = options.sendEveryMs ?? 100;
  }

  async start(): Promise<void> {
    // postgres.js keeps one dedicated connection for LISTEN and re-subscribes after a reconnect.
    const { unlisten } = await this.sql.listen(DASHBOARD_CHANNEL, (payload) => this.deliver(payload));
    this.unlisten = unlisten;
    this.timer = setInterval(() => {
      this.sending ??= this.sendWaiting().finally(() => {
        this.sending = undefined;
      });
    }, this.sendEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sending;
    await this.unlisten?.();
    this.listeners.clear();
  }

  subscribe(tenantId: string, listener: Listener): () => void {
    const set = this.listeners.get(tenantId) ?? new Set<Listener>();
    this.listeners.set(tenantId, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(tenantId);
    };
  }

  private async sendWaiting(): Promise<void> {
    try {
      let taken: number;
      do taken = await sendDashboardNotices(this.sql, NOTICES_PER_PASS);
      while (taken === NOTICES_PER_PASS);
      if (this.failing) this.log.info('dashboard notices are being sent again');
      this.failing = false;
    } catch (err) {
      // The notices stay in their table and go out on a later pass; said once per outage, not ten times a second.
      if (!this.failing) this.log.warn({ err }, 'could not send dashboard notices; retrying');
      this.failing = true;
    }
  }

  private deliver(payload: string): void {
    let event: DashboardEvent;
    try {
      event = DashboardEvent.parse(JSON.parse(payload));
    } catch (err) {
      this.log.warn({ err, payload: payload.slice(0, 200) }, 'ignored a malformed dashboard notice');
      return;
    }
    for (const listener of this.listeners.get(event.tenantId) ?? []) listener(event);
  }
}

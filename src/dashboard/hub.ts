import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Sql } from '../db/client.ts';

export const DASHBOARD_CHANNEL = 'slotkeeper_dashboard';

/** What changed on a clinic's dashboard; sent by the triggers in migrations/005_leads_dashboard.sql. */
export const DashboardEvent = z.object({
  tenantId: z.uuid(),
  kind: z.string().min(1).max(40),
  id: z.string().max(200).nullable(),
});
export type DashboardEvent = z.infer<typeof DashboardEvent>;

type Listener = (event: DashboardEvent) => void;

/**
 * Fans change notices out to the dashboards connected to this instance. Every instance LISTENs on one PostgreSQL
 * channel, so a booking committed through any instance reaches every page, with or without Redis. Each listener
 * hears only its own clinic's events: the tenant is the key of the map, never a filter a page could forget.
 */
export class DashboardHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly sql: Sql,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    // postgres.js keeps one dedicated connection for LISTEN and re-subscribes after a reconnect.
    const { unlisten } = await this.sql.listen(DASHBOARD_CHANNEL, (payload) => this.deliver(payload));
    this.unlisten = unlisten;
  }

  async stop(): Promise<void> {
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

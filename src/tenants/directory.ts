import type { Sql } from '../db/client.ts';
import { findTenantBySlug, loadCatalog } from '../db/queries/tenants.ts';
import { withTenant } from '../db/tenant-scope.ts';
import type { Catalog, Tenant } from '../domain/tenant.ts';

export interface TenantContext {
  tenant: Tenant;
  catalog: Catalog;
}

interface Entry {
  value: Promise<TenantContext | undefined>;
  loadedAt: number;
  /** Known once loaded. */
  tenantId?: string;
}

/** Notified by the triggers of migrations/010_catalog_notify.sql with the id of the clinic that changed. */
const CATALOG_CHANNEL = 'slotkeeper_catalog';

/**
 * Clinic settings and catalogue, read on every tool call, kept in memory for a few seconds. A tool call then costs
 * no query for them. A change is seen at once on every instance that `listen`s (PostgreSQL notifies it on commit),
 * and within `ttlMs` should a notification be missed while the listening connection was down.
 */
export class TenantDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly sql: Sql,
    private readonly ttlMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Clinics held in memory now. */
  get size(): number {
    return this.entries.size;
  }

  get(slug: string): Promise<TenantContext | undefined> {
    const hit = this.entries.get(slug);
    if (hit && this.now() - hit.loadedAt < this.ttlMs) return hit.value;
    const value = this.load(slug);
    const entry: Entry = { value, loadedAt: this.now() };
    this.entries.set(slug, entry);
    // Neither a failed load (database down) nor an unknown slug is remembered: the map holds real clinics only.
    value.then(
      (ctx) => {
        if (ctx) entry.tenantId = ctx.tenant.id;
        else this.drop(slug, entry);
      },
      () => this.drop(slug, entry),
    );
    return value;
  }

  forget(slug: string): void {
    this.entries.delete(slug);
  }

  /** Hears every instance's changes until the returned function is called. */
  async listen(): Promise<() => Promise<void>> {
    // The second callback runs on every (re)connect of the listening connection: what changed meanwhile is unknown.
    const { unlisten } = await this.sql.listen(
      CATALOG_CHANNEL,
      (tenantId) => this.changed(tenantId),
      () => this.entries.clear(),
    );
    return unlisten;
  }

  /** A load still in flight may have read the clinic before the change committed: it goes too. */
  private changed(tenantId: string): void {
    for (const [slug, entry] of this.entries) {
      if (entry.tenantId === undefined || entry.tenantId === tenantId) this.entries.delete(slug);
    }
  }

  private drop(slug: string, entry: Entry): void {
    if (this.entries.get(slug) === entry) this.entries.delete(slug);
  }

  /** Finding the clinic by its slug is operator work (nothing is scoped yet); its catalogue is read as the clinic. */
  private async load(slug: string): Promise<TenantContext | undefined> {
    const tenant = await findTenantBySlug(this.sql, slug);
    if (!tenant) return undefined;
    return { tenant, catalog: await withTenant(this.sql, tenant.id, (tx) => loadCatalog(tx, tenant.id)) };
  }
}

import type { Sql } from '../db/client.ts';
import { type Catalog, type Tenant, findTenantBySlug, loadCatalog } from '../db/queries/tenants.ts';
import { withTenant } from '../db/tenant-scope.ts';

export interface TenantContext {
  tenant: Tenant;
  catalog: Catalog;
}

interface Entry {
  value: Promise<TenantContext | undefined>;
  loadedAt: number;
}

/**
 * Clinic settings and catalogue, read on every tool call, kept in memory for a few seconds. A tool call then costs
 * no query for them; a settings change is seen everywhere within `ttlMs` (or at once on this instance via `forget`).
 */
export class TenantDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly sql: Sql,
    private readonly ttlMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(slug: string): Promise<TenantContext | undefined> {
    const hit = this.entries.get(slug);
    if (hit && this.now() - hit.loadedAt < this.ttlMs) return hit.value;
    const value = this.load(slug);
    this.entries.set(slug, { value, loadedAt: this.now() });
    // Neither a failed load (database down) nor an unknown slug is remembered: the map holds real clinics only.
    value.then((ctx) => ctx ?? this.entries.delete(slug), () => this.entries.delete(slug));
    return value;
  }

  forget(slug: string): void {
    this.entries.delete(slug);
  }

  /** Finding the clinic by its slug is operator work (nothing is scoped yet); its catalogue is read as the clinic. */
  private async load(slug: string): Promise<TenantContext | undefined> {
    const tenant = await findTenantBySlug(this.sql, slug);
    if (!tenant) return undefined;
    return { tenant, catalog: await withTenant(this.sql, tenant.id, (tx) => loadCatalog(tx, tenant.id)) };
  }
}

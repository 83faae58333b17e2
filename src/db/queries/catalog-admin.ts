import type { Queryable } from '../client.ts';
import type { Service } from './tenants.ts';

// The admin API's reads and writes of a clinic's catalogue. Every statement is scoped by tenant_id, so an id of
// another clinic reads as "not found" and changes nothing.

export interface ProviderRow {
  id: string;
  name: string;
  active: boolean;
  serviceIds: string[];
}

/** As the webhook sees a service, plus whether it is offered at all. */
export interface ServiceRow extends Service {
  active: boolean;
}

export interface HoursRow {
  weekday: number;
  start: string;
  end: string;
}

export interface ExceptionRow {
  id: string;
  providerId: string | null;
  date: string;
  kind: 'closed' | 'open';
  start: string | null;
  end: string | null;
}

const hhmm = (col: string) => `to_char(${col}, 'HH24:MI')`;

export async function listProviders(db: Queryable, tenantId: string, id?: string): Promise<ProviderRow[]> {
  return [...(await db<ProviderRow[]>`
    select p.id, p.name, p.active,
           coalesce(array_agg(ps.service_id order by ps.service_id) filter (where ps.service_id is not null), '{}') as service_ids
      from providers p left join provider_services ps on ps.provider_id = p.id
     where p.tenant_id = ${tenantId} and (${id ?? null}::uuid is null or p.id = ${id ?? null})
     group by p.id order by p.name`)];
}

export async function insertProvider(db: Queryable, tenantId: string, p: { name: string; active?: boolean }): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    insert into providers (tenant_id, name, active) values (${tenantId}, ${p.name}, ${p.active ?? true}) returning id`;
  return row!.id;
}

export async function updateProvider(db: Queryable, tenantId: string, id: string, patch: { name?: string; active?: boolean }): Promise<boolean> {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  if (keys.length === 0) return (await listProviders(db, tenantId, id)).length === 1;
  const rows = await db`update providers set ${db(patch, ...keys)} where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1;
}

export async function deleteRow(db: Queryable, table: 'providers' | 'services' | 'date_exceptions', tenantId: string, id: string): Promise<boolean> {
  const rows = await db`delete from ${db(table)} where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1;
}

export async function listServices(db: Queryable, tenantId: string, id?: string): Promise<ServiceRow[]> {
  return [...(await db<ServiceRow[]>`
    select s.id, s.slug, s.name, s.duration_minutes, s.buffer_before_minutes, s.buffer_after_minutes, s.value_cents, s.active,
           coalesce(array_agg(ps.provider_id order by ps.provider_id) filter (where ps.provider_id is not null), '{}') as provider_ids
      from services s left join provider_services ps on ps.service_id = s.id
     where s.tenant_id = ${tenantId} and (${id ?? null}::uuid is null or s.id = ${id ?? null})
     group by s.id order by s.name`)];
}

export type ServiceFields = Omit<ServiceRow, 'id' | 'providerIds'>;

export async function insertService(db: Queryable, tenantId: string, s: Partial<ServiceFields> & Pick<ServiceFields, 'slug' | 'name' | 'durationMinutes'>): Promise<string> {
  const [row] = await db<{ id: string }[]>`insert into services ${db({ ...s, tenantId } as Record<string, unknown>)} returning id`;
  return row!.id;
}

export async function updateService(db: Queryable, tenantId: string, id: string, patch: Partial<ServiceFields>): Promise<boolean> {
  const keys = Object.keys(patch) as (keyof ServiceFields)[];
  if (keys.length === 0) return (await listServices(db, tenantId, id)).length === 1;
  const rows = await db`update services set ${db(patch as Record<string, unknown>, ...keys)} where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1;
}

/** Both must be this tenant's: the composite foreign keys refuse a provider or service of another clinic. */
export async function linkProviderService(db: Queryable, tenantId: string, providerId: string, serviceId: string): Promise<void> {
  await db`insert into provider_services (tenant_id, provider_id, service_id) values (${tenantId}, ${providerId}, ${serviceId})
           on conflict do nothing`;
}

export async function unlinkProviderService(db: Queryable, tenantId: string, providerId: string, serviceId: string): Promise<boolean> {
  const rows = await db`delete from provider_services
                         where tenant_id = ${tenantId} and provider_id = ${providerId} and service_id = ${serviceId} returning provider_id`;
  return rows.length === 1;
}

export async function listWeeklyHours(db: Queryable, tenantId: string, providerId: string): Promise<HoursRow[]> {
  return [...(await db<HoursRow[]>`
    select weekday, ${db.unsafe(hhmm('starts'))} as start, case when ends = '24:00' then '24:00' else ${db.unsafe(hhmm('ends'))} end as end
      from weekly_hours where tenant_id = ${tenantId} and provider_id = ${providerId} order by weekday, starts`)];
}

/** The provider's whole week at once, in one transaction's worth of statements (the caller provides it). */
export async function replaceWeeklyHours(db: Queryable, tenantId: string, providerId: string, hours: HoursRow[]): Promise<void> {
  await db`delete from weekly_hours where tenant_id = ${tenantId} and provider_id = ${providerId}`;
  if (hours.length === 0) return;
  await db`insert into weekly_hours ${db(hours.map((h) => ({ tenantId, providerId, weekday: h.weekday, starts: h.start, ends: h.end })))}`;
}

export async function listExceptions(db: Queryable, tenantId: string, q: { from?: string; to?: string }): Promise<ExceptionRow[]> {
  return [...(await db<ExceptionRow[]>`
    select id, provider_id, on_date::text as date, kind,
           ${db.unsafe(hhmm('starts'))} as start, case when ends = '24:00' then '24:00' else ${db.unsafe(hhmm('ends'))} end as end
      from date_exceptions
     where tenant_id = ${tenantId}
       and (${q.from ?? null}::date is null or on_date >= ${q.from ?? null}::date)
       and (${q.to ?? null}::date is null or on_date <= ${q.to ?? null}::date)
     order by on_date, provider_id nulls first, starts nulls first`)];
}

export async function insertException(db: Queryable, tenantId: string, e: Omit<ExceptionRow, 'id'>): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    insert into date_exceptions (tenant_id, provider_id, on_date, kind, starts, ends)
    values (${tenantId}, ${e.providerId}, ${e.date}, ${e.kind}, ${e.start}, ${e.end}) returning id`;
  return row!.id;
}

export async function listPhoneNumbers(db: Queryable, tenantId: string): Promise<string[]> {
  return (await db<{ e164: string }[]>`select e164 from tenant_phone_numbers where tenant_id = ${tenantId} order by e164`).map((r) => r.e164);
}

export async function addPhoneNumber(db: Queryable, tenantId: string, e164: string): Promise<void> {
  await db`insert into tenant_phone_numbers (tenant_id, e164) values (${tenantId}, ${e164}) on conflict (tenant_id, e164) do nothing`;
}

export async function removePhoneNumber(db: Queryable, tenantId: string, e164: string): Promise<boolean> {
  return (await db`delete from tenant_phone_numbers where tenant_id = ${tenantId} and e164 = ${e164} returning e164`).length === 1;
}

import type { Service } from '../../domain/tenant.ts';
import type { TenantTx } from '../tenant-scope.ts';

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

export async function listProviders(tx: TenantTx, tenantId: string, id?: string): Promise<ProviderRow[]> {
  return [
    ...(await tx<ProviderRow[]>`
    select p.id, p.name, p.active,
           coalesce(array_agg(ps.service_id order by ps.service_id) filter (where ps.service_id is not null), '{}') as service_ids
      from providers p left join provider_services ps on ps.provider_id = p.id
     where p.tenant_id = ${tenantId} and (${id ?? null}::uuid is null or p.id = ${id ?? null})
     group by p.id order by p.name`),
  ];
}

export async function insertProvider(
  tx: TenantTx,
  tenantId: string,
  p: { name: string; active?: boolean },
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into providers (tenant_id, name, active) values (${tenantId}, ${p.name}, ${p.active ?? true}) returning id`;
  return row!.id;
}

export async function updateProvider(
  tx: TenantTx,
  tenantId: string,
  id: string,
  patch: { name?: string; active?: boolean },
): Promise<boolean> {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  if (keys.length === 0) return (await listProviders(tx, tenantId, id)).length === 1;
  const rows =
    await tx`update providers set ${tx(patch, ...keys)} where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1;
}

export async function deleteRow(
  tx: TenantTx,
  table: 'providers' | 'services' | 'date_exceptions',
  tenantId: string,
  id: string,
): Promise<boolean> {
  const rows = await tx`delete from ${tx(table)} where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1;
}

export async function listServices(tx: TenantTx, tenantId: string, id?: string): Promise<ServiceRow[]> {
  return [
    ...(await tx<ServiceRow[]>`
    select s.id, s.slug, s.name, s.duration_minutes, s.buffer_before_minutes, s.buffer_after_minutes, s.value_cents, s.active,
           coalesce(array_agg(ps.provider_id order by ps.provider_id) filter (where ps.provider_id is not null), '{}') as provider_ids
      from services s left join provider_services ps on ps.service_id = s.id
     where s.tenant_id = ${tenantId} and (${id ?? null}::uuid is null or s.id = ${id ?? null})
     group by s.id order by s.name`),
  ];
}

export type ServiceFields = Omit<ServiceRow, 'id' | 'providerIds'>;

export async function insertService(
  tx: TenantTx,
  tenantId: string,
  s: Partial<ServiceFields> & Pick<ServiceFields, 'slug' | 'name' | 'durationMinutes'>,
): Promise<string> {
  const [row] = await tx<
    { id: string }[]
  >`insert into services ${tx({ ...s, tenantId } as Record<string, unknown>)} returning id`;
  return row!.id;
}

export async function updateService(
  tx: TenantTx,
  tenantId: string,
  id: string,
  patch: Partial<ServiceFields>,
): Promise<boolean> {
  const keys = Object.keys(patch) as (keyof ServiceFields)[];
  if (keys.length === 0) return (await listServices(tx, tenantId, id)).length === 1;
  const rows =
    await tx`update services set ${tx(patch as Record<string, unknown>, ...keys)} where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1;
}

/** Both must be this tenant's: the composite foreign keys refuse a provider or service of another clinic. */
export async function linkProviderService(
  tx: TenantTx,
  tenantId: string,
  providerId: string,
  serviceId: string,
): Promise<void> {
  await tx`insert into provider_services (tenant_id, provider_id, service_id) values (${tenantId}, ${providerId}, ${serviceId})
           on conflict do nothing`;
}

export async function unlinkProviderService(
  tx: TenantTx,
  tenantId: string,
  providerId: string,
  serviceId: string,
): Promise<boolean> {
  const rows = await tx`delete from provider_services
                         where tenant_id = ${tenantId} and provider_id = ${providerId} and service_id = ${serviceId} returning provider_id`;
  return rows.length === 1;
}

export async function listWeeklyHours(tx: TenantTx, tenantId: string, providerId: string): Promise<HoursRow[]> {
  return [
    ...(await tx<HoursRow[]>`
    select weekday, ${tx.unsafe(hhmm('starts'))} as start, case when ends = '24:00' then '24:00' else ${tx.unsafe(hhmm('ends'))} end as end
      from weekly_hours where tenant_id = ${tenantId} and provider_id = ${providerId} order by weekday, starts`),
  ];
}

/** The provider's whole week at once, in one transaction's worth of statements (the caller provides it). */
export async function replaceWeeklyHours(
  tx: TenantTx,
  tenantId: string,
  providerId: string,
  hours: HoursRow[],
): Promise<void> {
  await tx`delete from weekly_hours where tenant_id = ${tenantId} and provider_id = ${providerId}`;
  if (hours.length === 0) return;
  await tx`insert into weekly_hours ${tx(hours.map((h) => ({ tenantId, providerId, weekday: h.weekday, starts: h.start, ends: h.end })))}`;
}

export async function listExceptions(
  tx: TenantTx,
  tenantId: string,
  q: { from?: string; to?: string },
): Promise<ExceptionRow[]> {
  return [
    ...(await tx<ExceptionRow[]>`
    select id, provider_id, on_date::text as date, kind,
           ${tx.unsafe(hhmm('starts'))} as start, case when ends = '24:00' then '24:00' else ${tx.unsafe(hhmm('ends'))} end as end
      from date_exceptions
     where tenant_id = ${tenantId}
       and (${q.from ?? null}::date is null or on_date >= ${q.from ?? null}::date)
       and (${q.to ?? null}::date is null or on_date <= ${q.to ?? null}::date)
     order by on_date, provider_id nulls first, starts nulls first`),
  ];
}

export async function insertException(tx: TenantTx, tenantId: string, e: Omit<ExceptionRow, 'id'>): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into date_exceptions (tenant_id, provider_id, on_date, kind, starts, ends)
    values (${tenantId}, ${e.providerId}, ${e.date}, ${e.kind}, ${e.start}, ${e.end}) returning id`;
  return row!.id;
}

export async function listPhoneNumbers(tx: TenantTx, tenantId: string): Promise<string[]> {
  return (
    await tx<{ e164: string }[]>`select e164 from tenant_phone_numbers where tenant_id = ${tenantId} order by e164`
  ).map((r) => r.e164);
}

export async function addPhoneNumber(tx: TenantTx, tenantId: string, e164: string): Promise<void> {
  await tx`insert into tenant_phone_numbers (tenant_id, e164) values (${tenantId}, ${e164}) on conflict (tenant_id, e164) do nothing`;
}

export async function removePhoneNumber(tx: TenantTx, tenantId: string, e164: string): Promise<boolean> {
  return (
    (await tx`delete from tenant_phone_numbers where tenant_id = ${tenantId} and e164 = ${e164} returning e164`)
      .length === 1
  );
}

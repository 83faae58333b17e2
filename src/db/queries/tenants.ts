import type { Catalog, Provider, Service, Tenant } from '../../domain/tenant.ts';
import type { WeeklyHours } from '../../scheduling/types.ts';
import type { Sql } from '../client.ts';
import type { TenantTx } from '../tenant-scope.ts';

export async function findTenantBySlug(sql: Sql, slug: string): Promise<Tenant | undefined> {
  const [row] = await sql<Tenant[]>`
    select id, slug, name, time_zone, country, hold_ttl_seconds, otp_required, slot_step_minutes,
           min_notice_minutes, horizon_days, hot_lead_threshold, owner_alert_phone, vapi_secret_sha256,
           otp_length, otp_ttl_seconds, allow_other_phone, sms_code_text, sms_confirmation_text, cancel_instructions,
           status, webhook_auth, vapi_secret_sealed, vapi_assistant_id, vapi_credential_id, reminder_hours,
           to_char(quiet_hours_start, 'HH24:MI') as quiet_hours_start, to_char(quiet_hours_end, 'HH24:MI') as quiet_hours_end,
           waitlist_offer_minutes
      from tenants where slug = ${slug}`;
  return row;
}

export async function countTenants(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from tenants`;
  return row!.n;
}

/** Providers, services, hours and exceptions from yesterday on: everything availability needs, in four queries. */
export async function loadCatalog(tx: TenantTx, tenantId: string): Promise<Catalog> {
  const [providers, services, hours, exceptions] = await Promise.all([
    tx<Provider[]>`select id, name from providers where tenant_id = ${tenantId} and active order by name`,
    tx<Service[]>`
      select s.id, s.slug, s.name, s.duration_minutes, s.buffer_before_minutes, s.buffer_after_minutes, s.value_cents,
             coalesce(array_agg(ps.provider_id order by p.name) filter (where p.id is not null), '{}') as provider_ids
        from services s
        left join provider_services ps on ps.service_id = s.id
        left join providers p on p.id = ps.provider_id and p.active
       where s.tenant_id = ${tenantId} and s.active
       group by s.id
       order by s.name`,
    tx<{ providerId: string; weekday: number; starts: string; ends: string }[]>`
      select provider_id, weekday, starts::text, ends::text from weekly_hours where tenant_id = ${tenantId}`,
    tx<
      {
        providerId: string | null;
        onDate: string;
        kind: 'closed' | 'open';
        starts: string | null;
        ends: string | null;
      }[]
    >`
      select de.provider_id, de.on_date::text, de.kind, de.starts::text, de.ends::text
        from date_exceptions de join tenants t on t.id = de.tenant_id
       where de.tenant_id = ${tenantId} and de.on_date >= (now() at time zone t.time_zone)::date - 1`,
  ]);
  return {
    providers: [...providers],
    services: [...services],
    hours: hours.map((h) => ({
      providerId: h.providerId,
      weekday: h.weekday as WeeklyHours['weekday'],
      start: h.starts.slice(0, 5),
      end: h.ends.slice(0, 5),
    })),
    exceptions: exceptions.map((e) => ({
      providerId: e.providerId,
      date: e.onDate,
      kind: e.kind,
      ...(e.starts && e.ends ? { start: e.starts.slice(0, 5), end: e.ends.slice(0, 5) } : {}),
    })),
  };
}

import type { TenantTx } from '../tenant-scope.ts';

export interface AppointmentRow {
  id: string;
  status: 'held' | 'confirmed' | 'cancelled' | 'expired';
  startsAt: Date;
  endsAt: Date;
  expiresAt: Date | null;
  providerId: string;
  providerName: string;
  serviceId: string;
  serviceSlug: string;
  patientId: string | null;
  patientName: string | null;
  patientPhone: string | null;
  patientEmail: string | null;
  sourceCallId: string | null;
  /** Needed to release a hold; never shown by the API. */
  holdToken: string;
  createdAt: Date;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
}

export interface AppointmentFilter {
  /** A local date in the clinic's zone. */
  date?: string;
  providerId?: string;
  patientId?: string;
  patientPhone?: string;
  status?: AppointmentRow['status'][];
  /** Keyset: rows strictly after this (start, id). */
  after?: { startsAt: Date; id: string };
  limit: number;
}

const SELECT = `
  select b.id, b.status, b.starts_at, b.ends_at, b.expires_at, b.provider_id, p.name as provider_name,
         b.service_id, s.slug as service_slug, b.patient_id, pa.name as patient_name, pa.phone_e164 as patient_phone,
         pa.email as patient_email, b.source_call_id, b.hold_token, b.created_at, b.confirmed_at, b.cancelled_at
    from bookings b
    join tenants t on t.id = b.tenant_id
    join providers p on p.id = b.provider_id
    join services s on s.id = b.service_id
    left join patients pa on pa.id = b.patient_id`;

export async function listAppointments(
  tx: TenantTx,
  tenantId: string,
  f: AppointmentFilter,
): Promise<AppointmentRow[]> {
  return [
    ...(await tx<AppointmentRow[]>`
    ${tx.unsafe(SELECT)}
     where b.tenant_id = ${tenantId}
       and (${f.date ?? null}::date is null or (b.starts_at at time zone t.time_zone)::date = ${f.date ?? null}::date)
       and (${f.providerId ?? null}::uuid is null or b.provider_id = ${f.providerId ?? null})
       and (${f.patientId ?? null}::uuid is null or b.patient_id = ${f.patientId ?? null})
       and (${f.patientPhone ?? null}::text is null or pa.phone_e164 = ${f.patientPhone ?? null})
       and (${f.status ?? null}::text[] is null or b.status = any(${f.status ?? null}::text[]))
       and (${f.after?.startsAt ?? null}::timestamptz is null or (b.starts_at, b.id) > (${f.after?.startsAt ?? null}, ${f.after?.id ?? null}::uuid))
     order by b.starts_at, b.id
     limit ${f.limit}`),
  ];
}

export async function findAppointment(tx: TenantTx, tenantId: string, id: string): Promise<AppointmentRow | undefined> {
  const [row] = await tx<AppointmentRow[]>`${tx.unsafe(SELECT)} where b.tenant_id = ${tenantId} and b.id = ${id}`;
  return row;
}

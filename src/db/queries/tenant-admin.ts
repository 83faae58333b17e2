import type { Tenant } from '../../domain/tenant.ts';
import type { Queryable } from '../client.ts';

/** A clinic's settings as the admin API shows them; secrets are never among them. */
export interface TenantSettings extends Omit<Tenant, 'vapiSecretSha256' | 'vapiSecretSealed'> {
  otpSendsPerHour: number;
  twilioAccountSid: string | null;
  twilioFromNumber: string | null;
  /** Whether the clinic has its own Twilio account; the token itself is write-only. */
  twilioConfigured: boolean;
  settingsVersion: number;
  createdAt: Date;
}

/** The columns a settings edit may change (camelCase; postgres.js maps them to snake_case). */
export const EDITABLE_SETTINGS = [
  'name',
  'timeZone',
  'country',
  'holdTtlSeconds',
  'otpRequired',
  'slotStepMinutes',
  'minNoticeMinutes',
  'horizonDays',
  'hotLeadThreshold',
  'ownerAlertPhone',
  'webhookAuth',
  'vapiAssistantId',
  'vapiCredentialId',
  'otpLength',
  'otpTtlSeconds',
  'otpSendsPerHour',
  'allowOtherPhone',
  'smsCodeText',
  'smsConfirmationText',
  'cancelInstructions',
  'reminderHours',
  'quietHoursStart',
  'quietHoursEnd',
  'waitlistOfferMinutes',
] as const;
export type SettingsPatch = Partial<Pick<TenantSettings, (typeof EDITABLE_SETTINGS)[number]>>;

const COLUMNS = `id, slug, name, status, time_zone, country, hold_ttl_seconds, otp_required, slot_step_minutes,
  min_notice_minutes, horizon_days, hot_lead_threshold, owner_alert_phone, webhook_auth, vapi_assistant_id,
  vapi_credential_id, otp_length, otp_ttl_seconds, otp_sends_per_hour, allow_other_phone, sms_code_text,
  sms_confirmation_text, cancel_instructions, twilio_account_sid, twilio_from_number,
  twilio_auth_token_sealed is not null as twilio_configured, settings_version, created_at, reminder_hours,
  to_char(quiet_hours_start, 'HH24:MI') as quiet_hours_start, to_char(quiet_hours_end, 'HH24:MI') as quiet_hours_end,
  waitlist_offer_minutes`;

export interface NewTenantRow {
  slug: string;
  name: string;
  timeZone: string;
  country: string;
  vapiSecretSha256: Buffer;
  vapiSecretSealed: string;
}

export async function insertTenant(db: Queryable, t: NewTenantRow & SettingsPatch): Promise<TenantSettings> {
  const [row] = await db<TenantSettings[]>`insert into tenants ${db(t)} returning ${db.unsafe(COLUMNS)}`;
  return row!;
}

export async function findTenantSettings(db: Queryable, tenantId: string): Promise<TenantSettings | undefined> {
  const [row] = await db<TenantSettings[]>`select ${db.unsafe(COLUMNS)} from tenants where id = ${tenantId}`;
  return row;
}

export async function listTenants(
  db: Queryable,
  q: { status?: 'active' | 'suspended'; after?: string; limit: number },
): Promise<TenantSettings[]> {
  return [
    ...(await db<TenantSettings[]>`
    select ${db.unsafe(COLUMNS)} from tenants
     where (${q.status ?? null}::text is null or status = ${q.status ?? null})
       and (${q.after ?? null}::text is null or slug > ${q.after ?? null})
     order by slug limit ${q.limit}`),
  ];
}

export async function setTenantStatus(
  db: Queryable,
  tenantId: string,
  status: 'active' | 'suspended',
): Promise<TenantSettings | undefined> {
  const [row] = await db<TenantSettings[]>`
    update tenants set status = ${status} where id = ${tenantId} returning ${db.unsafe(COLUMNS)}`;
  return row;
}

export type SettingsUpdate =
  | { kind: 'updated'; settings: TenantSettings }
  | { kind: 'stale'; current: TenantSettings }
  | { kind: 'missing' };

/** Applies the edit only if the stored version is still `ifVersion` (when given); every real edit bumps the version. */
export async function updateTenantSettings(
  db: Queryable,
  tenantId: string,
  patch: SettingsPatch,
  ifVersion: number | undefined,
): Promise<SettingsUpdate> {
  const keys = Object.keys(patch) as (keyof SettingsPatch)[];
  const where = db`where id = ${tenantId} and (${ifVersion ?? null}::int is null or settings_version = ${ifVersion ?? null})`;
  const [row] = keys.length
    ? await db<TenantSettings[]>`
        update tenants set ${db(patch as Record<string, unknown>, ...keys)}, settings_version = settings_version + 1
        ${where} returning ${db.unsafe(COLUMNS)}`
    : await db<TenantSettings[]>`select ${db.unsafe(COLUMNS)} from tenants ${where}`;
  if (row) return { kind: 'updated', settings: row };
  const current = await findTenantSettings(db, tenantId);
  return current ? { kind: 'stale', current } : { kind: 'missing' };
}

/** A new webhook secret: its hash for bearer checks, sealed for HMAC. */
export async function replaceVapiSecret(
  db: Queryable,
  tenantId: string,
  s: { sha256: Buffer; sealed: string },
): Promise<boolean> {
  const rows = await db`update tenants set vapi_secret_sha256 = ${s.sha256}, vapi_secret_sealed = ${s.sealed}
                         where id = ${tenantId} returning id`;
  return rows.length === 1;
}

/** The clinic's own Twilio account (the token sealed), or none (null): the deployment's account or the simulator. */
export async function setTwilioCredentials(
  db: Queryable,
  tenantId: string,
  c: { accountSid: string; authTokenSealed: string; fromNumber: string } | null,
): Promise<TenantSettings | undefined> {
  const [row] = await db<TenantSettings[]>`
    update tenants set twilio_account_sid = ${c?.accountSid ?? null}, twilio_auth_token_sealed = ${c?.authTokenSealed ?? null},
                       twilio_from_number = ${c?.fromNumber ?? null}, settings_version = settings_version + 1
     where id = ${tenantId} returning ${db.unsafe(COLUMNS)}`;
  return row;
}

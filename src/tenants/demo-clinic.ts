import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOrCreateFile } from '../data-dir.ts';
import type { Sql } from '../db/client.ts';
import { countTenants } from '../db/queries/tenants.ts';
import { sha256 } from '../domain/digest.ts';

export const DEMO_SLUG = 'demo';

export interface DemoOptions {
  dataDir: string;
  secret?: string;
  ownerPhone?: string;
}

export interface DemoClinic {
  slug: string;
  tenantId: string;
  /** Known when set by DEMO_VAPI_SECRET or generated on this machine; otherwise only its hash exists. */
  secret: string | undefined;
  created: boolean;
}

const secretFile = (dataDir: string) => join(dataDir, 'demo-vapi-secret');

/**
 * Creates the demo clinic when the database has no clinic yet. Its secret is DEMO_VAPI_SECRET, or generated once and
 * kept in the data folder so later starts can print it again.
 */
export async function ensureDemoClinic(sql: Sql, opts: DemoOptions): Promise<DemoClinic | undefined> {
  const [existing] = await sql<{ id: string }[]>`select id from tenants where slug = ${DEMO_SLUG}`;
  if (existing) {
    // Settings given in the environment win on every start, not only the first.
    if (opts.secret)
      await sql`update tenants set vapi_secret_sha256 = ${sha256(opts.secret)} where id = ${existing.id}`;
    if (opts.ownerPhone) await sql`update tenants set owner_alert_phone = ${opts.ownerPhone} where id = ${existing.id}`;
    const file = secretFile(opts.dataDir);
    const stored = existsSync(file) ? (await readFile(file, 'utf8')).trim() : undefined;
    return { slug: DEMO_SLUG, tenantId: existing.id, secret: opts.secret ?? stored, created: false };
  }
  if ((await countTenants(sql)) > 0) return undefined;

  const secret =
    opts.secret ?? (await readOrCreateFile(secretFile(opts.dataDir), () => randomBytes(24).toString('base64url')));
  const tenantId = await createDemoClinic(sql, { secret, ownerPhone: opts.ownerPhone });
  return { slug: DEMO_SLUG, tenantId, secret, created: true };
}

/**
 * Mon–Fri 09:00–17:00 in New York, two providers, three services; text-message codes required (the default) unless
 * `otpRequired: false` (tests of the claim path alone).
 */
export async function createDemoClinic(
  sql: Sql,
  o: { secret: string; ownerPhone?: string; slug?: string; otpRequired?: boolean },
): Promise<string> {
  return sql.begin(async (tx) => {
    const [tenant] = await tx<{ id: string }[]>`
      insert into tenants (slug, name, time_zone, country, owner_alert_phone, vapi_secret_sha256, otp_required)
      values (${o.slug ?? DEMO_SLUG}, 'Demo Family Clinic', 'America/New_York', 'US', ${o.ownerPhone ?? null}, ${sha256(o.secret)},
              ${o.otpRequired ?? true})
      returning id`;
    const tenantId = tenant!.id;
    const providers = await tx<{ id: string }[]>`
      insert into providers (tenant_id, name) values (${tenantId}, 'Dr. Alice Moreno'), (${tenantId}, 'Dr. Ben Okafor')
      returning id`;
    const services = await tx<{ id: string }[]>`
      insert into services (tenant_id, slug, name, duration_minutes, buffer_before_minutes, buffer_after_minutes, value_cents)
      values (${tenantId}, 'consultation', 'consultation', 30, 0, 0, 15000),
             (${tenantId}, 'cleaning', 'teeth cleaning', 45, 0, 15, 12000),
             (${tenantId}, 'follow-up', 'follow-up visit', 15, 0, 0, 6000)
      returning id`;
    for (const p of providers) {
      for (const s of services) {
        await tx`insert into provider_services (tenant_id, provider_id, service_id) values (${tenantId}, ${p.id}, ${s.id})`;
      }
      for (const weekday of [1, 2, 3, 4, 5]) {
        await tx`insert into weekly_hours (tenant_id, provider_id, weekday, starts, ends)
                 values (${tenantId}, ${p.id}, ${weekday}, '09:00', '17:00')`;
      }
    }
    return tenantId;
  });
}

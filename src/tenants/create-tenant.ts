import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import {
  insertTenant,
  replaceVapiSecret,
  type SettingsPatch,
  type TenantSettings,
} from '../db/queries/tenant-admin.ts';
import { sha256 } from '../domain/digest.ts';
import type { SecretBox } from '../security/secret-box.ts';

export interface NewTenant extends SettingsPatch {
  slug: string;
  name: string;
  timeZone: string;
  country: string;
}

/** A webhook secret: 32 random bytes, hashed for bearer checks and sealed for HMAC signatures. */
function newVapiSecret(secrets: SecretBox): { secret: string; sha256: Buffer; sealed: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, sha256: sha256(secret), sealed: secrets.seal(secret) };
}

/** Creates a clinic with a fresh Vapi webhook secret, returned here once and never again. */
export async function createTenant(
  db: Queryable,
  secrets: SecretBox,
  input: NewTenant,
): Promise<{ tenant: TenantSettings; vapiSecret: string }> {
  const s = newVapiSecret(secrets);
  const tenant = await insertTenant(db, { ...input, vapiSecretSha256: s.sha256, vapiSecretSealed: s.sealed });
  return { tenant, vapiSecret: s.secret };
}

/** Replaces the clinic's webhook secret; the old one stops working at once. Undefined for an unknown tenant. */
export async function rotateVapiSecret(
  db: Queryable,
  secrets: SecretBox,
  tenantId: string,
): Promise<string | undefined> {
  const s = newVapiSecret(secrets);
  return (await replaceVapiSecret(db, tenantId, s)) ? s.secret : undefined;
}

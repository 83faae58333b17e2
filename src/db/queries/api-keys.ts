import type { ApiKeyScope } from '../../domain/api-key.ts';
import type { Queryable } from '../client.ts';

export interface ApiKeyRow {
  id: string;
  tenantId: string;
  prefix: string;
  label: string | null;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = 'id, tenant_id, prefix, label, scopes, created_at, last_used_at, revoked_at';

export async function insertApiKey(
  db: Queryable,
  k: { tenantId: string; prefix: string; sha256: Buffer; label: string | null; scopes: ApiKeyScope[] },
): Promise<ApiKeyRow> {
  const [row] = await db<ApiKeyRow[]>`
    insert into tenant_api_keys (tenant_id, prefix, key_sha256, label, scopes)
    values (${k.tenantId}, ${k.prefix}, ${k.sha256}, ${k.label}, ${k.scopes})
    returning ${db.unsafe(COLUMNS)}`;
  return row!;
}

export async function listApiKeys(db: Queryable, tenantId: string): Promise<ApiKeyRow[]> {
  return [
    ...(await db<ApiKeyRow[]>`
    select ${db.unsafe(COLUMNS)} from tenant_api_keys where tenant_id = ${tenantId} order by created_at, id`),
  ];
}

/** Revoking twice keeps the first time; undefined when the key is not this tenant's. */
export async function revokeApiKey(db: Queryable, tenantId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db<ApiKeyRow[]>`
    update tenant_api_keys set revoked_at = coalesce(revoked_at, now())
     where tenant_id = ${tenantId} and id = ${keyId}
    returning ${db.unsafe(COLUMNS)}`;
  return row;
}

export interface PresentedKey {
  id: string;
  keySha256: Buffer;
  scopes: ApiKeyScope[];
  revokedAt: Date | null;
  tenantId: string;
  tenantSlug: string;
  tenantStatus: 'active' | 'suspended';
}

export async function findApiKeyByPrefix(db: Queryable, prefix: string): Promise<PresentedKey | undefined> {
  const [row] = await db<PresentedKey[]>`
    select k.id, k.key_sha256, k.scopes, k.revoked_at, t.id as tenant_id, t.slug as tenant_slug, t.status as tenant_status
      from tenant_api_keys k join tenants t on t.id = k.tenant_id
     where k.prefix = ${prefix}`;
  return row;
}

/** At most one write a minute per key: "last used" is for humans, not an audit log. */
export async function touchApiKey(db: Queryable, id: string): Promise<void> {
  await db`update tenant_api_keys set last_used_at = now()
            where id = ${id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`;
}

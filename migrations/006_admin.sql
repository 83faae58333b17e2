-- Operating many clinics: status, settings versions, webhook credentials and the admin API's keys.

alter table tenants
  add column status            text not null default 'active' check (status in ('active', 'suspended')),
  -- Bumped by every settings change; the admin API's ETag, so two editors cannot overwrite each other unawares.
  add column settings_version  integer not null default 1 check (settings_version >= 1),
  -- 'hmac' needs the readable secret: such a tenant must have vapi_secret_sealed.
  add column webhook_auth      text not null default 'bearer' check (webhook_auth in ('bearer', 'hmac')),
  -- The Vapi secret sealed with SECRETS_KEY (src/security/secret-box.ts): HMAC signatures need the plaintext.
  add column vapi_secret_sealed text check (vapi_secret_sealed like 'v1.%'),
  -- The Vapi assistant answering this clinic's numbers; without one, assistant-request gets an inline assistant.
  add column vapi_assistant_id  text check (length(vapi_assistant_id) between 1 and 100),
  -- The Vapi custom credential holding this clinic's webhook secret, referenced by exported tools.
  add column vapi_credential_id text check (length(vapi_credential_id) between 1 and 100),
  add constraint tenants_hmac_needs_secret check (webhook_auth = 'bearer' or vapi_secret_sealed is not null);

-- Tenant API keys: shown once at creation; only a SHA-256 of the whole key is kept. The key is high-entropy random,
-- so a plain hash (no slow KDF) is enough. The visible prefix finds the row without scanning.
create table tenant_api_keys (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants(id) on delete cascade,
  prefix       text not null unique check (prefix ~ '^sk_[a-z0-9]{12}$'),
  key_sha256   bytea not null check (length(key_sha256) = 32),
  label        text check (length(label) between 1 and 100),
  scopes       text[] not null check (cardinality(scopes) >= 1 and scopes <@ array['read', 'write', 'secrets']),
  created_at   timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at   timestamptz,
  unique (tenant_id, id)
);
create index tenant_api_keys_tenant on tenant_api_keys (tenant_id, created_at);

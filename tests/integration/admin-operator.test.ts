// The operator half of the admin API over real HTTP: clinics, their keys, the OpenAPI document, auth failures.
import { describe, expect } from 'vitest';
import { vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, type Api, apiClient, newTenant } from '../helpers/admin.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { startServer } from '../helpers/server.ts';

// The operator's API client, on the file's server.
const it = integrationTest({ env: { ADMIN_TOKEN, PUBLIC_URL: 'https://sk.example.com' } }).extend(
  'operator',
  { scope: 'file' },
  async ({ server }): Promise<Api> => apiClient(server.url, ADMIN_TOKEN),
);

const countTenants = async (db: TestDatabase) =>
  (await db.sql<{ n: number }[]>`select count(*)::int as n from tenants`)[0]!.n;

describe('clinics', () => {
  it('creates a clinic, shows its secret once, stores only its hash and a sealed copy', async ({
    db,
    server,
    operator,
  }) => {
    const res = await operator('POST', '/tenants', {
      slug: 'north',
      name: 'North Clinic',
      timeZone: 'Europe/Berlin',
      country: 'DE',
      holdTtlSeconds: 300,
    });
    expect(res.status).toBe(201);
    expect(res.json.tenant).toMatchObject({
      slug: 'north',
      status: 'active',
      timeZone: 'Europe/Berlin',
      holdTtlSeconds: 300,
      settingsVersion: 1,
    });
    expect(res.json.webhookUrl).toBe('https://sk.example.com/vapi/north');
    expect(res.json.vapiSecret.length).toBeGreaterThanOrEqual(40);
    const [row] = await db.sql`select vapi_secret_sealed, vapi_secret_sha256 from tenants where slug = 'north'`;
    expect(row!.vapiSecretSealed).not.toContain(res.json.vapiSecret);
    expect(JSON.stringify(await operator('GET', `/tenants/${res.json.tenant.id}`))).not.toContain(res.json.vapiSecret);
    // The secret works on the webhook straight away.
    const ack = await vapiClient(server.url, 'north', res.json.vapiSecret).post({ message: { type: 'status-update' } });
    expect(ack.status).toBe(200);
  });

  it('refuses invalid clinics with a sentence and field details, creating nothing', async ({ db, operator }) => {
    const before = await countTenants(db);
    const bad = await operator('POST', '/tenants', {
      slug: 'Bad Slug',
      name: '',
      timeZone: 'Mars/Olympus',
      country: 'usa',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^The request body is not valid: \w+: .+\(and 3 more\)\.$/);
    expect(bad.json.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'country',
      'name',
      'slug',
      'timeZone',
    ]);
    const unknownField = await operator('POST', '/tenants', {
      slug: 'x1',
      name: 'X',
      timeZone: 'UTC',
      country: 'US',
      vapiSecretSealed: 'v1.x',
    });
    expect(unknownField.status).toBe(400);
    expect(await countTenants(db)).toBe(before);
  });

  it('answers a duplicate slug with 409', async ({ server, operator }) => {
    await newTenant(server.url, 'dup');
    const again = await operator('POST', '/tenants', { slug: 'dup', name: 'Again', timeZone: 'UTC', country: 'US' });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('A clinic with this slug already exists.');
  });

  it('lists clinics a page at a time and by status', async ({ db, server, operator }) => {
    for (const slug of ['page-a', 'page-b', 'page-c']) await newTenant(server.url, slug);
    const first = await operator('GET', '/tenants?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(2);
    const seen = [...first.json.items];
    let after = first.json.nextAfter;
    while (after) {
      const next = await operator('GET', `/tenants?limit=2&after=${after}`);
      seen.push(...next.json.items);
      after = next.json.nextAfter;
    }
    expect(seen.map((t) => t.slug)).toEqual([...seen.map((t) => t.slug)].sort());
    expect(seen).toHaveLength(await countTenants(db));
    expect((await operator('GET', '/tenants?limit=500')).status).toBe(400);
  });

  it('suspends a clinic: its webhook says it is unavailable, its API refuses; activating restores both', async ({
    server,
    operator,
  }) => {
    const t = await newTenant(server.url, 'sleepy');
    const vapi = vapiClient(server.url, 'sleepy', t.vapiSecret);
    expect((await t.api('GET', '/settings')).status).toBe(200);
    const suspended = await operator('POST', `/tenants/${t.id}/suspend`);
    expect(suspended.json.status).toBe('suspended');
    const reply = await vapi.tool('check_availability', {});
    expect(reply).toMatchObject({ field: 'error', status: 'clinic_unavailable' });
    expect(reply.say).toMatch(/isn't available right now/);
    const api = await t.api('GET', '/settings');
    expect(api.status).toBe(403);
    expect(api.json.error).toMatch(/suspended/);
    const assistant = await vapi.post({ message: { type: 'assistant-request', call: { id: 'c1' } } });
    expect(assistant.json.error).toMatch(/isn't available/);
    await operator('POST', `/tenants/${t.id}/activate`);
    expect((await t.api('GET', '/settings')).status).toBe(200);
    expect((await vapi.tool('check_availability', {})).status).not.toBe('clinic_unavailable');
  });

  it('answers an unknown clinic id with 404', async ({ operator }) => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['GET', `/tenants/${missing}`],
      ['POST', `/tenants/${missing}/suspend`],
      ['POST', `/tenants/${missing}/api-keys`],
      ['GET', `/tenants/${missing}/api-keys`],
    ] as const) {
      const res = await operator(method, path, method === 'POST' && path.endsWith('api-keys') ? {} : undefined);
      expect(res.status, path).toBe(404);
    }
  });
});

describe('API keys', () => {
  it('issues a key once, stores only its hash and prefix, and revokes it at once', async ({ db, server, operator }) => {
    const t = await newTenant(server.url, 'keys');
    const issued = await operator('POST', `/tenants/${t.id}/api-keys`, { label: 'reception', scopes: ['read'] });
    expect(issued.status).toBe(201);
    const key: string = issued.json.key;
    expect(key.startsWith(issued.json.apiKey.prefix)).toBe(true);
    const stored = await db.sql`select * from tenant_api_keys where id = ${issued.json.apiKey.id}`;
    expect(JSON.stringify(stored)).not.toContain(key.slice(16));
    const list = await operator('GET', `/tenants/${t.id}/api-keys`);
    expect(list.json.items.map((k: { label: string }) => k.label)).toEqual(['tests', 'reception']);
    expect(JSON.stringify(list.json)).not.toContain(key.slice(16));

    const readOnly = apiClient(server.url, key);
    expect((await readOnly('GET', '/providers')).status).toBe(200);
    const write = await readOnly('POST', '/providers', { name: 'Dr. Nope' });
    expect(write.status).toBe(403);
    expect(write.json.error).toMatch(/"write" scope/);
    expect((await operator('GET', `/tenants/${t.id}/api-keys`)).json.items[1].lastUsedAt).not.toBeNull();

    const revoked = await operator('DELETE', `/tenants/${t.id}/api-keys/${issued.json.apiKey.id}`);
    expect(revoked.json.revokedAt).not.toBeNull();
    expect((await readOnly('GET', '/providers')).status).toBe(401);
  });

  it('does not revoke a key through another clinic', async ({ db, server, operator }) => {
    const a = await newTenant(server.url, 'key-a');
    const b = await newTenant(server.url, 'key-b');
    const [bKey] = await db.sql<{ id: string }[]>`select id from tenant_api_keys where tenant_id = ${b.id}`;
    expect((await operator('DELETE', `/tenants/${a.id}/api-keys/${bKey!.id}`)).status).toBe(404);
    expect((await b.api('GET', '/settings')).status).toBe(200);
  });
});

describe('operator authentication', () => {
  it('refuses no token, a wrong token and a clinic key', async ({ server }) => {
    const t = await newTenant(server.url, 'auth');
    expect((await apiClient(server.url, undefined)('GET', '/tenants')).status).toBe(401);
    expect((await apiClient(server.url, 'x'.repeat(40))('GET', '/tenants')).status).toBe(401);
    const withKey = await t.api('GET', '/tenants');
    expect(withKey.status).toBe(403);
    expect(withKey.json.error).toMatch(/ADMIN_TOKEN/);
    expect((await apiClient(server.url, ADMIN_TOKEN)('GET', '/providers')).status).toBe(401);
  });

  it('is off without ADMIN_TOKEN', async ({ db }) => {
    const other = await startServer(db.sql);
    try {
      const res = await apiClient(other.url, ADMIN_TOKEN)('GET', '/tenants');
      expect(res.status).toBe(403);
      expect(res.json.error).toMatch(/set ADMIN_TOKEN/);
    } finally {
      await other.close();
    }
  });
});

describe('OpenAPI', () => {
  it('documents every admin route from its zod schemas, and serves Swagger UI', async ({ server }) => {
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as any;
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/tenants',
      '/api/v1/settings',
      '/api/v1/providers/{id}/hours',
      '/api/v1/appointments',
      '/api/v1/vapi-secret/rotate',
      '/api/v1/leads',
      '/api/v1/leads/{id}',
    ]) {
      expect(paths).toContain(p);
    }
    expect(paths.some((p) => p.startsWith('/vapi'))).toBe(false);
    const create = doc.paths['/api/v1/tenants'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['slug', 'name', 'timeZone', 'country']),
    );
    expect(create.security).toEqual([{ operatorToken: [] }]);
    expect((await fetch(`${server.url}/docs/`)).status).toBe(200);
  });
});

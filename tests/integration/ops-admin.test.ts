// What the first hour needed from the admin API: body-less requests as HTTP clients send them, sign-in links for
// staff without an npm command, calls found by Vapi's call id, and environment settings applied on every start.
import { describe, expect } from 'vitest';
import { SESSION_COOKIE } from '../../src/dashboard/session.ts';
import { ensureDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, type Api, apiClient, newTenant, type TenantHandle } from '../helpers/admin.ts';
import { phoneCall } from '../helpers/calls.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import type { RunningServer } from '../helpers/server.ts';

const it = integrationTest({ env: { ADMIN_TOKEN, DB_POOL_SIZE: '6' } });
let operator: Api;
let clinic: TenantHandle;
let other: TenantHandle;

it.beforeAll(async ({ server }) => {
  operator = apiClient(server.url, ADMIN_TOKEN);
  clinic = await newTenant(server.url, 'ops-clinic');
  other = await newTenant(server.url, 'ops-other');
});

/** A request exactly as `curl -X PUT -H 'Content-Type: application/json'` with no -d sends it. */
const bodyless = (server: RunningServer, method: string, path: string, key: string) =>
  fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });

describe('body-less requests with a JSON content type', () => {
  it('links a provider to a service and records a phone number', async ({ db, server }) => {
    const provider = await clinic.api('POST', '/providers', { name: 'Dr. Body Less' });
    const service = await clinic.api('POST', '/services', { slug: 'checkup', name: 'checkup', durationMinutes: 20 });
    const link = await bodyless(
      server,
      'PUT',
      `/providers/${provider.json.id}/services/${service.json.id}`,
      clinic.key,
    );
    expect(link.status, await link.clone().text()).toBeLessThan(300);
    const [row] =
      await db.sql`select count(*)::int as n from provider_services where provider_id = ${provider.json.id} and service_id = ${service.json.id}`;
    expect(row!.n).toBe(1);

    const number = await bodyless(server, 'PUT', '/phone-numbers/%2B16175550111', clinic.key);
    expect(number.status, await number.clone().text()).toBeLessThan(300);
    expect(
      (await clinic.api('GET', '/phone-numbers')).json.items.map((n: { e164: string }) => n.e164 ?? n),
    ).toContainEqual(expect.stringContaining('+16175550111'));
  });

  it('still refuses a route that needs a body, with a sentence, and changes nothing', async ({ server }) => {
    const before = (await clinic.api('GET', '/providers')).json.items.length;
    const res = await bodyless(server, 'POST', '/providers', clinic.key);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^The request body is not valid/);
    expect((await clinic.api('GET', '/providers')).json.items.length).toBe(before);
    // Broken JSON is still broken JSON.
    const broken = await fetch(`${server.url}/api/v1/providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clinic.key}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
  });
});

describe('dashboard sign-in links from the admin API', () => {
  const signsIn = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    return res.status === 303 && (res.headers.get('set-cookie') ?? '').startsWith(`${SESSION_COOKIE}=`);
  };

  it("hands a clinic's administrator a link to its own dashboard", async ({ server }) => {
    const res = await clinic.api('POST', '/dashboard-links', { hours: 12 });
    expect(res.status).toBe(201);
    expect(res.json.url).toMatch(new RegExp(`^${server.url}/dashboard/signin\\?token=v1\\.${clinic.id}\\.`));
    expect(Date.parse(res.json.expiresAt) - Date.now()).toBeGreaterThan(11 * 3_600_000);
    expect(await signsIn(res.json.url)).toBe(true);
    // With no body at all: the default week.
    const plain = await bodyless(server, 'POST', '/dashboard-links', clinic.key);
    expect(plain.status).toBe(201);
    expect(Date.parse(((await plain.json()) as { expiresAt: string }).expiresAt) - Date.now()).toBeGreaterThan(
      6 * 24 * 3_600_000,
    );
  });

  it('needs the write scope, and refuses a bad lifetime', async ({ server }) => {
    const readOnly = await operator('POST', `/tenants/${clinic.id}/api-keys`, { scopes: ['read'] });
    const res = await apiClient(server.url, readOnly.json.key)('POST', '/dashboard-links', {});
    expect(res.status).toBe(403);
    expect((await clinic.api('POST', '/dashboard-links', { hours: 0 })).status).toBe(400);
    expect((await clinic.api('POST', '/dashboard-links', { hours: 24 * 91 })).status).toBe(400);
  });

  it('lets the operator make one for any clinic, and only the operator', async () => {
    const res = await operator('POST', `/tenants/${other.id}/dashboard-links`, {});
    expect(res.status).toBe(201);
    expect(res.json.url).toContain(`token=v1.${other.id}.`);
    expect(await signsIn(res.json.url)).toBe(true);
    expect((await clinic.api('POST', `/tenants/${other.id}/dashboard-links`, {})).status).toBe(403);
    expect((await operator('POST', '/tenants/00000000-0000-4000-8000-000000000000/dashboard-links', {})).status).toBe(
      404,
    );
  });
});

describe("calls by Vapi's call id", () => {
  it('finds a call by the id in Vapi’s logs, in the API and on the dashboard, and only for its own clinic', async ({
    server,
  }) => {
    const vapiId = 'vapi-call-7f3e2a';
    const call = phoneCall(vapiClient(server.url, clinic.slug, clinic.vapiSecret), '+16175550142', vapiId);
    await call.tool('check_availability', {});
    await call.tool('request_human', { reason: 'test' });

    const byVapi = await clinic.api('GET', `/calls/${vapiId}`);
    expect(byVapi.status).toBe(200);
    expect(byVapi.json.vapiCallId).toBe(vapiId);
    const byOurs = await clinic.api('GET', `/calls/${byVapi.json.id}`);
    expect(byOurs.json.vapiCallId).toBe(vapiId);
    const listed = await clinic.api('GET', `/calls?vapiCallId=${vapiId}`);
    expect(listed.json.items.map((c: { id: string }) => c.id)).toEqual([byVapi.json.id]);

    expect((await other.api('GET', `/calls/${vapiId}`)).status).toBe(404);
    expect((await other.api('GET', `/calls?vapiCallId=${vapiId}`)).json.items).toEqual([]);

    const link = (await clinic.api('POST', '/dashboard-links', {})).json.url as string;
    const cookie = (await fetch(link, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(`${server.url}/dashboard/calls/${vapiId}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('aria-label="escalated, current"');
    const otherLink = (await other.api('POST', '/dashboard-links', {})).json.url as string;
    const otherCookie = (await fetch(otherLink, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${server.url}/dashboard/calls/${vapiId}`, { headers: { cookie: otherCookie } })).status).toBe(
      404,
    );
  });
});

describe('the demo clinic and the environment', () => {
  it('applies DEMO_OWNER_PHONE given on a later start, as DEMO_VAPI_SECRET is', async ({ db }) => {
    const dataDir = `/tmp/slotkeeper-demo-${process.pid}`;
    await db.sql`delete from tenants where slug = 'demo'`;
    const first = await ensureDemoClinic(db.sql, { dataDir, secret: 'first-demo-secret-0123456789' });
    expect(first).toBeUndefined(); // other clinics exist: no demo clinic is created beside them
    const demoId = (
      await db.sql<{ id: string }[]>`
      insert into tenants (slug, name, time_zone, country, vapi_secret_sha256)
      values ('demo', 'Demo', 'America/New_York', 'US', sha256('x')) returning id`
    )[0]!.id;
    await ensureDemoClinic(db.sql, { dataDir, secret: 'second-demo-secret-0123456789', ownerPhone: '+16175550177' });
    const [row] = await db.sql<
      { ownerAlertPhone: string | null }[]
    >`select owner_alert_phone from tenants where id = ${demoId}`;
    expect(row!.ownerAlertPhone).toBe('+16175550177');
    await ensureDemoClinic(db.sql, { dataDir, ownerPhone: '+16175550188' });
    const [again] = await db.sql<
      { ownerAlertPhone: string | null }[]
    >`select owner_alert_phone from tenants where id = ${demoId}`;
    expect(again!.ownerAlertPhone).toBe('+16175550188');
  });
});

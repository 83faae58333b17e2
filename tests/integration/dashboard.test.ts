// The dashboard over real HTTP: signing in, tenant isolation on every route and on the event stream, and change
// notices reaching a page connected to another instance (PostgreSQL LISTEN/NOTIFY).
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardHub } from '../../src/dashboard/hub.ts';
import { dashboardRoutes } from '../../src/dashboard/routes.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { DASHBOARD_SIGNING_KEY, linkFor, openStream, signIn, testTokens } from '../helpers/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';
import { vapiClient } from '../helpers/vapi.ts';

const SECRET_A = 'dashboard-test-secret-a1';
const SECRET_B = 'dashboard-test-secret-b2';
const env = { DASHBOARD_SIGNING_KEY };
let db: TestDatabase;
let a: RunningServer;
let b: RunningServer;
let clinicA: string;
let clinicB: string;
let cookieA: string;
let cookieB: string;

beforeAll(async () => {
  db = await createTestDatabase();
  clinicA = await createDemoClinic(db.sql, { secret: SECRET_A });
  clinicB = await createDemoClinic(db.sql, { secret: SECRET_B, slug: 'other' });
  // Two instances on one database, as behind a load balancer.
  [a, b] = await Promise.all([startServer(db.sql, { env }), startServer(db.sql, { env })]);
  cookieA = await signIn(a.url, clinicA);
  cookieB = await signIn(a.url, clinicB);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await db.drop();
});

const get = (path: string, cookie?: string, server = a) => fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
const overview = async (cookie: string) => (await (await get('/dashboard/api/overview', cookie)).json()) as any;
const bookingIds = (o: any): string[] => o.days.flatMap((d: any) => d.providers.flatMap((p: any) => p.items.map((i: any) => i.id)));

async function book(slug: string, secret: string, time: string, daysAhead = 1) {
  const reply = await vapiClient(b.url, slug, secret).tool('book_appointment', {
    start: iso(futureWeekday(time, daysAhead)),
    patient_name: 'Jane Roe',
  });
  expect(reply.status).toBe('booked');
  return reply.appointment_id as string;
}

describe('signing in', () => {
  it('a signed link sets an HttpOnly session cookie scoped to the dashboard and redirects to it', async () => {
    const res = await fetch(linkFor(a.url, clinicA), { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sk_dashboard=v1\./);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const page = await get('/dashboard', cookie.split(';')[0]);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Demo Family Clinic');
  });

  it('refuses expired, tampered and wrong-purpose tokens, and says so in a sentence', async () => {
    const expired = testTokens.sign('link', clinicA, Date.now() - 1000);
    const forged = testTokens.sign('link', clinicA, Date.now() + 3_600_000).replace(clinicA, clinicB);
    const session = testTokens.sign('session', clinicA, Date.now() + 3_600_000);
    for (const token of [expired, forged, session, 'garbage', '']) {
      const res = await get(`/dashboard/signin?token=${encodeURIComponent(token)}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('not valid or has expired');
    }
    // A link is not a session either.
    const link = testTokens.sign('link', clinicA, Date.now() + 3_600_000);
    expect((await get('/dashboard/api/overview', `sk_dashboard=${link}`)).status).toBe(401);
  });

  it('a link for a clinic that does not exist signs nobody in', async () => {
    const res = await fetch(linkFor(a.url, '00000000-0000-4000-8000-000000000000'), { redirect: 'manual' });
    expect(res.status).toBe(401);
  });

  it('API-key sign-in asks the pluggable verifier, and without one says to use a link', async () => {
    const none = await fetch(`${a.url}/dashboard/signin`, { method: 'POST', body: new URLSearchParams({ api_key: 'sk_live_x' }), redirect: 'manual' });
    expect(none.status).toBe(401);
    expect(await none.text()).toContain('use a sign-in link');

    const app = Fastify();
    const hub = new DashboardHub(db.sql, app.log);
    await app.register(dashboardRoutes, {
      sql: db.sql, hub, tokens: testTokens, now: Date.now, secureCookies: true,
      apiKeys: async (key) => (key === 'key-of-clinic-b' ? clinicB : undefined),
    });
    const wrong = await app.inject({ method: 'POST', url: '/dashboard/signin', payload: 'api_key=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That API key is not valid.');
    const right = await app.inject({ method: 'POST', url: '/dashboard/signin', payload: 'api_key=key-of-clinic-b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(right.statusCode).toBe(303);
    expect(right.headers['set-cookie']).toMatch(/; Secure/);
    const token = /sk_dashboard=([^;]+)/.exec(String(right.headers['set-cookie']))![1]!;
    expect(testTokens.verify('session', token, Date.now())).toBe(clinicB);
    await app.close();
  });

  it('signing out clears the cookie', async () => {
    const res = await fetch(`${a.url}/dashboard/signout`, { method: 'POST', headers: { cookie: cookieA }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^sk_dashboard=; .*Max-Age=0/);
  });
});

describe('tenant isolation', () => {
  it('every dashboard route refuses a browser without a session', async () => {
    for (const path of ['/dashboard', '/dashboard/api/overview', '/dashboard/events']) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(await res.text(), path).not.toContain('Demo Family Clinic');
    }
    const forged = `sk_dashboard=${testTokens.sign('session', clinicA, Date.now() + 3_600_000).slice(0, -4)}AAAA`;
    expect((await get('/dashboard/api/overview', forged)).status).toBe(401);
  });

  it('each clinic sees its own bookings and never the other’s', async () => {
    const mine = await book('demo', SECRET_A, '10:00');
    const theirs = await book('other', SECRET_B, '11:00');
    const [seenA, seenB] = [bookingIds(await overview(cookieA)), bookingIds(await overview(cookieB))];
    expect(seenA).toContain(mine);
    expect(seenA).not.toContain(theirs);
    expect(seenB).toContain(theirs);
    expect(seenB).not.toContain(mine);
  });

  it('a clinic’s event stream carries only its own changes, also from another instance', async () => {
    // Connected to instance a; the bookings go through instance b.
    const streamA = await openStream(`${a.url}/dashboard/events`, cookieA);
    const streamB = await openStream(`${a.url}/dashboard/events`, cookieB);
    try {
      const theirs = await book('other', SECRET_B, '13:00', 2);
      const mine = await book('demo', SECRET_A, '14:00', 2);
      await streamA.next((e) => e.data.id === mine);
      await streamB.next((e) => e.data.id === theirs);
      // b's event was sent before a's, so by now it would have reached stream A if it were going to.
      expect(streamA.events.map((e) => e.data.id)).not.toContain(theirs);
      expect(streamB.events.map((e) => e.data.id)).not.toContain(mine);
      expect(streamA.events.every((e) => e.event === 'change' && e.data.kind === 'booking')).toBe(true);
    } finally {
      streamA.close();
      streamB.close();
    }
  });
});

describe('the overview', () => {
  it('groups today and the next days by provider, with holds counting down and cancellations shown', async () => {
    const id = await book('demo', SECRET_A, '15:00', 1);
    const [held] = await db.sql<{ id: string }[]>`
      update bookings set status = 'held', expires_at = now() + interval '5 minutes', confirmed_at = null
       where id = ${id} returning id`;
    const cancelled = await book('demo', SECRET_A, '16:00', 1);
    await db.sql`update bookings set status = 'cancelled', cancelled_at = now() where id = ${cancelled}`;
    const o = await overview(cookieA);
    expect(o.clinic).toMatchObject({ name: 'Demo Family Clinic', timeZone: 'America/New_York', hotLeadThreshold: 70 });
    expect(o.days[0].label).toBe('Today');
    expect(o.days[1].label).toBe('Tomorrow');
    // Later days appear only when something is on them.
    expect(o.days.slice(2).every((d: any) => d.providers.length > 0)).toBe(true);
    const items = o.days.flatMap((d: any) => d.providers.flatMap((p: any) => p.items));
    const hold = items.find((i: any) => i.id === held!.id);
    expect(hold.status).toBe('held');
    expect(Date.parse(hold.expiresAt)).toBeGreaterThan(Date.now());
    expect(items.find((i: any) => i.id === cancelled).status).toBe('cancelled');
    // Phone numbers are masked on the overview.
    expect(JSON.stringify(o)).not.toContain('+16172531000');
    expect(hold.phone).toBe('•••• 1000');
  });

  it('sends the page with a strict content security policy and the script as a same-origin asset', async () => {
    const page = await get('/dashboard', cookieA);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await get('/dashboard/assets/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await get('/dashboard/assets/..%2Fsecret')).status).toBe(404);
  });
});

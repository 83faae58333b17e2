// The dashboard over real HTTP: signing in, tenant isolation on every route and on the event stream, and change
// notices reaching a page connected to another instance (PostgreSQL LISTEN/NOTIFY).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, apiClient } from '../helpers/admin.ts';
import {
  DASHBOARD_SIGNING_KEY,
  type EventStream,
  linkFor,
  openStream,
  signIn,
  testTokens,
} from '../helpers/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET_A = 'dashboard-test-secret-a1';
const SECRET_B = 'dashboard-test-secret-b2';
// A fast heartbeat, so a stream's session is checked again within a test's patience.
const env = { DASHBOARD_SIGNING_KEY, ADMIN_TOKEN, DASHBOARD_HEARTBEAT_MS: '100' };
// Everything instance a logs, at trace level: the API-key test reads it.
const logLines: string[] = [];
let db: TestDatabase;
let a: RunningServer;
let b: RunningServer;
let clinicA: string;
let clinicB: string;
let cookieA: string;
let cookieB: string;

beforeAll(async () => {
  db = await createTestDatabase();
  clinicA = await createDemoClinic(db.sql, { secret: SECRET_A, otpRequired: false });
  clinicB = await createDemoClinic(db.sql, { secret: SECRET_B, slug: 'other', otpRequired: false });
  // Two instances on one database, as behind a load balancer.
  [a, b] = await Promise.all([
    startServer(db.sql, {
      env: { ...env, LOG_LEVEL: 'trace' },
      logStream: { write: (line) => void logLines.push(line) },
    }),
    startServer(db.sql, { env: { ...env, PUBLIC_URL: 'https://dashboard.example' } }),
  ]);
  cookieA = await signIn(a.url, clinicA);
  cookieB = await signIn(a.url, clinicB);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await db.drop();
});

const get = (path: string, cookie?: string, server = a) =>
  fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
const overview = async (cookie: string) => (await (await get('/dashboard/api/overview', cookie)).json()) as any;
const keySignIn = (server: RunningServer, key: string) =>
  fetch(`${server.url}/dashboard/signin`, {
    method: 'POST',
    body: new URLSearchParams({ api_key: key }),
    redirect: 'manual',
  });
const bookingIds = (o: any): string[] =>
  o.days.flatMap((d: any) => d.providers.flatMap((p: any) => p.items.map((i: any) => i.id)));

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

  it('signs in with a real clinic API key to that key’s clinic only; revoked, unscoped or suspended keys are refused', async () => {
    const operator = apiClient(a.url, ADMIN_TOKEN);
    const issue = async (clinic: string, scopes: string[]) => {
      const res = await operator('POST', `/tenants/${clinic}/api-keys`, { label: 'front desk', scopes });
      expect(res.status).toBe(201);
      return { id: res.json.apiKey.id as string, key: res.json.key as string };
    };
    const keyA = await issue(clinicA, ['read']);
    const keyB = await issue(clinicB, ['read', 'write']);
    const mine = await book('demo', SECRET_A, '09:00', 1);
    const theirs = await book('other', SECRET_B, '09:00', 1);

    // Each key signs in to its own clinic: the form names no clinic, so another clinic's data is out of reach.
    const sessions = new Map<string, string>();
    for (const [k, clinic, own, other] of [
      [keyA, clinicA, mine, theirs],
      [keyB, clinicB, theirs, mine],
    ] as const) {
      const res = await keySignIn(a, k.key);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/dashboard');
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).not.toMatch(/; Secure/);
      // The session names the clinic and the key it came from.
      expect(testTokens.verify('session', /sk_dashboard=([^;]+)/.exec(cookie)![1]!, Date.now())).toBe(
        `${clinic}:${k.id}`,
      );
      const seen = bookingIds(await overview(cookie.split(';')[0]!));
      expect(seen).toContain(own);
      expect(seen).not.toContain(other);
      sessions.set(k.id, cookie.split(';')[0]!);
    }
    // Served over https (PUBLIC_URL), the session cookie is Secure.
    expect((await keySignIn(b, keyB.key)).headers.get('set-cookie')).toMatch(/; Secure/);

    const refusedWith = async (key: string) => {
      const res = await keySignIn(a, key);
      const label = key.slice(0, 16);
      expect(res.status, label).toBe(401);
      expect(res.headers.get('set-cookie'), label).toBeNull();
      const body = await res.text();
      expect(body, label).toContain('That API key is not valid, or it has been revoked.');
      expect(body, label).not.toContain(key);
    };
    // A wrong secret behind a real prefix, a made-up key, and the webhook secret are not keys.
    await refusedWith(`${keyA.key.slice(0, 16)}${'x'.repeat(keyA.key.length - 16)}`);
    await refusedWith('sk_live_x');
    await refusedWith(SECRET_A);
    // A key without the read scope: the dashboard only shows, but a write-only key is not meant for looking.
    await refusedWith((await issue(clinicA, ['write'])).key);
    // A suspended clinic: its key, its signed links, its running sessions and open streams, until it is active again.
    const streamOfB = await openStream(`${a.url}/dashboard/events`, cookieB);
    expect((await operator('POST', `/tenants/${clinicB}/suspend`)).status).toBe(200);
    await streamOfB.ended;
    await refusedWith(keyB.key);
    expect((await fetch(linkFor(a.url, clinicB), { redirect: 'manual' })).status).toBe(401);
    for (const cookie of [sessions.get(keyB.id)!, cookieB])
      expect((await get('/dashboard/api/overview', cookie)).status).toBe(401);
    expect((await operator('POST', `/tenants/${clinicB}/activate`)).status).toBe(200);
    expect((await keySignIn(a, keyB.key)).status).toBe(303);
    for (const cookie of [sessions.get(keyB.id)!, cookieB])
      expect((await get('/dashboard/api/overview', cookie)).status).toBe(200);
    // A revoked key, at once: no new sign-in, and the session it opened ends at its next request, on any instance,
    // and its open stream at the next heartbeat.
    const streamOfKeyA = await openStream(`${b.url}/dashboard/events`, sessions.get(keyA.id)!);
    const streamOfLinkA = await openStream(`${b.url}/dashboard/events`, cookieA);
    expect((await operator('DELETE', `/tenants/${clinicA}/api-keys/${keyA.id}`)).status).toBe(200);
    await streamOfKeyA.ended;
    await refusedWith(keyA.key);
    expect((await get('/dashboard/api/overview', sessions.get(keyA.id)!, b)).status).toBe(401);
    expect((await get('/dashboard', sessions.get(keyA.id)!)).status).toBe(401);
    // Sessions from a signed link or another key of the same clinic go on, their streams too.
    expect((await get('/dashboard/api/overview', cookieA)).status).toBe(200);
    const liveChange = async (stream: EventStream) => {
      const mine = await book('demo', SECRET_A, '14:00', 1);
      return stream.next((e) => e.data.id === mine);
    };
    await expect(liveChange(streamOfLinkA)).resolves.toMatchObject({ event: 'change' });
    streamOfLinkA.close();

    // No key is ever written to the log, even at trace level (every sign-in above went through server a).
    const logged = logLines.join('');
    expect(logged).toContain('dashboard API-key sign-in refused');
    for (const key of [keyA.key, keyB.key]) expect(logged).not.toContain(key.slice(16));
  });

  it('signing out clears the cookie', async () => {
    const res = await fetch(`${a.url}/dashboard/signout`, {
      method: 'POST',
      headers: { cookie: cookieA },
      redirect: 'manual',
    });
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
      // A booking and the reminder queued with it.
      expect(streamA.events.every((e) => e.event === 'change' && ['booking', 'sms'].includes(e.data.kind))).toBe(true);
    } finally {
      streamA.close();
      streamB.close();
    }
  });
});

describe('the overview', () => {
  it('groups today and the next days by provider, with holds counting down; booked, held, released and cancelled told apart', async () => {
    const id = await book('demo', SECRET_A, '15:00', 1);
    const [held] = await db.sql<{ id: string }[]>`
      update bookings set status = 'held', expires_at = now() + interval '5 minutes', confirmed_at = null
       where id = ${id} returning id`;
    const cancelled = await book('demo', SECRET_A, '16:00', 1);
    await db.sql`update bookings set status = 'cancelled', cancelled_at = now() where id = ${cancelled}`;
    // A hold given back (the caller hung up, or asked for a person) was never an appointment: not "cancelled".
    const released = await book('demo', SECRET_A, '11:30', 1);
    await db.sql`update bookings set status = 'cancelled', cancelled_at = now(), confirmed_at = null where id = ${released}`;
    const booked = await book('demo', SECRET_A, '12:00', 1);
    const o = await overview(cookieA);
    expect(o.clinic).toMatchObject({ name: 'Demo Family Clinic', timeZone: 'America/New_York', hotLeadThreshold: 70 });
    expect(o.days[0].label).toBe('Today');
    expect(o.days[1].label).toBe('Tomorrow');
    // Later days appear only when something is on them.
    expect(o.days.slice(2).every((d: any) => d.providers.length > 0)).toBe(true);
    const items = o.days.flatMap((d: any) => d.providers.flatMap((p: any) => p.items));
    const hold = items.find((i: any) => i.id === held!.id);
    expect(hold.word).toBe('held');
    expect(Date.parse(hold.expiresAt)).toBeGreaterThan(Date.now());
    expect(items.find((i: any) => i.id === cancelled).word).toBe('cancelled');
    expect(items.find((i: any) => i.id === released).word).toBe('released');
    expect(items.find((i: any) => i.id === booked)).toMatchObject({
      word: 'booked',
      can: { move: true, cancel: true, noShow: false },
    });
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

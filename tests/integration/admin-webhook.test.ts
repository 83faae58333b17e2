// What issue 7 adds to the webhook and the server: HMAC signatures, assistant-request, static parameters, rate
// limits, load shedding and the dashboard's security headers — all over real HTTP.
import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { SecretBox } from '../../src/security/secret-box.ts';
import { tools } from '../../src/vapi/tools/index.ts';
import { readReply, toolCallsBody, vapiCall, vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, bookableClinic, newTenant, type TenantHandle } from '../helpers/admin.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { startServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const it = integrationTest({ env: { ADMIN_TOKEN } });

describe('HMAC credential', () => {
  let t: TenantHandle;
  let webhook: string;
  const sign = (body: string, timestamp: string, secret = t.vapiSecret) =>
    createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  const post = (body: string, headers: Record<string, string>) =>
    fetch(webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const body = JSON.stringify(toolCallsBody([{ name: 'check_availability', args: {} }]));

  it.beforeAll(async ({ server }) => {
    t = await bookableClinic(server.url, 'signed');
    webhook = `${server.url}/vapi/${t.slug}`;
    const switched = await t.api('PATCH', '/settings', { webhookAuth: 'hmac' });
    expect(switched.json.webhookAuth).toBe('hmac');
  });

  it('accepts a signature over the raw body with a fresh timestamp, in seconds or milliseconds', async () => {
    const seconds = String(Math.floor(Date.now() / 1000));
    const res = await post(body, { 'x-timestamp': seconds, 'x-signature': sign(body, seconds) });
    expect(res.status).toBe(200);
    expect(readReply(((await res.json()) as any).results[0]).status).toBe('ok');
    const ms = String(Date.now());
    expect((await post(body, { 'x-timestamp': ms, 'x-signature': `sha256=${sign(body, ms)}` })).status).toBe(200);
  });

  it('verifies the exact bytes: the same JSON with other spacing does not pass', async () => {
    const ts = String(Date.now());
    const spaced = JSON.stringify(JSON.parse(body), null, 1);
    expect((await post(spaced, { 'x-timestamp': ts, 'x-signature': sign(body, ts) })).status).toBe(401);
  });

  it('refuses a wrong secret, a stale or missing timestamp, a bearer token, and a body it could not verify', async () => {
    const now = String(Date.now());
    const stale = String(Date.now() - 6 * 60 * 1000);
    const cases: Array<[string, Record<string, string>, string?]> = [
      ['wrong secret', { 'x-timestamp': now, 'x-signature': sign(body, now, 'not-the-secret') }],
      ['stale', { 'x-timestamp': stale, 'x-signature': sign(body, stale) }],
      [
        'future',
        {
          'x-timestamp': String(Date.now() + 6 * 60 * 1000),
          'x-signature': sign(body, String(Date.now() + 6 * 60 * 1000)),
        },
      ],
      ['no timestamp', { 'x-signature': sign(body, now) }],
      ['bearer', { authorization: `Bearer ${t.vapiSecret}` }],
      ['garbage signature', { 'x-timestamp': now, 'x-signature': 'zz' }],
    ];
    for (const [what, headers] of cases) {
      const res = await post(body, headers);
      expect(res.status, what).toBe(401);
    }
    const noJson = await fetch(webhook, {
      method: 'POST',
      headers: { 'x-timestamp': now, 'x-signature': sign('', now) },
    });
    expect(noJson.status).toBe(401);
  });

  it('cannot be switched on for a clinic whose secret was only ever hashed', async ({ db, server }) => {
    const [legacy] = await db.sql<{ id: string }[]>`
      insert into tenants (slug, name, time_zone, country, vapi_secret_sha256)
      values ('legacy', 'Legacy', 'UTC', 'US', ${Buffer.alloc(32)}) returning id`;
    const key = await fetch(`${server.url}/api/v1/tenants/${legacy!.id}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { key: apiKey } = (await key.json()) as { key: string };
    const res = await fetch(`${server.url}/api/v1/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhookAuth: 'hmac' }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/rotate the Vapi secret first/);
  });
});

describe('assistant-request', () => {
  it('answers with the clinic’s assistant and today’s date, time, hours and next open day in its zone', async ({
    server,
  }) => {
    const t = await bookableClinic(server.url, 'assisted');
    await t.api('PATCH', '/settings', { vapiAssistantId: 'asst_123', timeZone: 'Pacific/Auckland' });
    const answer = await vapiClient(server.url, 'assisted', t.vapiSecret).assistantRequest(
      vapiCall('c-ar', '+16175550100'),
    );
    expect(answer.assistantId).toBe('asst_123');
    const v = answer.assistantOverrides.variableValues;
    const local = DateTime.now().setZone('Pacific/Auckland');
    // Around midnight the date may have turned between our clock and the server's: accept either side.
    expect([local.toISODate(), local.minus({ minutes: 1 }).toISODate()]).toContain(v.today_iso);
    expect(v.year).toBe(v.today_iso.slice(0, 4));
    expect(v.today).toContain(v.year);
    expect(v.time_zone).toBe('Pacific/Auckland');
    expect(v.opening_hours).toBe('Monday to Friday 9 AM to 5 PM; closed Saturday to Sunday');
    expect(v.next_open_day).toMatch(/^(today|tomorrow|\w+day, \w+ \d+) from /);
    expect(['open', 'closed']).toContain(v.open_now);
  });

  it('answers with an inline assistant carrying the exported tools when the clinic has a credential but no assistant', async ({
    server,
  }) => {
    const t = await bookableClinic(server.url, 'inline');
    const vapi = vapiClient(server.url, 'inline', t.vapiSecret);
    const unset = await vapi.assistantRequest();
    expect(unset.error).toMatch(/not set up yet/);
    await t.api('PATCH', '/settings', { vapiCredentialId: 'cred_abc' });
    const res = { json: await vapi.assistantRequest() };
    const a = res.json.assistant;
    expect(a.model.messages[0].content).toContain('{{today}}');
    expect(a.model.tools.map((tool: any) => tool.function.name)).toEqual([...tools.keys()]);
    expect(a.model.tools[0].server).toMatchObject({ url: `${server.url}/vapi/inline`, credentialId: 'cred_abc' });
    expect(res.json.assistantOverrides.variableValues.clinic_name).toBe('Clinic inline');
  });
});

describe('static parameters', () => {
  it('take the caller’s number and call id from Vapi’s static parameters when the envelope lacks them', async ({
    db,
    server,
  }) => {
    const t = await bookableClinic(server.url, 'statics');
    const start = futureWeekday('10:00', 3);
    const body = toolCallsBody(
      [
        {
          name: 'book_appointment',
          args: {
            start: iso(start),
            patient_name: 'Sam Static',
            caller_number: '+16175550777',
            vapi_call_id: 'call-static',
          },
        },
      ],
      { customerNumber: null },
    );
    const { call: _call, ...withoutCall } = body.message;
    const res = await vapiClient(server.url, 'statics', t.vapiSecret).post({ message: withoutCall });
    expect(readReply(res.json.results[0]).status).toBe('code_sent');
    const [row] =
      await db.sql`select b.source_call_id, p.phone_e164 from bookings b join patients p on p.id = b.patient_id where b.tenant_id = ${t.id}`;
    expect(row).toMatchObject({ sourceCallId: 'call-static', phoneE164: '+16175550777' });
  });
});

describe('rate limits', () => {
  it('limit the webhook per clinic and the API per IP, answering 429 with Retry-After', async ({ db }) => {
    const limited = await startServer(db.sql, {
      env: {
        ADMIN_TOKEN,
        RATE_LIMIT_WEBHOOK_PER_TENANT: '3',
        RATE_LIMIT_API_PER_IP: '40',
        RATE_LIMIT_WINDOW_SECONDS: '60',
      },
    });
    try {
      const a = await newTenant(limited.url, 'limit-a');
      const b = await newTenant(limited.url, 'limit-b');
      const ping = (t: TenantHandle) =>
        vapiClient(limited.url, t.slug, t.vapiSecret).post({ message: { type: 'hang' } });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await ping(a)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect((await ping(b)).status).toBe(200);
      const refused = await fetch(`${limited.url}/vapi/limit-a`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.vapiSecret}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: string }).error).toMatch(/Too many requests/);

      const apiStatuses: number[] = [];
      for (let i = 0; i < 45; i++) apiStatuses.push((await a.api('GET', '/settings')).status);
      expect(apiStatuses).toContain(429);
      expect(apiStatuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    } finally {
      await limited.close();
    }
  });

  it('limit the API per clinic', async ({ db }) => {
    const limited = await startServer(db.sql, { env: { ADMIN_TOKEN, RATE_LIMIT_API_PER_TENANT: '2' } });
    try {
      const a = await newTenant(limited.url, 'api-limit-a');
      const b = await newTenant(limited.url, 'api-limit-b');
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await a.api('GET', '/providers')).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect((await b.api('GET', '/providers')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop lags, and recovers', async ({ db }) => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      MAX_EVENT_LOOP_DELAY_MS: '100',
      PRESSURE_SAMPLE_INTERVAL_MS: '50',
    });
    const app = await buildApp({ config, sql: db.sql, secrets: SecretBox.fromString(SecretBox.generateKey()) });
    // Test-only: keeps the event loop blocked 250 ms at a time, far above the threshold even on a busy CI machine.
    let blocker: NodeJS.Timeout | undefined;
    app.post('/test/lag', async () => {
      blocker = setInterval(() => {
        const until = Date.now() + 250;
        while (Date.now() < until);
      }, 10);
      return { lagging: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // Polls /health until it answers `status`; the start-up itself may have lagged the loop for a moment.
    const healthBecomes = async (status: number, pause: number): Promise<Response | undefined> => {
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${url}/health`);
        if (res.status === status) return res;
        await new Promise((r) => setTimeout(r, pause));
      }
      return undefined;
    };
    try {
      expect(await healthBecomes(200, 50)).toBeDefined();
      await fetch(`${url}/test/lag`, { method: 'POST' });
      const shed = await healthBecomes(503, 0);
      expect(shed?.headers.get('retry-after')).toBe('5');
      expect(((await shed!.json()) as { error: string }).error).toMatch(/busy/);
      clearInterval(blocker);
      expect(await healthBecomes(200, 50)).toBeDefined();
    } finally {
      clearInterval(blocker);
      await app.close();
    }
  });
});

describe('dashboard security headers', () => {
  it('are set under /dashboard and nowhere else', async ({ db }) => {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, sql: db.sql, secrets: SecretBox.fromString(SecretBox.generateKey()) });
    app.get('/dashboard/probe', async () => ({ ok: true }));
    try {
      const dash = await app.inject({ method: 'GET', url: '/dashboard/probe?x=1' });
      expect(dash.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(dash.headers['content-security-policy']).toContain("default-src 'self'");
      expect(dash.headers['x-content-type-options']).toBe('nosniff');
      expect(dash.headers['referrer-policy']).toBe('no-referrer');
      const missing = await app.inject({ method: 'GET', url: '/dashboard/nothing-here' });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['x-content-type-options']).toBe('nosniff');
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.headers['content-security-policy']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

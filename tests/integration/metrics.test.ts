// /metrics as an operator reads it: latency of every route by its pattern, and what to watch — the SMS outbox and its
// sends, calls and holds in progress, leads, the availability cache, the database pool.
import { describe, expect } from 'vitest';
import { ADMIN_TOKEN, apiClient } from '../helpers/admin.ts';
import { phoneCall } from '../helpers/calls.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import type { RunningServer } from '../helpers/server.ts';

// One call the file's tests carry through its steps, from availability to its end-of-call report.
const it = integrationTest({
  clinic: { secret: 'metrics-test-secret-0123456789', slug: 'metrics' },
  env: { ADMIN_TOKEN, SMS_DISPATCH_INTERVAL_MS: '50', DB_POOL_SIZE: '6' },
}).extend('call', { scope: 'file' }, async ({ vapi }) => phoneCall(vapi, '+16175550123', 'metrics-call-1'));

/** The value of one series, e.g. `slotkeeper_active_holds` or `name{label="x"}` (labels in the order printed). */
async function scrape(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}
const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
async function eventually(
  server: RunningServer,
  series: string,
  wanted: (v: number | undefined) => boolean,
): Promise<number | undefined> {
  let v: number | undefined;
  for (let i = 0; i < 100; i++) {
    v = value(await scrape(server), series);
    if (wanted(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return v;
}

describe('/metrics', () => {
  it('times every route by its pattern, not its raw URL', async ({ server, call }) => {
    await call.tool('check_availability', {});
    const operator = apiClient(server.url, ADMIN_TOKEN);
    const tenants = await operator('GET', '/tenants');
    await operator('GET', `/tenants/${tenants.json.items[0].id}`);
    await fetch(`${server.url}/no/such/page`);
    const text = await scrape(server);
    expect(
      value(
        text,
        'slotkeeper_http_request_duration_seconds_count{method="POST",route="/vapi/:tenant",status_code="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(
        text,
        'slotkeeper_http_request_duration_seconds_count{method="GET",route="/api/v1/tenants/:tenantId",status_code="200"}',
      ),
    ).toBe(1);
    expect(
      value(text, 'slotkeeper_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}'),
    ).toBe(1);
    expect(text).not.toContain(tenants.json.items[0].id);
  });

  it('shows calls and holds in progress, the SMS sends by kind and outcome, and an empty outbox once sent', async ({
    server,
    call,
  }) => {
    const offered = await call.tool('check_availability', {});
    const held = await call.tool('reserve_slot', {
      start: offered.slots[0].start,
      provider: offered.slots[0].provider,
      patient_name: 'Meg Trics',
    });
    expect(held.status).toBe('held');
    let text = await scrape(server);
    expect(value(text, 'slotkeeper_active_holds')).toBe(1);
    expect(value(text, 'slotkeeper_active_calls')).toBe(1);
    expect((await call.tool('send_otp', {})).status).toBe('sent');
    expect(await eventually(server, 'slotkeeper_sms_sends_total{kind="otp",outcome="sent"}', (v) => v === 1)).toBe(1);
    text = await scrape(server);
    expect(value(text, 'slotkeeper_sms_outbox_messages{status="pending"}')).toBe(0);
    expect(value(text, 'slotkeeper_sms_outbox_oldest_due_seconds')).toBe(0);
  });

  it('counts leads after the end-of-call report, and the call is no longer in progress', async ({ server, call }) => {
    expect(await call.report({ analysis: { summary: 'Booked nothing yet.' } })).toBe(200);
    const text = await scrape(server);
    expect(value(text, 'slotkeeper_active_calls')).toBe(0);
    expect(value(text, 'slotkeeper_active_holds')).toBe(0);
    expect(
      (value(text, 'slotkeeper_leads_last_24h{hot="true"}') ?? 0) +
        (value(text, 'slotkeeper_leads_last_24h{hot="false"}') ?? 0),
    ).toBe(1);
  });

  it("shows this instance's database pool and the availability cache", async ({ server }) => {
    const text = await scrape(server);
    expect(value(text, 'slotkeeper_ops_gauges_up')).toBe(1);
    expect(value(text, 'slotkeeper_db_pool_max')).toBe(6);
    // The scrape's own query is running on one of the pool's connections while it counts them.
    expect(value(text, 'slotkeeper_db_pool_connections{state="active"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'slotkeeper_availability_cache_total{result="miss"}')).toBeGreaterThanOrEqual(1);
  });
});

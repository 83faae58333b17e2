// The dashboard in a real headless Chromium: sign in with a link, book through the webhook and watch the appointment
// appear without a reload; end a hot call and watch its alert appear; open the call and find its path in the diagram;
// suspend the clinic and watch the open page fall back to the sign-in form.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { launchBrowser, type Browser } from '../helpers/browser.ts';
import { codeFrom, phoneCall, startServerWithTwilio, turn } from '../helpers/calls.ts';
import { DASHBOARD_SIGNING_KEY, linkFor } from '../helpers/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import type { RunningServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';
import { vapiClient } from '../../testkit/vapi.ts';

const SECRET = 'browser-test-secret-0001';
const OWNER = '+12125550143';
let db: TestDatabase;
let twilio: FakeTwilio;
let server: RunningServer;
let browser: Browser;
let clinic: string;

beforeAll(async () => {
  db = await createTestDatabase();
  clinic = await createDemoClinic(db.sql, { secret: SECRET, ownerPhone: OWNER });
  twilio = await startFakeTwilio();
  // A fast heartbeat, so an open page learns of a suspension within the test's patience.
  server = await startServerWithTwilio(db.sql, twilio, { secretsKey: SecretBox.generateKey(), env: { DASHBOARD_SIGNING_KEY, DASHBOARD_HEARTBEAT_MS: '200' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await twilio?.close();
  await db?.drop();
});

it('shows an appointment booked through the webhook without reloading the page', async () => {
  const page = await browser.context.newPage();
  await page.goto(linkFor(server.url, clinic));
  expect(new URL(page.url()).pathname).toBe('/dashboard');
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await page.locator('main[data-loaded]').waitFor();
  // Survives only if the page is never reloaded.
  await page.evaluate(() => ((globalThis as any).sameDocument = true));

  // The demo clinic needs a code: book_appointment holds and texts it, verify_otp books.
  const caller = phoneCall(vapiClient(server.url, 'demo', SECRET), '+16175550142');
  const held = await caller.tool('book_appointment', { start: iso(futureWeekday('10:30', 1)), patient_name: 'Maria Lopez' });
  expect(held.status).toBe('code_sent');
  const reply = await caller.tool('verify_otp', { code: codeFrom(await twilio.nextMessage(caller.number, 10_000)) });
  expect(reply.status).toBe('booked');

  const item = page.locator(`[data-booking-id="${reply.appointment_id}"]`);
  await item.waitFor();
  await expect(item.textContent()).resolves.toContain('consultation');
  await expect(item.textContent()).resolves.toContain('Maria Lopez');
  expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);
  const schedule = page.getByRole('region', { name: 'Schedule' });
  expect(await schedule.isVisible()).toBe(true);
  await browser.screenshot(page, 'dashboard-booking');

  await page.setViewportSize({ width: 390, height: 844 });
  await browser.screenshot(page, 'dashboard-phone');
  await page.close();
});

it('shows a hot lead as its call ends, and the path the call took through the machine on its page', async () => {
  const page = await browser.context.newPage();
  await page.goto(linkFor(server.url, clinic));
  await page.locator('main[data-loaded]').waitFor();
  await page.evaluate(() => ((globalThis as any).sameDocument = true));

  const call = phoneCall(vapiClient(server.url, 'demo', SECRET), '+16175550155');
  expect((await call.tool('reserve_slot', { start: iso(futureWeekday('09:30', 2)), patient_name: 'Noor Haddad' })).status).toBe('held');
  expect((await call.tool('send_otp')).status).toBe('sent');
  expect((await call.tool('verify_otp', { code: codeFrom(await twilio.nextMessage(call.number, 10_000)) })).status).toBe('booked');
  expect(await call.hangUp()).toBe(200);
  expect(
    await call.report({
      analysis: { summary: 'New patient asked how much implants cost and booked a consultation.', successEvaluation: 'true' },
      artifact: { messages: [turn('user', "I'm a new patient. How much are implants?")] },
    }),
  ).toBe(200);

  const hot = page.getByRole('region', { name: 'Hot leads' }).locator('li.lead.hot');
  await hot.waitFor();
  await expect(hot.textContent()).resolves.toContain('Hot lead');
  await expect(hot.textContent()).resolves.toContain('asked for price of implants');
  await expect(hot.textContent()).resolves.toContain('•••• 0155');
  expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);
  await browser.screenshot(page, 'dashboard-hot-lead');

  await hot.getByRole('link', { name: 'details' }).click();
  await page.waitForURL(/\/dashboard\/calls\/[0-9a-f-]{36}$/);
  const diagram = page.getByRole('img', { name: /call machine/ });
  await diagram.waitFor();
  const visited = await diagram.locator('g.node.visited').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
  expect(visited).toEqual(expect.arrayContaining(['idle', 'reserving', 'held', 'sendingCode', 'codeSent', 'verifying', 'booked', 'ending', 'ended']));
  expect(visited).not.toContain('escalated');
  const taken = await diagram.locator('g.edge.taken').evaluateAll((edges) => edges.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
  expect(taken).toEqual(expect.arrayContaining(['held>sendingCode', 'codeSent>verifying', 'verifying>booked']));
  await browser.screenshot(page, 'dashboard-call-detail');
  await page.close();
});

it('an open page goes back to the sign-in form once its clinic is suspended', async () => {
  // A clinic with no activity at all: no change event can make the page refresh, only its event stream can tell it.
  const quiet = await createDemoClinic(db.sql, { secret: 'browser-test-quiet-0001', slug: 'quiet' });
  const page = await browser.context.newPage();
  await page.goto(linkFor(server.url, quiet));
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  // The refresh that follows the stream's opening is done: nothing else is due to fetch.
  await page.locator('main[data-loaded="1"]').waitFor();
  await db.sql`update tenants set status = 'suspended' where id = ${quiet}`;
  try {
    // The server ends the stream at its next heartbeat, refuses the reconnect, and the page reloads into the form.
    await page.getByRole('alert').filter({ hasText: 'Please sign in to see your clinic.' }).waitFor();
    expect(await page.getByLabel('Clinic API key').isVisible()).toBe(true);
    await browser.screenshot(page, 'dashboard-signed-out');
  } finally {
    await page.close();
  }
});

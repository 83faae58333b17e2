/// <reference lib="dom" />
// The front desk's screen in a real headless Chromium, at a desk (1366×900) and on a phone (390×844): an escalation
// appears in the call-back queue and leaves it when marked done; its released hold is not drawn as cancelled; a
// receptionist and a caller racing for one slot leave one booking; the machine diagram's labels never overlap; axe
// finds nothing serious; the keyboard reaches and works the booking dialog; the page reflows at 200 % zoom. The
// older flows stay: live updates without a reload, hot leads, the fall back to sign-in on suspension.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { type FakeTwilio, startFakeTwilio } from '../../testkit/fake-twilio.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { type Browser, launchBrowser } from '../helpers/browser.ts';
import { codeFrom, phoneCall, reportFields, startServerWithTwilio } from '../helpers/calls.ts';
import { DASHBOARD_SIGNING_KEY, linkFor } from '../helpers/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import type { RunningServer } from '../helpers/server.ts';
import { futureWeekday, iso, weekdayAfter } from '../helpers/time.ts';

const SECRET = 'browser-test-secret-0001';
const OWNER = '+12125550143';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SIZES = [
  { name: 'desk', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
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
  server = await startServerWithTwilio(db.sql, twilio, {
    secretsKey: SecretBox.generateKey(),
    env: { DASHBOARD_SIGNING_KEY, DASHBOARD_HEARTBEAT_MS: '200' },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await twilio?.close();
  await db?.drop();
});

const vapi = () => vapiClient(server.url, 'demo', SECRET);

async function openDashboard(size: (typeof SIZES)[number]): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: size.width, height: size.height });
  await page.goto(linkFor(server.url, clinic));
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await page.locator('main[data-loaded]').waitFor();
  // Survives only if the page is never reloaded.
  await page.evaluate(() => ((globalThis as any).sameDocument = true));
  return page;
}

/** axe-core in the page (evaluated, so the page's CSP does not apply to it): serious or critical findings. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(
    async () =>
      (
        await (globalThis as any).axe.run(document, {
          runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
        })
      ).violations,
  );
  return violations
    .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`);
}

/** No sideways scrolling: the page's content fits the viewport's width. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** One whole call that holds, is texted a code, reads it back, books and ends with a hot report; made once. */
let booked: Promise<{ call: ReturnType<typeof phoneCall>; code: string }> | undefined;
function bookedCall() {
  booked ??= (async () => {
    const call = phoneCall(vapi(), '+16175550155');
    expect(
      (await call.tool('reserve_slot', { start: iso(futureWeekday('09:30', 2)), patient_name: 'Noor Haddad' })).status,
    ).toBe('held');
    expect((await call.tool('send_otp')).status).toBe('sent');
    const code = codeFrom(await twilio.nextMessage(call.number, 10_000));
    expect((await call.tool('verify_otp', { code })).status).toBe('booked');
    expect(await call.hangUp()).toBe(200);
    expect(
      await call.report(
        reportFields({
          summary: 'New patient asked how much implants cost and booked a consultation.',
          callerSays: "I'm a new patient. How much are implants?",
          seconds: 90,
          successEvaluation: 'true',
        }),
      ),
    ).toBe(200);
    return { call, code };
  })();
  return booked;
}

let callSeq = 0;
const nextNumber = () => `+1617555${String(1100 + ++callSeq)}`;

describe.each(SIZES)('at $name size ($width×$height)', (size) => {
  it('an escalation appears in the call-back queue with a tap-to-call number, its hold reads released, and Done removes it', async () => {
    const page = await openDashboard(size);
    const call = phoneCall(vapi(), nextNumber());
    expect(
      (
        await call.tool('reserve_slot', {
          start: iso(futureWeekday('10:00', 1).plus({ minutes: 30 * callSeq })),
          patient_name: 'Ana Ruiz',
        })
      ).status,
    ).toBe('held');
    expect((await call.tool('request_human')).status).toBe('escalated');

    const queue = page.getByRole('region', { name: /^Call back/ });
    const entry = queue.locator('li.callback').filter({ hasText: call.number });
    await entry.waitFor();
    await expect(entry.textContent()).resolves.toContain('Ana Ruiz');
    await expect(entry.textContent()).resolves.toContain('Asked for a person');
    expect(await entry.getByRole('link', { name: call.number }).getAttribute('href')).toBe(`tel:${call.number}`);
    // The call back comes first on the page.
    const firstRegion = await page
      .locator('main section.panel')
      .evaluateAll(
        (panels) =>
          panels
            .map((p) => ({ id: p.id, top: p.getBoundingClientRect().top, left: p.getBoundingClientRect().left }))
            .sort((a, b) => a.top - b.top || a.left - b.left)[0]!.id,
      );
    expect(firstRegion).toBe('callbacks');

    // The hold it gave back reads "released", never "cancelled".
    const [hold] = await db.sql<{ id: string }[]>`select id from bookings where source_call_id = ${call.id}`;
    const item = page.locator(`[data-booking-id="${hold!.id}"]`);
    await page.locator(`[data-booking-id="${hold!.id}"][data-word="released"]`).waitFor({ state: 'attached' });
    await item.locator('xpath=ancestor::details').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    await expect(item.locator('.badge').textContent()).resolves.toBe('released');
    expect(await item.textContent()).not.toContain('cancelled');
    expect(await item.evaluate((el) => getComputedStyle(el.querySelector('.what')!).textDecorationLine)).not.toContain(
      'line-through',
    );
    await browser.screenshot(page, `dashboard-callback-${size.name}`, { doc: true });

    // Done needs a name (the page remembers the last one: cleared here); then the entry leaves the queue and
    // "Handled today" says who.
    await page.getByLabel('Your name').fill('');
    await entry.getByRole('button', { name: 'Done: Ana Ruiz' }).click();
    await page.locator('#flash').filter({ hasText: 'Type your name first' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('handled-by');
    await page.getByLabel('Your name').fill('Rosa');
    await entry.getByRole('button', { name: 'Done: Ana Ruiz' }).click();
    await entry.waitFor({ state: 'detached' });
    await page
      .getByRole('region', { name: 'Handled today' })
      .locator('li')
      .filter({ hasText: 'by Rosa' })
      .first()
      .waitFor();
    expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);
    await page.close();
  });

  it('a receptionist booking and a phone booking racing for one slot leave exactly one booking', async () => {
    const page = await openDashboard(size);
    // A weekday of its own for each size, so both races are for a free slot.
    const day = size.name === 'desk' ? futureWeekday('09:00', 3) : weekdayAfter(futureWeekday('09:00', 3));
    await page.getByRole('button', { name: 'Book for a caller…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.waitFor();
    await dialog.getByLabel('Service').selectOption({ label: 'consultation (30 min)' });
    await dialog.getByLabel('With').selectOption({ label: 'Dr. Ben Okafor' });
    await dialog.getByLabel('Day').fill(day.toISODate()!);
    await dialog.getByLabel('Day').dispatchEvent('change');
    // The times listed are that day's, and the form is ready to send.
    await dialog.locator(`form[data-slots-for="${day.toISODate()}"]`).waitFor({ state: 'attached' });
    await dialog.getByRole('button', { name: 'Book', exact: true }).and(page.locator(':enabled')).waitFor();
    const time = dialog.getByLabel('Time');
    const [start, providerId] = (await time.inputValue()).split('|');
    await dialog.getByLabel("Patient's name").fill('Desk Patient');
    await dialog.getByLabel("Patient's phone").fill('(617) 555-2001');
    await browser.screenshot(page, `dashboard-book-${size.name}`, { doc: size.name === 'phone' });

    const [, phone] = await Promise.all([
      dialog.getByRole('button', { name: 'Book', exact: true }).click(),
      vapi().tool(
        'book_appointment',
        { start: start!, provider: 'Dr. Ben Okafor', service: 'consultation', patient_name: 'Phone Patient' },
        { customerNumber: nextNumber() },
      ),
    ]);
    // The page says who won: its own booking, or that the time was just taken.
    const won = page.locator('#flash').filter({ hasText: 'Booked Desk Patient' });
    const lost = dialog.getByRole('alert').filter({ hasText: 'That time was just taken.' });
    await won.or(lost).waitFor();
    const deskWon = await won.isVisible();
    // The caller's claim is a hold while its code is texted: held or booked, it won.
    expect(Number(deskWon) + Number(phone.status === 'code_sent' || phone.status === 'booked')).toBe(1);
    const [{ n }] = await db.sql<[{ n: number }]>`
      select count(*)::int as n from bookings where provider_id = ${providerId!} and starts_at = ${new Date(start!)} and status in ('held', 'confirmed')`;
    expect(n).toBe(1);
    if (!deskWon) await dialog.getByRole('button', { name: 'Close' }).click();
    await page.close();
  });

  it('the keyboard reaches the booking dialog, works in it and closes it; the page reflows at 200 % zoom', async () => {
    const page = await openDashboard(size);
    const bookAny = page.getByRole('button', { name: 'Book for a caller…' });
    for (let i = 0; i < 60 && !(await bookAny.evaluate((b) => b === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    expect(await bookAny.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await bookAny.evaluate((b) => b === document.activeElement)).toBe(true);

    expect(await fitsWidth(page)).toBe(true);
    // 200 % zoom is half the CSS pixels: the page must reflow, not scroll sideways.
    await page.setViewportSize({ width: Math.round(size.width / 2), height: Math.round(size.height / 2) });
    expect(await fitsWidth(page)).toBe(true);
    await browser.screenshot(page, `dashboard-zoom200-${size.name}`);
    await page.close();
  });
});

describe('what the page shows', () => {
  it('shows an appointment booked through the webhook without reloading, and a hot lead compactly with its reasons on demand', async () => {
    const page = await openDashboard(SIZES[0]);
    // The demo clinic asks for a code: book_appointment holds and texts it, verify_otp books.
    const caller = phoneCall(vapi(), '+16175550142');
    expect(
      (await caller.tool('book_appointment', { start: iso(futureWeekday('10:30', 1)), patient_name: 'Maria Lopez' }))
        .status,
    ).toBe('code_sent');
    const reply = await caller.tool('verify_otp', { code: codeFrom(await twilio.nextMessage(caller.number, 10_000)) });
    expect(reply.status).toBe('booked');
    // Held while the code was out, booked once it was read back: the page follows without a reload.
    const item = page.locator(`[data-booking-id="${reply.appointment_id}"][data-word="booked"]`);
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('Maria Lopez');

    const { call, code } = await bookedCall();

    const hot = page
      .getByRole('region', { name: 'Hot leads' })
      .locator(`li.lead.hot[data-call-id]`)
      .filter({ hasText: 'Noor Haddad' });
    await hot.waitFor();
    await expect(hot.locator('.strongest').textContent()).resolves.toMatch(/\S/);
    // The full reasons wait behind a toggle.
    const reasons = hot.locator('.reasons');
    expect(await reasons.isVisible()).toBe(false);
    await hot.getByText('Why this score').click();
    expect(await reasons.isVisible()).toBe(true);
    await expect(reasons.textContent()).resolves.toContain('asked for price of implants');
    // A redraw (any change on the clinic's dashboard) leaves what staff opened open.
    const loads = Number(await page.locator('main[data-page]').getAttribute('data-loaded'));
    await db.sql`update sms_outbox set delivery_status = 'delivered' where to_e164 = ${call.number} and kind = 'confirmation'`;
    await page.locator(`main[data-page]:not([data-loaded="${loads}"])`).waitFor({ state: 'attached' });
    expect(await reasons.isVisible()).toBe(true);

    // The code text is listed with its wording, never its code.
    const sms = page.getByRole('region', { name: 'Text messages' });
    await sms.locator('li').filter({ hasText: 'Code' }).first().waitFor();
    await expect(sms.textContent()).resolves.toContain('Booking code text (the code is hidden).');
    expect(await page.textContent('body')).not.toContain(code);
    expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);
    await browser.screenshot(page, 'dashboard', { doc: true });
    await page.setViewportSize({ width: SIZES[1].width, height: SIZES[1].height });
    await browser.screenshot(page, 'dashboard-phone', { doc: true });

    for (const s of SIZES) {
      await page.setViewportSize({ width: s.width, height: s.height });
      expect(await seriousViolations(page), `overview at ${s.name}`).toEqual([]);
    }

    // The call's page: plain sentences, the machine behind a toggle, and the diagram.
    await page.setViewportSize({ width: SIZES[0].width, height: SIZES[0].height });
    await hot.getByRole('link', { name: 'call details' }).click();
    await page.waitForURL(/\/dashboard\/calls\/[0-9a-f-]{36}$/);
    const timeline = page.getByRole('region', { name: 'What happened' });
    await expect(timeline.textContent()).resolves.toContain('Code texted to •••• 0155');
    await expect(timeline.textContent()).resolves.toContain('Code matched: booked');
    expect(await timeline.getByText('xstate.done.actor.verify: verifying → booked').isVisible()).toBe(false);
    await timeline.locator('summary').first().click();
    expect(await timeline.locator('details').first().locator('code').isVisible()).toBe(true);
    await expect(
      page.getByRole('region', { name: 'Noor Haddad' }).getByRole('link', { name: call.number }).getAttribute('href'),
    ).resolves.toBe(`tel:${call.number}`);
    for (const s of SIZES) {
      await page.setViewportSize({ width: s.width, height: s.height });
      expect(await seriousViolations(page), `call page at ${s.name}`).toEqual([]);
      await browser.screenshot(page, s.name === 'desk' ? 'call' : 'call-phone', { doc: true });
    }
    await page.close();
  });

  it.each(SIZES)(
    'draws the machine at $name size with its path highlighted, fitting the screen, no label clipped or overlapping',
    async (size) => {
      const { call } = await bookedCall();
      const [{ id }] = await db.sql<[{ id: string }]>`select id from calls where vapi_call_id = ${call.id}`;
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.goto(linkFor(server.url, clinic));
      await page.goto(`${server.url}/dashboard/calls/${id}`);
      const diagram = page.getByRole('img', { name: /call machine/ });
      await diagram.waitFor();
      await page.locator('main[data-loaded]').waitFor();
      const visited = await diagram
        .locator('g.node.visited')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
      expect(visited).toEqual(
        expect.arrayContaining([
          'idle',
          'reserving',
          'held',
          'sendingCode',
          'codeSent',
          'verifying',
          'booked',
          'ending',
          'ended',
        ]),
      );
      expect(visited).not.toContain('escalated');
      const taken = await diagram
        .locator('g.edge.taken')
        .evaluateAll((edges) => edges.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
      expect(taken).toEqual(expect.arrayContaining(['held>sendingCode', 'codeSent>verifying', 'verifying>booked']));

      // The rendered boxes: every label inside its node, no two labels overlapping, the drawing within the screen.
      const boxes = await diagram.evaluate((svg) => {
        const r = (el: Element) => {
          const b = el.getBoundingClientRect();
          return { x: b.left, y: b.top, w: b.width, h: b.height };
        };
        return {
          svg: r(svg),
          nodes: [...svg.querySelectorAll('g.node')].map((g) => ({
            state: g.getAttribute('data-state'),
            box: r(g.querySelector('rect')!),
            text: r(g.querySelector('text')!),
          })),
          labels: [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, box: r(t) })),
        };
      });
      for (const n of boxes.nodes) {
        expect(n.text.x, `${n.state} left`).toBeGreaterThanOrEqual(n.box.x);
        expect(n.text.x + n.text.w, `${n.state} right`).toBeLessThanOrEqual(n.box.x + n.box.w);
      }
      const overlaps: string[] = [];
      const { labels } = boxes;
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          const [a, b] = [labels[i]!.box, labels[j]!.box];
          if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
            overlaps.push(`${labels[i]!.text} / ${labels[j]!.text}`);
        }
      }
      expect(overlaps).toEqual([]);
      expect(boxes.svg.x + boxes.svg.w).toBeLessThanOrEqual(size.width);
      expect(await fitsWidth(page)).toBe(true);
      // On a phone it can be shown at actual size, in its own scroll box.
      await page.getByRole('button', { name: 'Actual size' }).click();
      expect(await page.getByRole('button', { name: 'Actual size' }).getAttribute('aria-pressed')).toBe('true');
      expect(await fitsWidth(page)).toBe(true);
      await page.locator('#diagram-box').scrollIntoViewIfNeeded();
      await browser.screenshot(page, `diagram-actual-${size.name}`, { fullPage: false });
      await page.close();
    },
  );

  it('an open page goes back to the sign-in form once its clinic is suspended; the form passes axe', async () => {
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
      expect(await seriousViolations(page)).toEqual([]);
      await browser.screenshot(page, 'dashboard-signed-out');
    } finally {
      await page.close();
    }
  });
});

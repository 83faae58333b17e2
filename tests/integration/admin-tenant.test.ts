// The clinic half of the admin API over real HTTP: catalogue, hours, settings, secrets, appointments — and every
// route tried with another clinic's ids.
import { describe, expect } from 'vitest';
import { vapiClient } from '../../testkit/vapi.ts';
import { ADMIN_TOKEN, apiClient, bookableClinic, staffBooking, type TenantHandle } from '../helpers/admin.ts';
import { phoneCall, reportFields } from '../helpers/calls.ts';
import { overlappingPairs, type TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import type { RunningServer } from '../helpers/server.ts';
import { futureSaturday, futureWeekday, iso, weekdayAfter } from '../helpers/time.ts';

const it = integrationTest({ env: { ADMIN_TOKEN } });

/** A clinic set up entirely through the API, its 30-minute service with a 10-minute buffer after and a value. */
const setUpClinic = (server: RunningServer, slug: string) =>
  bookableClinic(server.url, slug, { service: { bufferAfterMinutes: 10, valueCents: 9000 } });

/** A call that ends with its report, scored into a lead by the webhook: a keen new patient, or a wrong number. */
async function endedCall(
  db: TestDatabase,
  server: RunningServer,
  c: TenantHandle,
  number: string,
  keen: boolean,
): Promise<string> {
  const call = phoneCall(vapiClient(server.url, c.slug, c.vapiSecret), number);
  const fields = keen
    ? reportFields({
        summary: 'New patient asked the price of implants.',
        callerSays: "I'm a new patient, how much are implants?",
        seconds: 200,
        successEvaluation: 'true',
      })
    : reportFields({
        summary: 'Wrong number.',
        callerSays: 'Sorry, wrong number.',
        seconds: 8,
        successEvaluation: 'false',
      });
  expect(await call.report(fields)).toBe(200);
  const [lead] = await db.sql<
    { id: string }[]
  >`select l.id from leads l join calls c on c.id = l.call_id where c.vapi_call_id = ${call.id}`;
  return lead!.id;
}

describe('catalogue', () => {
  it('sets up a bookable clinic from nothing, where the webhook then holds a time and texts the code at once', async ({
    server,
  }) => {
    const c = await setUpClinic(server, 'fresh');
    const vapi = vapiClient(server.url, 'fresh', c.vapiSecret);
    const free = await vapi.tool('check_availability', { date: futureWeekday('00:00', 3).toISODate() });
    expect(free).toMatchObject({ field: 'result', status: 'ok' });
    expect(free.slots[0].provider).toBe('Dr. fresh');
    const held = await vapi.tool('book_appointment', { start: free.slots[0].start, patient_name: 'Jo Caller' });
    expect(held).toMatchObject({ status: 'code_sent', provider: 'Dr. fresh' });
    // A catalogue change is seen by the very next call (the directory's cache is dropped).
    await c.api('PATCH', `/providers/${c.providerId}`, { name: 'Dr. Renamed' });
    const again = await vapi.tool('check_availability', { date: futureWeekday('00:00', 3).toISODate() });
    expect(again.slots[0].provider).toBe('Dr. Renamed');
  });

  it('edits and deletes providers and services; refuses deleting one with appointments', async ({ server }) => {
    const c = await setUpClinic(server, 'edits');
    const svc = await c.api('PATCH', `/services/${c.serviceId}`, { durationMinutes: 45, bufferBeforeMinutes: 5 });
    expect(svc.json).toMatchObject({
      durationMinutes: 45,
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 10,
      providerIds: [c.providerId],
    });
    const spare = await c.api('POST', '/providers', { name: 'Dr. Spare' });
    expect((await c.api('DELETE', `/providers/${spare.json.id}`)).status).toBe(204);
    expect((await c.api('GET', `/providers/${spare.json.id}`)).status).toBe(404);
    expect((await staffBooking(c, iso(futureWeekday('10:00', 3)))).status).toBe(201);
    const refused = await c.api('DELETE', `/providers/${c.providerId}`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatch(/deactivate it/);
    expect((await c.api('PATCH', `/providers/${c.providerId}`, { active: false })).json.active).toBe(false);
    const dup = await c.api('POST', '/services', { slug: 'consultation', name: 'Other', durationMinutes: 20 });
    expect(dup.status).toBe(409);
  });

  it('validates hours and exceptions with field details, writing nothing', async ({ server }) => {
    const c = await setUpClinic(server, 'hours');
    const before = await c.api('GET', `/providers/${c.providerId}/hours`);
    const overlap = await c.api('PUT', `/providers/${c.providerId}/hours`, {
      hours: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '11:00', end: '13:00' },
        { weekday: 8, start: '10:00', end: '09:00' },
      ],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.json.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['hours.1', 'hours.2.weekday']),
    );
    expect((await c.api('GET', `/providers/${c.providerId}/hours`)).json).toEqual(before.json);
    const badTime = await c.api('POST', '/exceptions', {
      kind: 'open',
      date: '2030-01-01',
      start: '25:00',
      end: '10:00',
    });
    expect(badTime.status).toBe(400);
    expect(badTime.json.error).toMatch(/start/);
    expect((await c.api('GET', '/exceptions')).json.items).toEqual([]);
  });

  it('closes a day with an exception, which the webhook honours', async ({ server }) => {
    const c = await setUpClinic(server, 'closures');
    const day = futureWeekday('00:00', 4);
    const closed = await c.api('POST', '/exceptions', { kind: 'closed', date: day.toISODate() });
    expect(closed.status).toBe(201);
    const vapi = vapiClient(server.url, 'closures', c.vapiSecret);
    const reply = await vapi.tool('check_availability', { date: day.toISODate() });
    expect(reply.status).toBe('unavailable');
    expect((await c.api('GET', `/exceptions?from=${day.toISODate()}&to=${day.toISODate()}`)).json.items).toHaveLength(
      1,
    );
    expect((await c.api('DELETE', `/exceptions/${closed.json.id}`)).status).toBe(204);
    expect((await vapi.tool('check_availability', { date: day.toISODate() })).status).toBe('ok');
  });
});

describe('settings', () => {
  it('versions edits with ETag / If-Match and refuses a stale one with 412, changing nothing', async ({ server }) => {
    const c = await setUpClinic(server, 'etag');
    const read = await c.api('GET', '/settings');
    const tag = read.headers.get('etag')!;
    expect(tag).toBe(`"${read.json.settingsVersion}"`);
    const edit = await c.api(
      'PATCH',
      '/settings',
      { minNoticeMinutes: 120, ownerAlertPhone: '+16175550123' },
      { 'if-match': tag },
    );
    expect(edit.status).toBe(200);
    expect(edit.json).toMatchObject({
      minNoticeMinutes: 120,
      ownerAlertPhone: '+16175550123',
      settingsVersion: read.json.settingsVersion + 1,
    });
    const stale = await c.api('PATCH', '/settings', { minNoticeMinutes: 30 }, { 'if-match': tag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(edit.headers.get('etag'));
    expect((await c.api('GET', '/settings')).json.minNoticeMinutes).toBe(120);
    const bad = await c.api('PATCH', '/settings', { timeZone: 'Nowhere/City', horizonDays: 0, otpRequired: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.json.details.fields).toHaveLength(3);
    expect((await c.api('GET', '/settings')).json.settingsVersion).toBe(edit.json.settingsVersion);
  });

  it('a settings change reaches the webhook at once', async ({ server }) => {
    const c = await setUpClinic(server, 'notice');
    const vapi = vapiClient(server.url, 'notice', c.vapiSecret);
    const far = futureWeekday('10:00', 20);
    expect((await c.api('PATCH', '/settings', { horizonDays: 5 })).status).toBe(200);
    const reply = await vapi.tool('book_appointment', { start: iso(far), patient_name: 'Far Away' });
    expect(reply).toMatchObject({ field: 'result', status: 'too_far' });
  });

  it('rotates the Vapi secret with the secrets scope only; the old secret stops working', async ({ server }) => {
    const c = await setUpClinic(server, 'rotate');
    const issued = await apiClient(server.url, ADMIN_TOKEN)('POST', `/tenants/${c.id}/api-keys`, {
      scopes: ['read', 'write'],
    });
    expect((await apiClient(server.url, issued.json.key)('POST', '/vapi-secret/rotate')).status).toBe(403);
    const rotated = await c.api('POST', '/vapi-secret/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.json.vapiSecret).not.toBe(c.vapiSecret);
    expect((await vapiClient(server.url, 'rotate', c.vapiSecret).post({ message: { type: 'hang' } })).status).toBe(401);
    expect(
      (await vapiClient(server.url, 'rotate', rotated.json.vapiSecret).post({ message: { type: 'hang' } })).status,
    ).toBe(200);
    expect(JSON.stringify((await c.api('GET', '/settings')).json)).not.toContain(rotated.json.vapiSecret);
  });

  it('takes the calls settings: code length and lifetime, message texts, with clear refusals', async ({ server }) => {
    const c = await setUpClinic(server, 'otp-settings');
    const ok = await c.api('PATCH', '/settings', {
      otpLength: 4,
      otpTtlSeconds: 120,
      allowOtherPhone: true,
      smsCodeText: 'Your code for {clinic}: {code}',
    });
    expect(ok.json).toMatchObject({
      otpLength: 4,
      otpTtlSeconds: 120,
      allowOtherPhone: true,
      smsCodeText: 'Your code for {clinic}: {code}',
    });
    const bad = await c.api('PATCH', '/settings', { smsCodeText: 'No code in this text at all', otpLength: 12 });
    expect(bad.status).toBe(400);
    expect(bad.json.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['otpLength', 'smsCodeText']);
    expect((await c.api('GET', '/settings')).json.otpLength).toBe(4);
  });

  it('keeps Twilio credentials write-only and sealed, with the secrets scope only', async ({ db, server }) => {
    const c = await setUpClinic(server, 'twilio');
    const token = 'twilio-auth-token-0123456789abcdef';
    const body = { accountSid: `AC${'a'.repeat(32)}`, authToken: token, fromNumber: '+16175550400' };
    const readWrite = await apiClient(server.url, ADMIN_TOKEN)('POST', `/tenants/${c.id}/api-keys`, {
      scopes: ['read', 'write'],
    });
    expect((await apiClient(server.url, readWrite.json.key)('PUT', '/twilio-credentials', body)).status).toBe(403);
    expect((await c.api('PUT', '/twilio-credentials', { ...body, accountSid: 'nope' })).status).toBe(400);
    const set = await c.api('PUT', '/twilio-credentials', body);
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({
      twilioConfigured: true,
      twilioAccountSid: body.accountSid,
      twilioFromNumber: body.fromNumber,
    });
    expect(JSON.stringify(set.json)).not.toContain(token);
    expect(JSON.stringify((await c.api('GET', '/settings')).json)).not.toContain(token);
    const [row] = await db.sql<
      { sealed: string }[]
    >`select twilio_auth_token_sealed as sealed from tenants where id = ${c.id}`;
    expect(row!.sealed.startsWith('v1.')).toBe(true);
    expect(row!.sealed).not.toContain(token);
    const cleared = await c.api('DELETE', '/twilio-credentials');
    expect(cleared.json).toMatchObject({ twilioConfigured: false, twilioAccountSid: null });
  });

  it('keeps phone numbers, one clinic per number', async ({ server }) => {
    const a = await setUpClinic(server, 'phones-a');
    const b = await setUpClinic(server, 'phones-b');
    expect((await a.api('PUT', `/phone-numbers/${encodeURIComponent('+12125550199')}`)).json.items).toEqual([
      '+12125550199',
    ]);
    const taken = await b.api('PUT', `/phone-numbers/${encodeURIComponent('+12125550199')}`);
    expect(taken.status).toBe(409);
    expect((await a.api('PUT', '/phone-numbers/555')).status).toBe(400);
  });
});

describe('appointments', () => {
  it('books as staff through the claim path: overlap refused with alternatives, closed day refused, no overlap stored', async ({
    db,
    server,
  }) => {
    const c = await setUpClinic(server, 'staff');
    const start = futureWeekday('11:00', 3);
    const first = await staffBooking(c, iso(start), '(617) 555-0101');
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      status: 'confirmed',
      start: iso(start),
      providerId: c.providerId,
      sourceCallId: null,
      patient: { phone: '+16175550101', name: 'Pat Staff' },
    });
    const clash = await staffBooking(c, iso(start.plus({ minutes: 15 })), '+16175550102');
    expect(clash.status).toBe(409);
    expect(clash.json.alternatives.length).toBeGreaterThan(0);
    const closed = await staffBooking(c, iso(futureSaturday('10:00')), '+16175550103');
    expect(closed.status).toBe(422);
    expect(closed.json.reason).toBe('closed');
    const badPhone = await staffBooking(c, iso(start.plus({ hours: 2 })), '12');
    expect(badPhone.status).toBe(400);
    // The phone sees the staff booking.
    const vapi = vapiClient(server.url, 'staff', c.vapiSecret);
    expect((await vapi.tool('book_appointment', { start: iso(start), patient_name: 'Late Caller' })).status).toBe(
      'unavailable',
    );
    expect(await overlappingPairs(db.sql)).toBe(0);
  });

  it('50 staff bookings racing for one slot: exactly one wins, the rest get 409, nothing overlaps', async ({
    db,
    server,
  }) => {
    const c = await setUpClinic(server, 'race');
    const start = iso(futureWeekday('15:00', 6));
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => staffBooking(c, start, `+1617555${String(3000 + i)}`)),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(49);
    expect(await overlappingPairs(db.sql)).toBe(0);
  });

  it('moves an appointment as staff: the new time is taken first, a taken time leaves the old one alone', async ({
    db,
    server,
  }) => {
    const c = await setUpClinic(server, 'moves');
    const first = await staffBooking(c, iso(futureWeekday('09:00', 4)), '+16175550501');
    const blocker = await staffBooking(c, iso(futureWeekday('13:00', 4)), '+16175550502');
    const taken = await c.api('POST', `/appointments/${first.json.id}/reschedule`, { start: blocker.json.start });
    expect(taken.status).toBe(409);
    expect(taken.json.alternatives.length).toBeGreaterThan(0);
    expect((await c.api('GET', `/appointments/${first.json.id}`)).json.status).toBe('confirmed');
    const moved = await c.api('POST', `/appointments/${first.json.id}/reschedule`, {
      start: iso(futureWeekday('15:00', 4)),
    });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({
      status: 'confirmed',
      start: iso(futureWeekday('15:00', 4)),
      patient: { phone: '+16175550501' },
    });
    expect((await c.api('GET', `/appointments/${first.json.id}`)).json.status).toBe('cancelled');
    expect(
      (await c.api('POST', `/appointments/${first.json.id}/reschedule`, { start: iso(futureWeekday('16:00', 4)) }))
        .status,
    ).toBe(409);
    expect(await overlappingPairs(db.sql)).toBe(0);
    // The patient is texted the new time once, queued with the move; the refused move queued nothing.
    const texts = await db.sql<{ kind: string; bookingId: string; callId: string | null }[]>`
      select kind, booking_id, call_id from sms_outbox where to_e164 = '+16175550501' and kind in ('reschedule', 'cancellation')`;
    expect(texts).toEqual([{ kind: 'reschedule', bookingId: moved.json.id, callId: null }]);
  });

  it('lists by day, provider, patient and status, a page at a time, and cancels', async ({ db, server }) => {
    const c = await setUpClinic(server, 'lists');
    const day = futureWeekday('09:00', 5);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await staffBooking(c, iso(day.plus({ hours: i })), `+1617555020${i}`)).json.id);
    const other = await staffBooking(c, iso(weekdayAfter(day)), '+16175550299');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await c.api(
        'GET',
        `/appointments?date=${day.toISODate()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((a: { id: string }) => a.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    const byPhone = await c.api('GET', `/appointments?patientPhone=${encodeURIComponent('+16175550299')}`);
    expect(byPhone.json.items.map((a: { id: string }) => a.id)).toEqual([other.json.id]);
    const cancelled = await c.api('POST', `/appointments/${ids[0]}/cancel`);
    expect(cancelled.json.status).toBe('cancelled');
    expect((await c.api('POST', `/appointments/${ids[0]}/cancel`)).status).toBe(409);
    // The patient is told, once, in the cancellation's transaction.
    const told = await db.sql<
      { body: string }[]
    >`select body from sms_outbox where booking_id = ${ids[0]!} and kind = 'cancellation'`;
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toMatch(/is cancelled\. To book again, call us\.$/);
    const active = await c.api(
      'GET',
      `/appointments?date=${day.toISODate()}&status=confirmed&providerId=${c.providerId}`,
    );
    expect(active.json.items).toHaveLength(4);
    expect((await c.api('GET', '/appointments?status=bogus')).status).toBe(400);
    expect((await c.api('GET', '/appointments?cursor=notacursor')).status).toBe(400);
    // The cancelled slot is free again.
    expect((await staffBooking(c, iso(day), '+16175550298')).status).toBe(201);
  });
});

describe('calls', () => {
  it('lists the clinic’s calls and shows each one’s timeline', async ({ server }) => {
    const c = await setUpClinic(server, 'calls');
    const vapi = vapiClient(server.url, 'calls', c.vapiSecret);
    const held = await vapi.tool(
      'reserve_slot',
      { start: iso(futureWeekday('10:00', 3)), patient_name: 'Cal Ler' },
      { callId: 'vapi-call-1' },
    );
    expect(held.status).toBe('held');
    const list = await c.api('GET', '/calls?limit=10');
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    expect(list.json.items[0]).toMatchObject({
      vapiCallId: 'vapi-call-1',
      callerNumber: '+16172531000',
      flaggedForHuman: false,
    });
    const one = await c.api('GET', `/calls/${list.json.items[0].id}`);
    expect(one.json.timeline.length).toBeGreaterThan(0);
    expect(one.json.timeline.map((e: { seq: number }) => e.seq)).toEqual(
      [...one.json.timeline.map((e: { seq: number }) => e.seq)].sort((x: number, y: number) => x - y),
    );
    expect(one.json.timeline.at(-1).stateAfter).toBe(one.json.state);
    expect((await c.api('GET', '/calls?flagged=true')).json.items).toEqual([]);
  });
});

describe('leads', () => {
  it('lists the clinic’s leads newest first, filtered by score, hot and days, a page at a time, and shows one', async ({
    db,
    server,
  }) => {
    const c = await setUpClinic(server, 'leads');
    const ids = [
      await endedCall(db, server, c, '+16175550201', true),
      await endedCall(db, server, c, '+16175550202', false),
      await endedCall(db, server, c, '+16175550203', true),
    ];
    const stored = await db.sql<{ id: string; score: number; hot: boolean; day: string }[]>`
      select id, score, hot, (created_at at time zone 'America/New_York')::date::text as day
        from leads where tenant_id = ${c.id} order by created_at desc, id desc`;
    expect(stored.map((l) => l.id).sort()).toEqual([...ids].sort());
    expect(stored.some((l) => l.hot) && stored.some((l) => !l.hot)).toBe(true);

    const all = await c.api('GET', '/leads');
    expect(all.status).toBe(200);
    expect(all.json.items.map((l: { id: string }) => l.id)).toEqual(stored.map((l) => l.id));
    expect(all.json.nextCursor).toBeNull();
    const hot = await c.api('GET', '/leads?hot=true');
    expect(hot.json.items.map((l: { id: string }) => l.id)).toEqual(stored.filter((l) => l.hot).map((l) => l.id));
    const cold = await c.api('GET', '/leads?hot=false');
    expect(cold.json.items.map((l: { id: string }) => l.id)).toEqual(stored.filter((l) => !l.hot).map((l) => l.id));
    const min = Math.max(...stored.map((l) => l.score));
    const top = await c.api('GET', `/leads?minScore=${min}`);
    expect(top.json.items.map((l: { id: string }) => l.id)).toEqual(
      stored.filter((l) => l.score >= min).map((l) => l.id),
    );

    const day = stored[0]!.day;
    const next = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect((await c.api('GET', `/leads?from=${day}&to=${day}`)).json.items).toHaveLength(
      stored.filter((l) => l.day === day).length,
    );
    expect((await c.api('GET', `/leads?from=${next}`)).json.items).toEqual([]);
    const backwards = await c.api('GET', `/leads?from=${next}&to=${day}`);
    expect(backwards.status).toBe(400);
    expect(backwards.json.details.fields[0]).toEqual({ field: 'to', message: 'must not be before from' });
    for (const bad of ['minScore=101', 'hot=yes', 'from=yesterday', 'cursor=nonsense']) {
      const res = await c.api('GET', `/leads?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.json.error, bad).toMatch(/^The (query string is not valid|cursor is not one this API gave out)/);
    }

    const first = await c.api('GET', '/leads?limit=2');
    expect(first.json.items).toHaveLength(2);
    const rest = await c.api('GET', `/leads?limit=2&cursor=${first.json.nextCursor}`);
    expect([...first.json.items, ...rest.json.items].map((l: { id: string }) => l.id)).toEqual(stored.map((l) => l.id));
    expect(rest.json.nextCursor).toBeNull();

    const one = await c.api('GET', `/leads/${stored[0]!.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({
      id: stored[0]!.id,
      score: stored[0]!.score,
      hot: stored[0]!.hot,
      callerNumber: '+16175550203',
    });
    expect(one.json.reasons.reduce((sum: number, r: { points: number }) => sum + r.points, 0)).toBe(stored[0]!.score);
    const call = await c.api('GET', `/calls/${one.json.callId}`);
    expect(call.json.vapiCallId).toBe(one.json.vapiCallId);
    expect((await c.api('GET', '/leads/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await c.api('GET', '/leads/not-a-uuid')).status).toBe(400);
  });
});

describe('another clinic’s ids', () => {
  it('answer 404 on every route and change nothing', async ({ db, server }) => {
    const a = await setUpClinic(server, 'iso-a');
    const b = await setUpClinic(server, 'iso-b');
    const bBooking = await staffBooking(b, iso(futureWeekday('14:00', 3)));
    const bException = await b.api('POST', '/exceptions', {
      kind: 'closed',
      date: futureWeekday('00:00', 9).toISODate(),
      providerId: b.providerId,
    });
    await b.api('PUT', `/phone-numbers/${encodeURIComponent('+12125550777')}`);
    await vapiClient(server.url, 'iso-b', b.vapiSecret).tool('reserve_slot', {
      start: iso(futureWeekday('11:00', 3)),
      patient_name: 'Bea Call',
    });
    const [bCall] = await db.sql<{ id: string }[]>`select id from calls where tenant_id = ${b.id}`;
    const bLead = await endedCall(db, server, b, '+16175550299', true);
    const snapshot = async () =>
      JSON.stringify(
        await db.sql`
        select (select json_agg(p order by p.id) from providers p where tenant_id = ${b.id}) as providers,
               (select json_agg(s order by s.id) from services s where tenant_id = ${b.id}) as services,
               (select json_agg(ps order by ps.provider_id) from provider_services ps where tenant_id = ${b.id}) as links,
               (select json_agg(h order by h.weekday) from weekly_hours h where tenant_id = ${b.id}) as hours,
               (select json_agg(e order by e.id) from date_exceptions e where tenant_id = ${b.id}) as exceptions,
               (select json_agg(bk order by bk.id) from bookings bk where tenant_id = ${b.id}) as bookings,
               (select json_agg(n order by n.e164) from tenant_phone_numbers n where tenant_id = ${b.id}) as numbers,
               (select json_agg(c order by c.id) from calls c where tenant_id = ${b.id}) as calls,
               (select json_agg(l order by l.id) from leads l where tenant_id = ${b.id}) as leads`,
      );
    const before = await snapshot();
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/providers/${b.providerId}`],
      ['PATCH', `/providers/${b.providerId}`, { name: 'Hijacked' }],
      ['DELETE', `/providers/${b.providerId}`],
      ['GET', `/services/${b.serviceId}`],
      ['PATCH', `/services/${b.serviceId}`, { durationMinutes: 90 }],
      ['DELETE', `/services/${b.serviceId}`],
      ['PUT', `/providers/${b.providerId}/services/${a.serviceId}`],
      ['PUT', `/providers/${a.providerId}/services/${b.serviceId}`],
      ['DELETE', `/providers/${b.providerId}/services/${b.serviceId}`],
      ['GET', `/providers/${b.providerId}/hours`],
      ['PUT', `/providers/${b.providerId}/hours`, { hours: [] }],
      ['POST', '/exceptions', { kind: 'closed', date: '2031-01-01', providerId: b.providerId }],
      ['DELETE', `/exceptions/${bException.json.id}`],
      ['GET', `/appointments/${bBooking.json.id}`],
      ['POST', `/appointments/${bBooking.json.id}/cancel`],
      [
        'POST',
        '/appointments',
        {
          serviceId: b.serviceId,
          start: iso(futureWeekday('15:00', 3)),
          patient: { name: 'X Y', phone: '+16175550999' },
        },
      ],
      [
        'POST',
        '/appointments',
        {
          serviceId: a.serviceId,
          providerId: b.providerId,
          start: iso(futureWeekday('15:00', 3)),
          patient: { name: 'X Y', phone: '+16175550999' },
        },
      ],
      ['DELETE', `/phone-numbers/${encodeURIComponent('+12125550777')}`],
      ['POST', `/appointments/${bBooking.json.id}/reschedule`, { start: iso(futureWeekday('16:00', 3)) }],
      ['GET', `/calls/${bCall!.id}`],
      ['GET', `/leads/${bLead}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await a.api(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const filtered = await a.api('GET', `/appointments?providerId=${b.providerId}`);
    expect(filtered.json.items).toEqual([]);
    expect(JSON.stringify((await a.api('GET', '/providers')).json)).not.toContain(b.providerId);
    expect((await a.api('GET', '/calls')).json.items).toEqual([]);
    const leads = await a.api('GET', '/leads?hot=true');
    expect(leads.json.items).toEqual([]);
    expect(JSON.stringify(leads.json)).not.toContain('+16175550299');
    expect(await snapshot()).toBe(before);
  });
});

// The overview's waitlist panel and its text-confirmed appointments, over real HTTP: entries joined through the admin
// API show as waiting (masked number, service, wanted days) until a freed slot is offered to the first of them, who
// then shows under open offers until when it holds; an appointment whose patient answered its reminder is marked.
import { expect } from 'vitest';
import { ADMIN_TOKEN, bookableClinic, bookedAsStaff } from '../helpers/admin.ts';
import { DASHBOARD_SIGNING_KEY, signIn } from '../helpers/dashboard.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const it = integrationTest({ twilio: true, env: { ADMIN_TOKEN, DASHBOARD_SIGNING_KEY } });

it('lists waiting patients and open offers, and marks appointments confirmed by text', async ({
  db,
  server,
  twilio,
}) => {
  const c = await bookableClinic(server.url, 'waitdash', {
    settings: { quietHoursStart: '00:00', quietHoursEnd: '00:00', reminderHours: [], otpRequired: false },
  });
  const cookie = await signIn(server.url, c.id);
  const overview = async () =>
    (await (await fetch(`${server.url}/dashboard/api/overview`, { headers: { cookie } })).json()) as any;
  const slot = futureWeekday('10:00', 2);
  const day = slot.toISODate()!;
  const join = async (phone: string, patientName: string) =>
    expect(
      (await c.api('POST', '/waitlist', { phone, patientName, serviceId: c.serviceId, fromDate: day, toDate: day }))
        .status,
    ).toBe(201);

  await join('+16175557001', 'Ann Waiting');
  await join('+16175557002', 'Bob Waiting');
  expect((await overview()).waitlist).toEqual({
    waiting: [
      expect.objectContaining({ name: 'Ann Waiting', phone: '•••• 7001', service: 'consultation', fromDate: day }),
      expect.objectContaining({ name: 'Bob Waiting', phone: '•••• 7002', service: 'consultation', toDate: day }),
    ],
    offers: [],
  });

  // A cancelled appointment frees the slot: offered to the first who waits, held until the offer lapses.
  const freed = await bookedAsStaff(c, iso(slot), '+16175557003');
  expect((await c.api('POST', `/appointments/${freed}/cancel`)).status).toBe(200);
  await twilio.nextMessage('+16175557001', 10_000);
  const { waitlist } = await overview();
  expect(waitlist.offers).toEqual([
    expect.objectContaining({ name: 'Ann Waiting', phone: '•••• 7001', service: 'consultation' }),
  ]);
  expect(Date.parse(waitlist.offers[0].start)).toBe(slot.toMillis());
  expect(Date.parse(waitlist.offers[0].expiresAt)).toBeGreaterThan(Date.now());

  // The reply path that sets patient_confirmed_at is proven in the SMS tests; here only what the page shows of it.
  const kept = await bookedAsStaff(c, iso(slot.plus({ hours: 2 })), '+16175557004');
  const other = await bookedAsStaff(c, iso(slot.plus({ hours: 3 })), '+16175557005');
  await db.sql`update bookings set patient_confirmed_at = now() where id = ${kept}`;
  const items = (await overview()).days.flatMap((d: any) => d.providers.flatMap((p: any) => p.items));
  expect(items.find((i: any) => i.id === kept).confirmedByText).toBe(true);
  expect(items.find((i: any) => i.id === other).confirmedByText).toBe(false);
});

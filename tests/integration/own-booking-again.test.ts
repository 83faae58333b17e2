// A call asking again for the time it already has (its first answer lost to a fault, or the model repeating itself
// with a new tool-call id) must hear that it has it — not "taken" because memory knows the time is occupied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { type VapiClient, vapiClient } from '../../testkit/vapi.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { metric } from '../helpers/instances.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'own-booking-again-secret';
let db: TestDatabase;
let server: RunningServer;
let vapi: VapiClient;

beforeAll(async () => {
  db = await createTestDatabase();
  await createDemoClinic(db.sql, { secret: SECRET, otpRequired: false });
  server = await startServer(db.sql);
  vapi = vapiClient(server.url, 'demo', SECRET);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

describe('book_appointment twice in one call for the same start', () => {
  it('answers booked both times with the same appointment; another call is told it is taken, from memory', async () => {
    const refusedFromMemory = () => metric(server, 'slotkeeper_claims_total', { outcome: 'fast_refused' });
    const start = iso(futureWeekday('11:00', 4));
    const call = { callId: 'call-own-again', customerNumber: '+16175550142' };
    const first = await vapi.tool('book_appointment', { start, patient_name: 'Ada Quinn', provider: 'Moreno' }, call);
    expect(first.status).toBe('booked');
    const other = await vapi.tool(
      'book_appointment',
      { start, patient_name: 'Bo Reyes', provider: 'Moreno' },
      { callId: 'call-someone-else', customerNumber: '+16175550143' },
    );
    expect(other.status).toBe('unavailable');
    expect(await refusedFromMemory()).toBe(1);
    const again = await vapi.tool('book_appointment', { start, patient_name: 'Ada Quinn', provider: 'Moreno' }, call);
    expect(again.status).toBe('booked');
    expect(again.appointment_id).toBe(first.appointment_id);
    // Memory knows whose booking it is: the call's own is asked of PostgreSQL, never refused from memory.
    expect(await refusedFromMemory()).toBe(1);
    const rows = await db.sql`select 1 from bookings where starts_at = ${new Date(start)} and status = 'confirmed'`;
    expect(rows).toHaveLength(1);
  });
});

// A call asking again for the time it already has (its first answer lost to a fault, or the model repeating itself
// with a new tool-call id) must hear that it has it — not "taken" because memory knows the time is occupied.
import { describe, expect } from 'vitest';
import { integrationTest } from '../helpers/fixtures.ts';
import { metric } from '../helpers/instances.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const it = integrationTest({ clinic: { secret: 'own-booking-again-secret', otpRequired: false } });

describe('book_appointment twice in one call for the same start', () => {
  it('answers booked both times with the same appointment; another call is told it is taken, from memory', async ({
    db,
    server,
    vapi,
  }) => {
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

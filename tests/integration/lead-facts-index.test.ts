// Scoring a call's lead asks whether the call ever held a time (callFacts, src/db/queries/leads.ts). No index served
// a call's bookings of every status, so the question read every booking of the clinic at the end of every call: a
// cost that grew with the clinic's history. Counted with PostgreSQL's own statistics.
import { describe, expect } from 'vitest';
import { callFacts } from '../../src/db/queries/leads.ts';
import { withTenant } from '../../src/db/tenant-scope.ts';
import { rowsReadDuring } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';

const it = integrationTest({ clinic: { secret: 'lead-facts-secret-123' } });
const HISTORY = 3_000;

describe("a call's lead facts", () => {
  it("read the call's own bookings, not the clinic's history", async ({ db, clinic }) => {
    // A past appointment an hour apart for each of HISTORY earlier calls.
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`insert into patients (tenant_id, phone_e164, name) values (${clinic.tenantId}, '+16172530001', 'Pat History')`;
      await tx`
        insert into bookings (tenant_id, provider_id, service_id, patient_id, status, starts_at, ends_at, occupied,
                              source_call_id, confirmed_at)
        select p.tenant_id, p.id, s.id, pa.id, 'confirmed', x.st, x.st + interval '30 minutes',
               tstzrange(x.st, x.st + interval '30 minutes', '[)'), 'old-call-' || i, x.st - interval '1 day'
          from generate_series(1, ${HISTORY}) i
          cross join lateral (select now() - make_interval(hours => i) as st) x
          join providers p on p.tenant_id = ${clinic.tenantId}
          join services s on s.tenant_id = p.tenant_id and s.slug = 'consultation'
          join patients pa on pa.tenant_id = p.tenant_id
         where p.name = (select min(name) from providers where tenant_id = ${clinic.tenantId})`;
    });
    await db.sql`analyze bookings`;
    const [call] = await db.sql<{ id: string }[]>`
      insert into calls (tenant_id, vapi_call_id, caller_number, state, machine_input, snapshot)
      values (${clinic.tenantId}, 'call-without-booking', '+16172530002', 'ended', '{}', '{}') returning id`;

    const { value: facts, read } = await rowsReadDuring(db.url, 'bookings', (sql) =>
      withTenant(sql, clinic.tenantId, (tx) =>
        callFacts(tx, {
          id: call!.id,
          tenantId: clinic.tenantId,
          vapiCallId: 'call-without-booking',
          callerNumber: '+16172530002',
        }),
      ),
    );
    expect(facts).toMatchObject({ booked: null, held: false });
    expect(read).toBeLessThan(50);
  });
});

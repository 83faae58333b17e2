// Reminders wait in the outbox as pending rows until their moment (send_after), two per future appointment. The
// dispatcher's pass and the oldest-due gauge must not read them before then: the old due index knew only the retry
// time, which a reminder gets when queued, so every pass read every waiting reminder and the gauge counted them late.
import { describe, expect } from 'vitest';
import { readOpsGauges } from '../../src/db/queries/ops-gauges.ts';
import { claimDueSms } from '../../src/db/queries/sms-outbox.ts';
import { rowsReadDuring } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';

const it = integrationTest({ clinic: { secret: 'outbox-due-secret-123' } });
const WAITING = 20_000;

describe('the outbox due index', () => {
  it('lets a dispatcher pass and the oldest-due gauge skip reminders still waiting for their day', async ({
    db,
    clinic,
  }) => {
    // Queued an hour ago for the days ahead, as a clinic's upcoming appointments leave them; and one text due now.
    await db.sql`
      insert into sms_outbox (tenant_id, kind, to_e164, body, dedupe_key, next_attempt_at, created_at, send_after)
      select ${clinic.tenantId}, 'reminder', '+16172530003', 'See you', 'waiting:' || i,
             now() - interval '1 hour', now() - interval '1 hour', now() + make_interval(hours => i)
        from generate_series(1, ${WAITING}) i`;
    await db.sql`
      insert into sms_outbox (tenant_id, kind, to_e164, body, dedupe_key, next_attempt_at)
      values (${clinic.tenantId}, 'confirmation', '+16172530004', 'Booked', 'due-now', now() - interval '30 seconds')`;
    await db.sql`analyze sms_outbox`;

    // The oldest text due has waited 30 s; the reminders queued an hour ago are not late.
    const gauges = await readOpsGauges(db.sql);
    expect(gauges.oldestPendingSeconds).toBeGreaterThanOrEqual(29);
    expect(gauges.oldestPendingSeconds).toBeLessThan(600);

    const { value: claimed, read } = await rowsReadDuring(db.url, 'sms_outbox', (sql) =>
      claimDueSms(sql, 50, Date.now()),
    );
    expect(claimed.map((m) => m.kind)).toEqual(['confirmation']);
    expect(read).toBeLessThan(50);
  });
});

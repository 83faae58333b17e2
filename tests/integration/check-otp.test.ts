// sql/functions/check_otp.sql on a real challenge, branch by branch: what each outcome leaves in otp_challenges.
// The challenge comes from a real send_otp; its digest is then set to a known one, since the pepper is the server's.
import { randomBytes } from 'node:crypto';
import { describe, expect } from 'vitest';
import { checkOtp } from '../../src/db/queries/otp.ts';
import { withTenant } from '../../src/db/tenant-scope.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { phoneCall } from '../helpers/calls.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'check-otp-secret-0001';
const it = integrationTest({ clinic: { secret: SECRET }, twilio: true });

interface Challenge {
  id: string;
  attempts: number;
  consumedAt: Date | null;
}

let numbers = 0;

/** A held booking with a code sent for it; the challenge's digest replaced by `digest`. */
async function challenge(
  db: TestDatabase,
  url: string,
  digest: Buffer,
): Promise<{ tenantId: string; bookingId: string; row: () => Promise<Challenge> }> {
  const call = phoneCall(vapiClient(url, 'demo', SECRET), `+1617253${String(7000 + ++numbers)}`);
  const held = await call.tool('reserve_slot', {
    start: iso(futureWeekday('09:00', 5).plus({ minutes: 30 * numbers })),
    patient_name: 'Otto Pike',
  });
  expect(held.status).toBe('held');
  expect((await call.tool('send_otp')).status).toBe('sent');
  const [c] = await db.sql<{ id: string; tenantId: string; bookingId: string }[]>`
    update otp_challenges set code_hmac = ${digest} where booking_id = ${held.hold_id}
    returning id, tenant_id, booking_id`;
  const row = async () =>
    (await db.sql<Challenge[]>`select id, attempts, consumed_at from otp_challenges where id = ${c!.id}`)[0]!;
  return { tenantId: c!.tenantId, bookingId: c!.bookingId, row };
}

const check = (db: TestDatabase, c: { tenantId: string; bookingId: string }, digest: Buffer) =>
  withTenant(db.sql, c.tenantId, (tx) => checkOtp(tx, c.tenantId, c.bookingId, digest));

describe('check_otp', () => {
  it('consumes a matching code once; the same code again is still verified, another is no code', async ({
    db,
    server,
  }) => {
    const digest = randomBytes(32);
    const c = await challenge(db, server.url, digest);
    expect(await check(db, c, digest)).toBe('verified');
    expect((await c.row()).consumedAt).not.toBeNull();
    expect(await check(db, c, digest)).toBe('verified');
    expect(await check(db, c, randomBytes(32))).toBe('no_code');
    expect((await c.row()).attempts).toBe(0);
  });

  it('counts a wrong code as an attempt, and no code matches once the attempts are used up', async ({ db, server }) => {
    const digest = randomBytes(32);
    const c = await challenge(db, server.url, digest);
    await db.sql`update otp_challenges set max_attempts = 2 where id = ${(await c.row()).id}`;
    expect(await check(db, c, randomBytes(32))).toBe('wrong');
    expect(await check(db, c, randomBytes(32))).toBe('wrong');
    expect((await c.row()).attempts).toBe(2);
    expect(await check(db, c, digest)).toBe('no_code');
    expect(await c.row()).toMatchObject({ attempts: 2, consumedAt: null });
  });

  it('finds no code once it expired, or when the booking never had one', async ({ db, server }) => {
    const digest = randomBytes(32);
    const c = await challenge(db, server.url, digest);
    await db.sql`update otp_challenges set expires_at = now() - interval '1 second' where id = ${(await c.row()).id}`;
    expect(await check(db, c, digest)).toBe('no_code');
    expect(await c.row()).toMatchObject({ attempts: 0, consumedAt: null });
    expect(await check(db, { ...c, bookingId: '00000000-0000-4000-8000-000000000000' }, digest)).toBe('no_code');
  });
});

import { digestsMatch } from '../../domain/digest.ts';
import type { TenantTx } from '../tenant-scope.ts';

export type IssueOutcome = 'issued' | 'existing' | 'hold_gone' | 'limit_hold' | 'limit_phone' | 'limit_tenant';

export interface IssueOtpRequest {
  tenantId: string;
  callRowId: string;
  bookingId: string;
  phone: string;
  codeHmac: Buffer;
  requestKey: string;
  sealedBody: string;
  maxPerHold: number;
  maxPerPhoneHour: number;
}

/** Checks the send limits, records the challenge and queues its SMS, in one transaction (issue_otp in 004_sms_otp.sql). */
export async function issueOtp(tx: TenantTx, r: IssueOtpRequest): Promise<IssueOutcome> {
  const [row] = await tx<{ outcome: IssueOutcome }[]>`
    select outcome from issue_otp(${r.tenantId}, ${r.callRowId}, ${r.bookingId}, ${r.phone}, ${r.codeHmac}, ${r.requestKey},
                                  ${r.sealedBody}, ${r.maxPerHold}, ${r.maxPerPhoneHour})`;
  return row!.outcome;
}

export type CheckOutcome = 'verified' | 'wrong' | 'no_code';

/**
 * Checks a code against the hold's latest challenge under a row lock: a match consumes it (single use), a miss
 * counts an attempt. A match against a challenge this same hold already consumed is 'verified' again, so a check
 * rerun after a restart is harmless; the confirmation itself is a compare-and-set on the hold token. The row lock
 * holds until the caller's tenant transaction ends, so run it in one of its own.
 */
export async function checkOtp(
  tx: TenantTx,
  tenantId: string,
  bookingId: string,
  digest: Buffer,
): Promise<CheckOutcome> {
  const [c] = await tx<
    { id: string; codeHmac: Buffer; attempts: number; maxAttempts: number; live: boolean; consumed: boolean }[]
  >`
    select id, code_hmac, attempts, max_attempts, expires_at > now() as live, consumed_at is not null as consumed
      from otp_challenges
     where tenant_id = ${tenantId} and booking_id = ${bookingId} and superseded_at is null
     order by created_at desc limit 1
     for update`;
  if (!c) return 'no_code';
  const matches = digestsMatch(c.codeHmac, digest);
  if (c.consumed) return matches ? 'verified' : 'no_code';
  if (!c.live || c.attempts >= c.maxAttempts) return 'no_code';
  if (matches) {
    await tx`update otp_challenges set consumed_at = now() where id = ${c.id}`;
    return 'verified';
  }
  await tx`update otp_challenges set attempts = attempts + 1 where id = ${c.id}`;
  return 'wrong';
}

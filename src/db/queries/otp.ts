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

/** Checks a code against the hold's latest challenge and consumes it on a match (sql/functions/check_otp.sql). */
export async function checkOtp(
  tx: TenantTx,
  tenantId: string,
  bookingId: string,
  digest: Buffer,
): Promise<CheckOutcome> {
  const [row] = await tx<
    { outcome: CheckOutcome }[]
  >`select check_otp(${tenantId}, ${bookingId}, ${digest}) as outcome`;
  return row!.outcome;
}

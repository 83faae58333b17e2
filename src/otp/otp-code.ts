import { createHmac, randomInt } from 'node:crypto';
import type { Config } from '../config.ts';
import type { SecretBox } from '../security/secret-box.ts';

/** A fresh code of `length` digits from the CSPRNG, zero-padded ("004821"). */
export function newOtpCode(length: number): string {
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

/**
 * The server-side secret in every code's HMAC: OTP_PEPPER, or derived from the first SECRETS_KEY so a deployment
 * needs no extra setting (rotating that key then invalidates the codes outstanding, at most 10 minutes' worth).
 */
export function otpPepper(config: Pick<Config, 'OTP_PEPPER'>, secrets: SecretBox): Buffer {
  return config.OTP_PEPPER ? Buffer.from(config.OTP_PEPPER, 'utf8') : secrets.derive('slotkeeper/otp-pepper/v1');
}

export interface OtpBinding {
  tenantId: string;
  phone: string;
  bookingId: string;
  callRowId: string;
}

/** HMAC-SHA256(pepper, tenant|phone|hold|call|code): a code is worth nothing for another clinic, number, hold or call. */
export function otpDigest(pepper: Buffer, b: OtpBinding, code: string): Buffer {
  return createHmac('sha256', pepper)
    .update([b.tenantId, b.phone, b.bookingId, b.callRowId, code].join('|'), 'utf8')
    .digest();
}

import { describe, expect, it } from 'vitest';
import { newOtpCode, otpDigest, otpPepper } from '../../../src/otp/otp-code.ts';
import { SecretBox } from '../../../src/security/secret-box.ts';

const binding = { tenantId: 't1', phone: '+16172531000', bookingId: 'b1', callRowId: 'c1' };

describe('OTP codes', () => {
  it('are the asked number of digits, zero-padded, and vary', () => {
    for (const length of [4, 6, 8]) {
      const codes = Array.from({ length: 200 }, () => newOtpCode(length));
      expect(codes.every((c) => new RegExp(`^\\d{${length}}$`).test(c))).toBe(true);
      expect(new Set(codes).size).toBeGreaterThan(150);
    }
  });

  it('digests are bound to the pepper, the tenant, the phone, the hold and the call', () => {
    const pepper = Buffer.alloc(32, 1);
    const base = otpDigest(pepper, binding, '123456');
    expect(base.equals(otpDigest(pepper, binding, '123456'))).toBe(true);
    expect(base.equals(otpDigest(pepper, binding, '123457'))).toBe(false);
    expect(base.equals(otpDigest(Buffer.alloc(32, 2), binding, '123456'))).toBe(false);
    for (const key of Object.keys(binding) as (keyof typeof binding)[]) {
      expect(base.equals(otpDigest(pepper, { ...binding, [key]: 'other' }, '123456')), key).toBe(false);
    }
  });

  it('the pepper is OTP_PEPPER, or derived stably from the first secrets key', () => {
    const key = SecretBox.generateKey();
    const a = otpPepper({ OTP_PEPPER: undefined }, SecretBox.fromString(key));
    expect(a.equals(otpPepper({ OTP_PEPPER: undefined }, SecretBox.fromString(key)))).toBe(true);
    expect(a.equals(otpPepper({ OTP_PEPPER: undefined }, SecretBox.fromString(SecretBox.generateKey())))).toBe(false);
    expect(otpPepper({ OTP_PEPPER: 'p'.repeat(32) }, SecretBox.fromString(key)).toString()).toBe('p'.repeat(32));
  });
});

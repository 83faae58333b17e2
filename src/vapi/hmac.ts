import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signed request's timestamp may be from our clock, either way. */
export const HMAC_WINDOW_MS = 5 * 60 * 1000;

export type TimestampVerdict = { ok: true; timestamp: string } | { ok: false; reason: 'missing' | 'stale' };

/**
 * Vapi's HMAC credential sends `x-timestamp`; whether in seconds or milliseconds is not documented, so both are read
 * (a value above 10^11 cannot be seconds before the year 5138). Checked before the body is read.
 */
export function checkTimestamp(header: string | string[] | undefined, now: number): TimestampVerdict {
  if (typeof header !== 'string' || !/^\d{1,16}$/.test(header)) return { ok: false, reason: 'missing' };
  const value = Number(header);
  const ms = value > 1e11 ? value : value * 1000;
  return Math.abs(now - ms) <= HMAC_WINDOW_MS ? { ok: true, timestamp: header } : { ok: false, reason: 'stale' };
}

/**
 * `x-signature` = hex HMAC-SHA256 of `{timestamp}.{raw body}` under the clinic's secret (Vapi's default payload
 * format), optionally prefixed `sha256=`. Compared in constant time over the raw bytes, before any parsing.
 */
export function signatureMatches(
  secret: string,
  timestamp: string,
  rawBody: Buffer,
  header: string | string[] | undefined,
): boolean {
  if (typeof header !== 'string') return false;
  const hex = header.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

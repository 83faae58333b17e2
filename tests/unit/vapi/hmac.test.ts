import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTimestamp, signatureMatches } from '../../../src/vapi/hmac.ts';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const body = Buffer.from('{"message":{"type":"tool-calls"}}');
const hex = (secret: string, ts: string, raw: Buffer) =>
  createHmac('sha256', secret).update(`${ts}.`).update(raw).digest('hex');

describe('HMAC timestamp', () => {
  it('accepts seconds and milliseconds within five minutes either way', () => {
    expect(checkTimestamp(String(NOW / 1000), NOW)).toEqual({ ok: true, timestamp: String(NOW / 1000) });
    expect(checkTimestamp(String(NOW - 299_000), NOW).ok).toBe(true);
    expect(checkTimestamp(String((NOW + 299_000) / 1000), NOW).ok).toBe(true);
  });
  it('refuses stale, future, missing and malformed timestamps', () => {
    expect(checkTimestamp(String(NOW - 301_000), NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(checkTimestamp(String((NOW + 301_000) / 1000), NOW)).toEqual({ ok: false, reason: 'stale' });
    for (const bad of [undefined, '', 'yesterday', '1e12', '-5', ['1', '2']])
      expect(checkTimestamp(bad, NOW).ok).toBe(false);
  });
});

describe('HMAC signature', () => {
  const ts = String(NOW);
  it('matches hex HMAC-SHA256 of "{timestamp}.{raw body}", with or without sha256=', () => {
    expect(signatureMatches('s3cret', ts, body, hex('s3cret', ts, body))).toBe(true);
    expect(signatureMatches('s3cret', ts, body, `sha256=${hex('s3cret', ts, body).toUpperCase()}`)).toBe(true);
  });
  it('fails for another secret, timestamp, body, or a malformed header', () => {
    expect(signatureMatches('other', ts, body, hex('s3cret', ts, body))).toBe(false);
    expect(signatureMatches('s3cret', String(NOW + 1), body, hex('s3cret', ts, body))).toBe(false);
    expect(signatureMatches('s3cret', ts, Buffer.from(`${body} `), hex('s3cret', ts, body))).toBe(false);
    for (const bad of [undefined, '', 'abc', hex('s3cret', ts, body).slice(2), ['x']])
      expect(signatureMatches('s3cret', ts, body, bad)).toBe(false);
  });
});

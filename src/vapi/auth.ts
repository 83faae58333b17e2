import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const sha256 = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** The credential Vapi sends: a Bearer token (custom credential) or the legacy X-Vapi-Secret header. */
export function presentedSecret(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const legacy = headers['x-vapi-secret'];
  return typeof legacy === 'string' ? legacy : undefined;
}

/** Constant time: both sides are SHA-256 digests, so equal length whatever was presented. */
export const secretMatches = (presented: string, storedSha256: Buffer): boolean =>
  timingSafeEqual(sha256(presented), storedSha256);

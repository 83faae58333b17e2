import { createHash, timingSafeEqual } from 'node:crypto';

export const sha256 = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** Constant time: both sides are SHA-256 digests, so equal length whatever was presented. */
export const secretMatches = (presented: string, storedSha256: Buffer): boolean =>
  timingSafeEqual(sha256(presented), storedSha256);

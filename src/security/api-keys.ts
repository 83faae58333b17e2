import { randomBytes } from 'node:crypto';
import { sha256 } from '../domain/digest.ts';

/** `sk_<12 chars>_<43 chars>`: the first part is stored in the clear to find the key, the whole key only hashed. */
const KEY = /^(sk_[a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface NewApiKey {
  key: string;
  prefix: string;
  sha256: Buffer;
}

export function generateApiKey(): NewApiKey {
  const prefix = `sk_${[...randomBytes(12)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, sha256: sha256(key) };
}

/** The prefix to look the key up by, or undefined when it cannot be one of ours. */
export function apiKeyPrefix(presented: string): string | undefined {
  return KEY.exec(presented)?.[1];
}

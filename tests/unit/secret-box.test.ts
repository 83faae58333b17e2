import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.ts';

const k1 = SecretBox.generateKey();
const k2 = SecretBox.generateKey();

describe('SecretBox', () => {
  it('round-trips a secret and never stores it in the clear', () => {
    const box = SecretBox.fromString(k1);
    const sealed = box.seal('twilio-auth-token-123');
    expect(sealed).not.toContain('twilio-auth-token-123');
    expect(box.open(sealed)).toBe('twilio-auth-token-123');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('rotates: the new key encrypts, the old still decrypts until re-sealed', () => {
    const old = SecretBox.fromString(k1);
    const sealedOld = old.seal('s3cret');
    const rotated = SecretBox.fromString(`${k2},${k1}`);
    expect(rotated.open(sealedOld)).toBe('s3cret');
    expect(rotated.isStale(sealedOld)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedOld));
    expect(rotated.isStale(resealed)).toBe(false);
    expect(() => SecretBox.fromString(k2).open(sealedOld)).toThrow(/not in SECRETS_KEY/);
    expect(SecretBox.fromString(k2).open(resealed)).toBe('s3cret');
  });

  it('refuses tampered ciphertext', () => {
    const box = SecretBox.fromString(k1);
    const parts = box.seal('value').split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('accepts hex keys and rejects keys of the wrong size', () => {
    expect(() => SecretBox.fromString('ab'.repeat(32))).not.toThrow();
    expect(() => SecretBox.fromString('c2hvcnQ=')).toThrow(/32 bytes/);
  });
});

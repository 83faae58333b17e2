import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (Twilio auth tokens, webhook secrets that must be readable again): AES-256-GCM.
 * The first key encrypts; every key decrypts, so a rotation is "put the new key first, re-encrypt, drop the old".
 * Stored form: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url), the key id being 8 hex chars of the key's SHA-256.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const k of keys) if (k.length !== 32) throw new Error('Secret keys must be 32 bytes (AES-256)');
    this.keys = new Map(keys.map((k) => [keyId(k), k]));
    this.currentId = keyId(keys[0]!);
  }

  /** Keys as in SECRETS_KEY: comma-separated, each 32 bytes in base64 or hex; the first one encrypts. */
  static fromString(spec: string): SecretBox {
    return new SecretBox(spec.split(',').map((s) => parseKey(s.trim())));
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      this.currentId,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [version, id, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !id || iv === undefined || tag === undefined || body === undefined)
      throw new Error('Not a sealed secret');
    const key = this.keys.get(id);
    if (!key) throw new Error(`Sealed with key ${id}, which is not in SECRETS_KEY`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * A stable secret for another purpose (e.g. the OTP pepper), derived from the current key: HMAC-SHA256(key, label).
   * It changes when the first key changes.
   */
  derive(label: string): Buffer {
    return createHmac('sha256', this.keys.get(this.currentId)!).update(label, 'utf8').digest();
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentId;
  }
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

function parseKey(s: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
  if (key.length !== 32) throw new Error('each SECRETS_KEY entry must be 32 bytes, base64 or hex');
  return key;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';
import type { SecretBox } from '../security/secret-box.ts';

/**
 * Stateless, expiring tokens naming one subject (a clinic, for a session also the API key it came from):
 * `v1.<subject>.<expiry, unix seconds>.<HMAC-SHA256, base64url>`.
 * The purpose is inside the MAC but not in the token, so a sign-in link cannot be used as a session cookie or the
 * other way round, and neither as a form's CSRF token. Stateless so any instance can check them with the shared key and nothing is stored.
 */
export type TokenPurpose = 'link' | 'session' | 'csrf';

export class DashboardTokens {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('The dashboard signing key must be at least 32 bytes');
  }

  sign(purpose: TokenPurpose, subject: string, expiresAtMs: number): string {
    if (subject.includes('.')) throw new Error('a token subject cannot contain a dot');
    const exp = Math.floor(expiresAtMs / 1000);
    return `v1.${subject}.${exp}.${this.mac(purpose, subject, exp)}`;
  }

  /** The subject, when the token is genuine, for this purpose, and not expired. */
  verify(purpose: TokenPurpose, token: string, nowMs: number): string | undefined {
    const [version, subject, expText, mac, ...rest] = token.split('.');
    if (version !== 'v1' || !subject || !expText || !mac || rest.length || !/^\d{1,12}$/.test(expText))
      return undefined;
    const exp = Number(expText);
    const expected = Buffer.from(this.mac(purpose, subject, exp), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return exp * 1000 > nowMs ? subject : undefined;
  }

  private mac(purpose: TokenPurpose, subject: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${subject}\n${exp}`).digest('base64url');
  }
}

/** DASHBOARD_SIGNING_KEY when set, so links survive a SECRETS_KEY rotation; else a key derived from SECRETS_KEY. */
export function dashboardTokens(config: Pick<Config, 'DASHBOARD_SIGNING_KEY'>, secrets: SecretBox): DashboardTokens {
  return new DashboardTokens(
    config.DASHBOARD_SIGNING_KEY
      ? Buffer.from(config.DASHBOARD_SIGNING_KEY, 'utf8')
      : secrets.derive('dashboard-signing'),
  );
}

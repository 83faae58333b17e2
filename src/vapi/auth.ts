import type { IncomingHttpHeaders } from 'node:http';
import { secretMatches } from '../domain/digest.ts';
import type { Tenant } from '../domain/tenant.ts';
import { checkTimestamp } from './hmac.ts';

/** The credential Vapi sends: a Bearer token (custom credential) or the legacy X-Vapi-Secret header. */
export function presentedSecret(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const legacy = headers['x-vapi-secret'];
  return typeof legacy === 'string' ? legacy : undefined;
}

/**
 * What the headers prove before the body is read. A bearer clinic is settled here; an HMAC clinic passes a fresh
 * timestamp here and its signature is checked over the raw body next (see route.ts).
 */
export type HeaderVerdict = { ok: false } | { ok: true; signedAt?: string };

export function checkWebhookHeaders(tenant: Tenant, headers: IncomingHttpHeaders, now: number): HeaderVerdict {
  if (tenant.webhookAuth === 'hmac') {
    const ts = checkTimestamp(headers['x-timestamp'], now);
    return ts.ok && typeof headers['x-signature'] === 'string' ? { ok: true, signedAt: ts.timestamp } : { ok: false };
  }
  const secret = presentedSecret(headers);
  return secret !== undefined && secretMatches(secret, tenant.vapiSecretSha256) ? { ok: true } : { ok: false };
}

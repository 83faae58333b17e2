import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardTokens } from './tokens.ts';

export const SESSION_COOKIE = 'sk_dashboard';
export const SESSION_HOURS = 12;

/**
 * Turns a credential a person typed (a clinic API key) into the clinic's id. The admin API provides one; the
 * dashboard only asks. Signed links need none: they are checked by DashboardTokens.
 */
export type CredentialVerifier = (credential: string) => Promise<string | undefined>;

/** The clinic of a signed-in browser, from the session cookie; undefined when absent, forged or expired. */
export function sessionTenant(request: FastifyRequest, tokens: DashboardTokens, now: number): string | undefined {
  const value = readCookie(request.headers.cookie, SESSION_COOKIE);
  return value ? tokens.verify('session', value, now) : undefined;
}

export function startSession(reply: FastifyReply, tokens: DashboardTokens, tenantId: string, now: number, secure: boolean): void {
  const token = tokens.sign('session', tenantId, now + SESSION_HOURS * 3_600_000);
  reply.header('set-cookie', cookie(token, SESSION_HOURS * 3600, secure));
}

export function endSession(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', cookie('', 0, secure));
}

// HttpOnly: scripts never see it. SameSite=Lax: other sites cannot post with it. Path: only the dashboard gets it.
const cookie = (value: string, maxAge: number, secure: boolean) =>
  `${SESSION_COOKIE}=${value}; Path=/dashboard; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardTenant } from '../db/queries/dashboard.ts';
import type { DashboardTokens } from './tokens.ts';

export const SESSION_COOKIE = 'sk_dashboard';
export const SESSION_HOURS = 12;

/**
 * Who a browser signed in as: the clinic, and the API key when it signed in with one (a signed link names no key).
 * A session that came from a key lasts only while that key does: revoking it ends the session at the next request.
 */
export interface DashboardSession {
  tenantId: string;
  keyId: string | null;
}

/** A request's signed-in clinic (active, checked on this request) and the session it came from. */
export interface SignedIn {
  tenant: DashboardTenant;
  session: DashboardSession;
}

/**
 * Turns a credential a person typed (a clinic API key) into a session. The admin API provides one; the dashboard
 * only asks. Signed links need none: they are checked by DashboardTokens.
 */
export type CredentialVerifier = (credential: string) => Promise<DashboardSession | undefined>;

/** The session of a signed-in browser, from its cookie; undefined when absent, forged or expired. */
export function readSession(
  request: FastifyRequest,
  tokens: DashboardTokens,
  now: number,
): DashboardSession | undefined {
  const value = readCookie(request.headers.cookie, SESSION_COOKIE);
  const subject = value ? tokens.verify('session', value, now) : undefined;
  if (!subject) return undefined;
  const [tenantId, keyId] = subject.split(':');
  return { tenantId: tenantId!, keyId: keyId ?? null };
}

/**
 * The token a signed-in page sends with every change it asks for (header x-csrf-token): bound to this browser's
 * session cookie, which another site's page can neither read nor make the browser send with a custom header.
 */
export function csrfToken(request: FastifyRequest, tokens: DashboardTokens, now: number): string | undefined {
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  return cookie ? tokens.sign('csrf', cookieDigest(cookie), now + SESSION_HOURS * 3_600_000) : undefined;
}

export function csrfValid(request: FastifyRequest, tokens: DashboardTokens, now: number): boolean {
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  const given = request.headers['x-csrf-token'];
  if (!cookie || typeof given !== 'string' || given.length > 300) return false;
  return tokens.verify('csrf', given, now) === cookieDigest(cookie);
}

const cookieDigest = (cookie: string) => createHash('sha256').update(cookie).digest('base64url');

export function startSession(
  reply: FastifyReply,
  tokens: DashboardTokens,
  session: DashboardSession,
  now: number,
  secure: boolean,
): void {
  const subject = session.keyId ? `${session.tenantId}:${session.keyId}` : session.tenantId;
  const token = tokens.sign('session', subject, now + SESSION_HOURS * 3_600_000);
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

import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CredentialVerifier } from '../dashboard/session.ts';
import type { Sql } from '../db/client.ts';
import { findApiKeyByPrefix, type PresentedKey, touchApiKey } from '../db/queries/api-keys.ts';
import { type TenantTx, withTenant } from '../db/tenant-scope.ts';
import type { ApiKeyScope } from '../domain/api-key.ts';
import { secretMatches, sha256 } from '../domain/digest.ts';
import { apiKeyPrefix } from '../security/api-keys.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API key scope a tenant route needs; by default read for GET, write for everything else. */
    scope?: ApiKeyScope;
  }
}

export interface ApiPrincipal {
  tenantId: string;
  slug: string;
  keyId: string;
}

const principals = new WeakMap<FastifyRequest, ApiPrincipal>();

/** The tenant whose key authenticated this request (set by `tenantKeyAuth`). */
export const principal = (request: FastifyRequest): ApiPrincipal => principals.get(request)!;

const bearer = (request: FastifyRequest): string | undefined => {
  const auth = request.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
};

/** Operator routes: the deployment's ADMIN_TOKEN, compared in constant time (both sides hashed to equal length). */
export function operatorAuth(adminToken: string | undefined) {
  const expected = adminToken ? sha256(adminToken) : undefined;
  return async (request: FastifyRequest): Promise<void> => {
    if (!expected) throw new ApiError(403, 'The operator API is off on this server: set ADMIN_TOKEN to use it.');
    const token = bearer(request);
    if (token && apiKeyPrefix(token))
      throw new ApiError(403, "Operator routes need the ADMIN_TOKEN, not a clinic's API key.");
    if (!token || !timingSafeEqual(sha256(token), expected)) {
      throw new ApiError(401, 'Unauthorized: send the operator token as Authorization: Bearer <ADMIN_TOKEN>.');
    }
  };
}

/** The stored key behind a presented API key when it is genuine and not revoked; undefined for anything else. */
async function liveApiKey(sql: Sql, presented: string | undefined): Promise<PresentedKey | undefined> {
  const prefix = presented ? apiKeyPrefix(presented) : undefined;
  const key = prefix ? await findApiKeyByPrefix(sql, prefix) : undefined;
  return presented && key && secretMatches(presented, key.keySha256) && !key.revokedAt ? key : undefined;
}

/** Tenant routes: a clinic's API key, not revoked, of an active clinic, with the scope the route needs. */
export function tenantKeyAuth(sql: Sql) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = await liveApiKey(sql, bearer(request));
    if (!key) throw new ApiError(401, 'Unauthorized: send a valid, unrevoked API key as Authorization: Bearer sk_….');
    if (key.tenantStatus === 'suspended') throw new ApiError(403, "This clinic's account is suspended.");
    const needed =
      request.routeOptions.config.scope ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    if (!key.scopes.includes(needed)) throw new ApiError(403, `This API key lacks the "${needed}" scope.`);
    principals.set(request, { tenantId: key.tenantId, slug: key.tenantSlug, keyId: key.id });
    request.log = request.log.child({ tenant: key.tenantSlug });
    await touchApiKey(sql, key.id);
  };
}

/**
 * Dashboard sign-in with the same API keys: the key's own clinic, only while the key is unrevoked, its clinic active
 * and it has the read scope (the dashboard only shows). The key itself goes nowhere but this check.
 */
export function dashboardKeyVerifier(sql: Sql): CredentialVerifier {
  return async (presented) => {
    const key = await liveApiKey(sql, presented);
    if (!key || key.tenantStatus === 'suspended' || !key.scopes.includes('read')) return undefined;
    await touchApiKey(sql, key.id);
    return { tenantId: key.tenantId, keyId: key.id };
  };
}

/** Runs the handler's database work as the authenticated clinic (see db/tenant-scope.ts). */
export const asTenant = <T>(sql: Sql, request: FastifyRequest, fn: (tx: TenantTx) => Promise<T>): Promise<T> =>
  withTenant(sql, principal(request).tenantId, fn);

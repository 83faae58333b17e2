import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ApiKeyRow, insertApiKey, listApiKeys, revokeApiKey } from '../../db/queries/api-keys.ts';
import { findTenantSettings, listTenants, setTenantStatus } from '../../db/queries/tenant-admin.ts';
import { API_KEY_SCOPES } from '../../domain/api-key.ts';
import { generateApiKey } from '../../security/api-keys.ts';
import { createTenant } from '../../tenants/create-tenant.ts';
import type { AdminDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { errors, iso, Limit, Uuid } from '../schemas.ts';
import { NewTenantBody, TenantOut, tenantOut } from './tenant-schemas.ts';

const ApiKeyOut = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  prefix: z.string().describe('The visible start of the key, to tell keys apart.'),
  label: z.string().nullable(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const apiKeyOut = (k: ApiKeyRow): z.infer<typeof ApiKeyOut> => ({
  ...k,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

const TenantParams = z.object({ tenantId: Uuid });
const security = [{ operatorToken: [] }];
const tags = ['operator'];

/** Deployment-wide: clinics and their API keys, with the operator's ADMIN_TOKEN. */
export const operatorRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  const webhookUrl = (slug: string, requestBase: string) => `${deps.publicUrl ?? requestBase}/vapi/${slug}`;

  app.post(
    '/tenants',
    {
      schema: {
        tags,
        security,
        summary: 'Create a clinic; its Vapi webhook secret is in this answer and never again',
        body: NewTenantBody,
        response: { 201: z.object({ tenant: TenantOut, vapiSecret: z.string(), webhookUrl: z.string() }), ...errors },
      },
    },
    async (request, reply) => {
      const { tenant, vapiSecret } = await createTenant(deps.sql, deps.secrets, request.body);
      request.log.info({ tenant: tenant.slug }, 'tenant created');
      return reply.code(201).send({
        tenant: tenantOut(tenant),
        vapiSecret,
        webhookUrl: webhookUrl(tenant.slug, `${request.protocol}://${request.host}`),
      });
    },
  );

  app.get(
    '/tenants',
    {
      schema: {
        tags,
        security,
        summary: 'List clinics by slug, a page at a time',
        querystring: z.object({
          status: z.enum(['active', 'suspended']).optional(),
          after: z.string().max(63).optional().describe('The last slug of the previous page.'),
          limit: Limit,
        }),
        response: { 200: z.object({ items: z.array(TenantOut), nextAfter: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const rows = await listTenants(deps.sql, { ...request.query, limit: request.query.limit + 1 });
      const page = rows.slice(0, request.query.limit);
      return { items: page.map(tenantOut), nextAfter: rows.length > page.length ? page[page.length - 1]!.slug : null };
    },
  );

  app.get(
    '/tenants/:tenantId',
    {
      schema: { tags, security, summary: 'One clinic', params: TenantParams, response: { 200: TenantOut, ...errors } },
    },
    async (request) => {
      const t = await findTenantSettings(deps.sql, request.params.tenantId);
      if (!t) throw notFound('The clinic');
      return tenantOut(t);
    },
  );

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['activate', 'active'],
  ] as const) {
    app.post(
      `/tenants/:tenantId/${action}`,
      {
        schema: {
          tags,
          security,
          summary:
            action === 'suspend'
              ? 'Suspend a clinic: its webhook says it is unavailable and its API keys are refused'
              : 'Reactivate a suspended clinic',
          params: TenantParams,
          response: { 200: TenantOut, ...errors },
        },
      },
      async (request) => {
        const t = await setTenantStatus(deps.sql, request.params.tenantId, status);
        if (!t) throw notFound('The clinic');
        deps.tenants.forget(t.slug);
        request.log.info({ tenant: t.slug, status }, 'tenant status changed');
        return tenantOut(t);
      },
    );
  }

  app.post(
    '/tenants/:tenantId/api-keys',
    {
      schema: {
        tags,
        security,
        summary: 'Issue an API key for a clinic; the key is in this answer and never again',
        params: TenantParams,
        body: z.strictObject({
          label: z.string().trim().min(1).max(100).optional(),
          scopes: z
            .array(z.enum(API_KEY_SCOPES))
            .min(1)
            .default([...API_KEY_SCOPES])
            .transform((s) => [...new Set(s)]),
        }),
        response: { 201: z.object({ key: z.string(), apiKey: ApiKeyOut }), ...errors },
      },
    },
    async (request, reply) => {
      const t = await findTenantSettings(deps.sql, request.params.tenantId);
      if (!t) throw notFound('The clinic');
      const k = generateApiKey();
      const row = await insertApiKey(deps.sql, {
        tenantId: t.id,
        prefix: k.prefix,
        sha256: k.sha256,
        label: request.body.label ?? null,
        scopes: request.body.scopes,
      });
      request.log.info({ tenant: t.slug, prefix: k.prefix }, 'api key issued');
      return reply.code(201).send({ key: k.key, apiKey: apiKeyOut(row) });
    },
  );

  app.get(
    '/tenants/:tenantId/api-keys',
    {
      schema: {
        tags,
        security,
        summary: "A clinic's API keys (never the keys themselves)",
        params: TenantParams,
        response: { 200: z.object({ items: z.array(ApiKeyOut) }), ...errors },
      },
    },
    async (request) => {
      const t = await findTenantSettings(deps.sql, request.params.tenantId);
      if (!t) throw notFound('The clinic');
      return { items: (await listApiKeys(deps.sql, t.id)).map(apiKeyOut) };
    },
  );

  app.delete(
    '/tenants/:tenantId/api-keys/:keyId',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke an API key; it stops working at once',
        params: TenantParams.extend({ keyId: Uuid }),
        response: { 200: ApiKeyOut, ...errors },
      },
    },
    async (request) => {
      const row = await revokeApiKey(deps.sql, request.params.tenantId, request.params.keyId);
      if (!row) throw notFound('The API key');
      request.log.info({ prefix: row.prefix }, 'api key revoked');
      return apiKeyOut(row);
    },
  );
};

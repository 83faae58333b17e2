import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LINK_DEFAULT_HOURS, LINK_MAX_HOURS, signInLink } from '../../dashboard/link.ts';
import { findTenantSettings } from '../../db/queries/tenant-admin.ts';
import { principal } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { errors, Uuid } from '../schemas.ts';

const LinkBody = z
  .strictObject({
    hours: z
      .number()
      .int()
      .min(1)
      .max(LINK_MAX_HOURS)
      .default(LINK_DEFAULT_HOURS)
      .describe(`How long the link works; default ${LINK_DEFAULT_HOURS} (7 days).`),
  })
  // A POST with no body at all asks for the default link.
  .nullish()
  .transform((b) => b ?? { hours: LINK_DEFAULT_HOURS });
const LinkOut = z.object({
  url: z.string().describe('Opens the dashboard signed in as this clinic; reusable until it expires.'),
  expiresAt: z.string(),
});

function link(deps: AdminDeps, request: FastifyRequest, tenantId: string, hours: number): z.infer<typeof LinkOut> {
  const now = deps.now();
  const base = deps.publicUrl ?? `${request.protocol}://${request.host}`;
  return {
    url: signInLink(base, deps.dashboardTokens, tenantId, now, hours),
    expiresAt: new Date(now + hours * 3_600_000).toISOString(),
  };
}

/** A clinic's administrator hands staff a sign-in link (the write scope: a link outlives the key that made it). */
export const tenantDashboardLinkRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  app.post(
    '/dashboard-links',
    {
      schema: {
        tags: ['dashboard'],
        security: [{ apiKey: [] }],
        summary: "A sign-in link to this clinic's dashboard, for staff without an API key",
        body: LinkBody,
        response: { 201: LinkOut, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(link(deps, request, principal(request).tenantId, request.body.hours)),
  );
};

/** The operator's: a sign-in link for any clinic. */
export const operatorDashboardLinkRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  app.post(
    '/tenants/:tenantId/dashboard-links',
    {
      schema: {
        tags: ['operator'],
        security: [{ operatorToken: [] }],
        summary: "A sign-in link to a clinic's dashboard",
        params: z.object({ tenantId: Uuid }),
        body: LinkBody,
        response: { 201: LinkOut, ...errors },
      },
    },
    async (request, reply) => {
      const t = await findTenantSettings(deps.sql, request.params.tenantId);
      if (!t) throw notFound('The clinic');
      return reply.code(201).send(link(deps, request, t.id, request.body.hours));
    },
  );
};

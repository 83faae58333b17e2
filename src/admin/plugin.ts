import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { limiter } from '../plugins/rate-limit.ts';
import { API_GATE, installJsonGate } from '../security/input-hygiene.ts';
import { operatorAuth, principal, tenantKeyAuth } from './auth.ts';
import type { AdminDeps } from './deps.ts';
import { adminErrorHandler } from './errors.ts';
import { appointmentRoutes } from './routes/appointments.ts';
import { callRoutes } from './routes/calls.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { operatorDashboardLinkRoutes, tenantDashboardLinkRoutes } from './routes/dashboard-links.ts';
import { leadRoutes } from './routes/leads.ts';
import { operatorRoutes } from './routes/operator.ts';
import { settingsRoutes } from './routes/settings.ts';
import { smsRoutes } from './routes/sms.ts';
import { waitlistRoutes } from './routes/waitlist.ts';

/** `/api/v1`: one zod schema per route validates, types and documents it (OpenAPI at /docs). */
export async function adminApi(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(adminErrorHandler);
  // The app's JSON gate, except that an empty body is no body (a body-less PUT as HTTP clients send it).
  installJsonGate(app, { ...API_GATE, emptyIsNone: true });
  const perIp = limiter(app, {
    name: 'api-ip',
    max: deps.limits.perIp,
    windowSeconds: deps.limits.windowSeconds,
    key: (r) => r.ip,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!(await perIp(request, reply))) return reply;
  });

  await app.register(async (operator) => {
    operator.addHook('onRequest', operatorAuth(deps.adminToken));
    await operator.register(operatorRoutes, deps);
    await operator.register(operatorDashboardLinkRoutes, deps);
  });

  await app.register(async (tenant) => {
    const perTenant = limiter(tenant, {
      name: 'api-tenant',
      max: deps.limits.perTenant,
      windowSeconds: deps.limits.windowSeconds,
      key: (r) => principal(r).tenantId,
    });
    tenant.addHook('onRequest', tenantKeyAuth(deps.sql));
    tenant.addHook('onRequest', async (request, reply) => {
      if (!(await perTenant(request, reply))) return reply;
    });
    // Any successful change may touch what the webhook caches (settings, catalogue): drop it before answering,
    // so the very next call on this instance sees it. Other instances see it within the directory's TTL.
    tenant.addHook('onSend', async (request, reply, payload) => {
      if (request.method !== 'GET' && reply.statusCode < 400) deps.tenants.forget(principal(request).slug);
      return payload;
    });
    await tenant.register(settingsRoutes, deps);
    await tenant.register(catalogRoutes, deps);
    await tenant.register(appointmentRoutes, deps);
    await tenant.register(callRoutes, deps);
    await tenant.register(leadRoutes, deps);
    await tenant.register(tenantDashboardLinkRoutes, deps);
    await tenant.register(smsRoutes, deps);
    await tenant.register(waitlistRoutes, deps);
  });
}

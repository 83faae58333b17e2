import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deleteRow,
  insertException,
  insertProvider,
  insertService,
  linkProviderService,
  listExceptions,
  listProviders,
  listServices,
  listWeeklyHours,
  replaceWeeklyHours,
  unlinkProviderService,
  updateProvider,
  updateService,
} from '../../db/queries/catalog-admin.ts';
import type { TenantTx } from '../../db/tenant-scope.ts';
import { asTenant, principal } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { errors, IdParams, LocalDate, Uuid, WallTime } from '../schemas.ts';

const security = [{ apiKey: [] }];

const ProviderBody = z.strictObject({ name: z.string().trim().min(1).max(200), active: z.boolean().optional() });
const ProviderOut = z.object({ id: z.uuid(), name: z.string(), active: z.boolean(), serviceIds: z.array(z.uuid()) });

const ServiceFields = {
  slug: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, _ and -'),
  name: z.string().trim().min(1).max(200),
  durationMinutes: z.number().int().min(5).max(720),
  bufferBeforeMinutes: z.number().int().min(0).max(240).describe('Kept free before the appointment.'),
  bufferAfterMinutes: z.number().int().min(0).max(240).describe('Kept free after the appointment.'),
  valueCents: z.number().int().min(0).describe("The appointment's value, for lead scoring."),
  active: z.boolean(),
};
const ServiceCreate = z
  .strictObject(ServiceFields)
  .partial()
  .required({ slug: true, name: true, durationMinutes: true });
const ServicePatch = z.strictObject(ServiceFields).partial();
const ServiceOut = z.object({ id: z.uuid(), ...ServiceFields, providerIds: z.array(z.uuid()) });

const Interval = z
  .object({ start: WallTime, end: WallTime })
  .refine((h) => h.end > h.start, { message: 'end must be after start', path: ['end'] });
const HoursEntry = z.object({
  weekday: z.number().int().min(1).max(7).describe('ISO weekday: Monday = 1'),
  start: WallTime,
  end: WallTime,
});
const WeekBody = z.strictObject({
  hours: z
    .array(HoursEntry)
    .max(70)
    .superRefine((hours, ctx) => {
      hours.forEach((h, i) => {
        if (h.end <= h.start) ctx.addIssue({ code: 'custom', message: 'end must be after start', path: [i, 'end'] });
        const clash = hours.findIndex((o, j) => j < i && o.weekday === h.weekday && o.start < h.end && h.start < o.end);
        if (clash >= 0)
          ctx.addIssue({ code: 'custom', message: `overlaps entry ${clash} on the same weekday`, path: [i] });
      });
    }),
});
const WeekOut = z.object({ hours: z.array(HoursEntry) });

const ExceptionBody = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('closed'), date: LocalDate, providerId: Uuid.nullable().default(null) }),
    z.strictObject({
      kind: z.literal('open'),
      date: LocalDate,
      providerId: Uuid.nullable().default(null),
      start: WallTime,
      end: WallTime,
    }),
  ])
  .refine((e) => e.kind === 'closed' || Interval.safeParse(e).success, {
    message: 'end must be after start',
    path: ['end'],
  });
const ExceptionOut = z.object({
  id: z.uuid(),
  providerId: z.uuid().nullable().describe('null: the whole clinic'),
  date: z.string(),
  kind: z.enum(['closed', 'open']),
  start: z.string().nullable(),
  end: z.string().nullable(),
});

/** Providers, services, who offers what, weekly hours and date exceptions: what availability is computed from. */
export const catalogRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  const tenantId = (r: Parameters<typeof principal>[0]) => principal(r).tenantId;
  const provider = async (tx: TenantTx, tid: string, id: string) => {
    const [p] = await listProviders(tx, tid, id);
    if (!p) throw notFound('The provider');
    return p;
  };
  const service = async (tx: TenantTx, tid: string, id: string) => {
    const [s] = await listServices(tx, tid, id);
    if (!s) throw notFound('The service');
    return s;
  };

  // Providers
  app.get(
    '/providers',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'All providers, active or not',
        response: { 200: z.object({ items: z.array(ProviderOut) }), ...errors },
      },
    },
    async (request) => ({ items: await asTenant(deps.sql, request, (tx) => listProviders(tx, tenantId(request))) }),
  );

  app.post(
    '/providers',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'Add a provider',
        body: ProviderBody,
        response: { 201: ProviderOut, ...errors },
      },
    },
    async (request, reply) => {
      const p = await asTenant(deps.sql, request, async (tx) =>
        provider(tx, tenantId(request), await insertProvider(tx, tenantId(request), request.body)),
      );
      return reply.code(201).send(p);
    },
  );

  app.get(
    '/providers/:id',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'One provider',
        params: IdParams,
        response: { 200: ProviderOut, ...errors },
      },
    },
    async (request) => asTenant(deps.sql, request, (tx) => provider(tx, tenantId(request), request.params.id)),
  );

  app.patch(
    '/providers/:id',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'Rename or (de)activate a provider',
        params: IdParams,
        body: ProviderBody.partial(),
        response: { 200: ProviderOut, ...errors },
      },
    },
    async (request) =>
      asTenant(deps.sql, request, async (tx) => {
        if (!(await updateProvider(tx, tenantId(request), request.params.id, request.body)))
          throw notFound('The provider');
        return provider(tx, tenantId(request), request.params.id);
      }),
  );

  app.delete(
    '/providers/:id',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'Delete a provider without appointments (else deactivate it)',
        params: IdParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (request, reply) => {
      if (
        !(await asTenant(deps.sql, request, (tx) => deleteRow(tx, 'providers', tenantId(request), request.params.id)))
      )
        throw notFound('The provider');
      return reply.code(204).send();
    },
  );

  // Services
  app.get(
    '/services',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'All services',
        response: { 200: z.object({ items: z.array(ServiceOut) }), ...errors },
      },
    },
    async (request) => ({ items: await asTenant(deps.sql, request, (tx) => listServices(tx, tenantId(request))) }),
  );

  app.post(
    '/services',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'Add a service',
        body: ServiceCreate,
        response: { 201: ServiceOut, ...errors },
      },
    },
    async (request, reply) => {
      const s = await asTenant(deps.sql, request, async (tx) =>
        service(tx, tenantId(request), await insertService(tx, tenantId(request), request.body)),
      );
      return reply.code(201).send(s);
    },
  );

  app.get(
    '/services/:id',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'One service',
        params: IdParams,
        response: { 200: ServiceOut, ...errors },
      },
    },
    async (request) => asTenant(deps.sql, request, (tx) => service(tx, tenantId(request), request.params.id)),
  );

  app.patch(
    '/services/:id',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'Change a service',
        params: IdParams,
        body: ServicePatch,
        response: { 200: ServiceOut, ...errors },
      },
    },
    async (request) =>
      asTenant(deps.sql, request, async (tx) => {
        if (!(await updateService(tx, tenantId(request), request.params.id, request.body)))
          throw notFound('The service');
        return service(tx, tenantId(request), request.params.id);
      }),
  );

  app.delete(
    '/services/:id',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'Delete a service without appointments (else deactivate it)',
        params: IdParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (request, reply) => {
      if (!(await asTenant(deps.sql, request, (tx) => deleteRow(tx, 'services', tenantId(request), request.params.id))))
        throw notFound('The service');
      return reply.code(204).send();
    },
  );

  // Who offers what
  const LinkParams = z.object({ id: Uuid, serviceId: Uuid });
  app.put(
    '/providers/:id/services/:serviceId',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'The provider offers this service',
        params: LinkParams,
        response: { 200: ProviderOut, ...errors },
      },
    },
    async (request) =>
      asTenant(deps.sql, request, async (tx) => {
        const tid = tenantId(request);
        await provider(tx, tid, request.params.id);
        await service(tx, tid, request.params.serviceId);
        await linkProviderService(tx, tid, request.params.id, request.params.serviceId);
        return provider(tx, tid, request.params.id);
      }),
  );

  app.delete(
    '/providers/:id/services/:serviceId',
    {
      schema: {
        tags: ['catalogue'],
        security,
        summary: 'The provider no longer offers this service',
        params: LinkParams,
        response: { 200: ProviderOut, ...errors },
      },
    },
    async (request) =>
      asTenant(deps.sql, request, async (tx) => {
        const tid = tenantId(request);
        if (!(await unlinkProviderService(tx, tid, request.params.id, request.params.serviceId)))
          throw notFound('That provider–service link');
        return provider(tx, tid, request.params.id);
      }),
  );

  // Weekly hours
  app.get(
    '/providers/:id/hours',
    {
      schema: {
        tags: ['hours'],
        security,
        summary: "The provider's weekly hours (clinic-local wall time)",
        params: IdParams,
        response: { 200: WeekOut, ...errors },
      },
    },
    async (request) =>
      asTenant(deps.sql, request, async (tx) => {
        await provider(tx, tenantId(request), request.params.id);
        return { hours: await listWeeklyHours(tx, tenantId(request), request.params.id) };
      }),
  );

  app.put(
    '/providers/:id/hours',
    {
      schema: {
        tags: ['hours'],
        security,
        summary: "Replace the provider's whole week at once",
        params: IdParams,
        body: WeekBody,
        response: { 200: WeekOut, ...errors },
      },
    },
    async (request) =>
      asTenant(deps.sql, request, async (tx) => {
        await provider(tx, tenantId(request), request.params.id);
        await replaceWeeklyHours(tx, tenantId(request), request.params.id, request.body.hours);
        return { hours: await listWeeklyHours(tx, tenantId(request), request.params.id) };
      }),
  );

  // Date exceptions
  app.get(
    '/exceptions',
    {
      schema: {
        tags: ['hours'],
        security,
        summary: 'Closed days and extra hours, by date',
        querystring: z.object({ from: LocalDate.optional(), to: LocalDate.optional() }),
        response: { 200: z.object({ items: z.array(ExceptionOut) }), ...errors },
      },
    },
    async (request) => ({
      items: await asTenant(deps.sql, request, (tx) => listExceptions(tx, tenantId(request), request.query)),
    }),
  );

  app.post(
    '/exceptions',
    {
      schema: {
        tags: ['hours'],
        security,
        summary:
          "Close a day ('closed') or add hours ('open') for the clinic or one provider; both on a date replace its hours",
        body: ExceptionBody,
        response: { 201: ExceptionOut, ...errors },
      },
    },
    async (request, reply) => {
      const e = request.body;
      const row = await asTenant(deps.sql, request, async (tx) => {
        const tid = tenantId(request);
        if (e.providerId) await provider(tx, tid, e.providerId);
        const fields = {
          providerId: e.providerId,
          date: e.date,
          kind: e.kind,
          start: e.kind === 'open' ? e.start : null,
          end: e.kind === 'open' ? e.end : null,
        };
        return { id: await insertException(tx, tid, fields), ...fields };
      });
      return reply.code(201).send(row);
    },
  );

  app.delete(
    '/exceptions/:id',
    {
      schema: {
        tags: ['hours'],
        security,
        summary: 'Remove a date exception',
        params: IdParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (request, reply) => {
      if (
        !(await asTenant(deps.sql, request, (tx) =>
          deleteRow(tx, 'date_exceptions', tenantId(request), request.params.id),
        ))
      )
        throw notFound('The exception');
      return reply.code(204).send();
    },
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addPhoneNumber, listPhoneNumbers, removePhoneNumber } from '../../db/queries/catalog-admin.ts';
import { findTenantSettings, setTwilioCredentials, updateTenantSettings } from '../../db/queries/tenant-admin.ts';
import { rotateVapiSecret } from '../../tenants/create-tenant.ts';
import { asTenant, principal } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { E164, errors } from '../schemas.ts';
import { SettingsPatch, TenantOut, tenantOut } from './tenant-schemas.ts';

const security = [{ apiKey: [] }];
const etag = (version: number) => `"${version}"`;

/** If-Match as a settings version: `"7"`, `W/"7"` or `*`; undefined when absent or `*`. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!m) throw new ApiError(412, 'If-Match must be the ETag of GET /settings, like "3".');
  return Number(m[1]);
}

/** The clinic's own settings, webhook secret and phone numbers. */
export const settingsRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  app.get(
    '/settings',
    {
      schema: {
        tags: ['settings'],
        security,
        summary: "The clinic's settings; the ETag is their version",
        response: { 200: TenantOut, ...errors },
      },
    },
    async (request, reply) => {
      const t = await asTenant(deps.sql, request, (tx) => findTenantSettings(tx, principal(request).tenantId));
      if (!t) throw notFound('The clinic');
      reply.header('etag', etag(t.settingsVersion));
      return tenantOut(t);
    },
  );

  app.patch(
    '/settings',
    {
      schema: {
        tags: ['settings'],
        security,
        summary: 'Change settings; send If-Match with the ETag you read to refuse (412) an edit made meanwhile',
        headers: z.object({ 'if-match': z.string().optional() }),
        body: SettingsPatch,
        response: { 200: TenantOut, 412: errors[400], ...errors },
      },
    },
    async (request, reply) => {
      const ifVersion = expectedVersion(request.headers['if-match']);
      const result = await asTenant(deps.sql, request, (tx) =>
        updateTenantSettings(tx, principal(request).tenantId, request.body, ifVersion),
      );
      if (result.kind === 'missing') throw notFound('The clinic');
      if (result.kind === 'stale') {
        reply.header('etag', etag(result.current.settingsVersion));
        throw new ApiError(
          412,
          `The settings changed meanwhile (now version ${result.current.settingsVersion}); read them again and retry.`,
          {
            currentVersion: result.current.settingsVersion,
          },
        );
      }
      request.log.info(
        { fields: Object.keys(request.body), version: result.settings.settingsVersion },
        'settings changed',
      );
      reply.header('etag', etag(result.settings.settingsVersion));
      return tenantOut(result.settings);
    },
  );

  app.post(
    '/vapi-secret/rotate',
    {
      config: { scope: 'secrets' },
      schema: {
        tags: ['settings'],
        security,
        summary:
          'Replace the Vapi webhook secret; the new one is in this answer only, the old one stops working at once',
        response: { 200: z.object({ vapiSecret: z.string() }), ...errors },
      },
    },
    async (request) => {
      const secret = await asTenant(deps.sql, request, (tx) =>
        rotateVapiSecret(tx, deps.secrets, principal(request).tenantId),
      );
      if (!secret) throw notFound('The clinic');
      request.log.info('vapi secret rotated');
      return { vapiSecret: secret };
    },
  );

  app.put(
    '/twilio-credentials',
    {
      config: { scope: 'secrets' },
      schema: {
        tags: ['settings'],
        security,
        summary: "The clinic's own Twilio account for its texts; write-only: the token is sealed and never shown again",
        body: z.strictObject({
          accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex)'),
          authToken: z.string().min(16).max(200),
          fromNumber: E164,
        }),
        response: { 200: TenantOut, ...errors },
      },
    },
    async (request, reply) => {
      const { accountSid, authToken, fromNumber } = request.body;
      const t = await asTenant(deps.sql, request, (tx) =>
        setTwilioCredentials(tx, principal(request).tenantId, {
          accountSid,
          fromNumber,
          authTokenSealed: deps.secrets.seal(authToken),
        }),
      );
      if (!t) throw notFound('The clinic');
      request.log.info({ accountSid }, 'twilio credentials set');
      reply.header('etag', etag(t.settingsVersion));
      return tenantOut(t);
    },
  );

  app.delete(
    '/twilio-credentials',
    {
      config: { scope: 'secrets' },
      schema: {
        tags: ['settings'],
        security,
        summary: "Forget the clinic's Twilio account; texts go through the deployment's",
        response: { 200: TenantOut, ...errors },
      },
    },
    async (request, reply) => {
      const t = await asTenant(deps.sql, request, (tx) => setTwilioCredentials(tx, principal(request).tenantId, null));
      if (!t) throw notFound('The clinic');
      reply.header('etag', etag(t.settingsVersion));
      return tenantOut(t);
    },
  );

  const PhoneParams = z.object({ number: E164 });
  app.get(
    '/phone-numbers',
    {
      schema: {
        tags: ['settings'],
        security,
        summary: 'The numbers this clinic answers',
        response: { 200: z.object({ items: z.array(z.string()) }), ...errors },
      },
    },
    async (request) => ({
      items: await asTenant(deps.sql, request, (tx) => listPhoneNumbers(tx, principal(request).tenantId)),
    }),
  );

  app.put(
    '/phone-numbers/:number',
    {
      schema: {
        tags: ['settings'],
        security,
        summary: 'Add a number (E.164, URL-encoded +)',
        params: PhoneParams,
        response: { 200: z.object({ items: z.array(z.string()) }), ...errors },
      },
    },
    async (request) => ({
      items: await asTenant(deps.sql, request, async (tx) => {
        await addPhoneNumber(tx, principal(request).tenantId, request.params.number);
        return listPhoneNumbers(tx, principal(request).tenantId);
      }),
    }),
  );

  app.delete(
    '/phone-numbers/:number',
    {
      schema: {
        tags: ['settings'],
        security,
        summary: 'Remove a number',
        params: PhoneParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (request, reply) => {
      const removed = await asTenant(deps.sql, request, (tx) =>
        removePhoneNumber(tx, principal(request).tenantId, request.params.number),
      );
      if (!removed) throw notFound('The phone number');
      return reply.code(204).send();
    },
  );
};

import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Sql } from '../db/client.ts';
import { findSmsTenant } from '../db/queries/sms-replies.ts';
import { cleanText } from '../security/input-hygiene.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { TenantDirectory } from '../tenants/directory.ts';
import type { InboundSms } from './inbound.ts';
import { twilioCredentials } from './sms-credentials.ts';

const E164 = /^\+[1-9][0-9]{6,14}$/;

const InboundSmsForm = z.looseObject({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{10,64}$/),
  From: z.string().regex(E164, 'must be an E.164 number'),
  // What the patient typed is kept, cleaned (docs/webhook-and-tools.md, "Bad input"): the signature was checked over
  // the parameters as received, before this.
  Body: z.string().max(1600).transform(cleanText),
});

const twiml = (reply: string | null): string => {
  const response = new twilio.twiml.MessagingResponse();
  if (reply) response.message(reply);
  return response.toString();
};

/**
 * POST /twilio/sms/:tenant — the clinic's Twilio Messaging webhook. The X-Twilio-Signature is checked (the SDK's
 * validateRequest, the clinic's or the deployment's auth token, the public URL) before anything else is looked at;
 * the answer is TwiML, with the reply as a <Message> or empty.
 */
export async function twilioInboundRoutes(
  app: FastifyInstance,
  opts: { sql: Sql; config: Config; secrets: SecretBox; tenants: TenantDirectory; inbound: InboundSms },
): Promise<void> {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.post<{ Params: { tenant: string } }>('/twilio/sms/:tenant', async (request, reply) => {
    const params = (request.body ?? {}) as Record<string, string>;
    const target = /^[a-z0-9][a-z0-9-]{0,62}$/.test(request.params.tenant)
      ? await findSmsTenant(opts.sql, request.params.tenant)
      : undefined;
    const creds = target && twilioCredentials(target, opts.config, opts.secrets);
    // Twilio signs the URL it called: ours as the public sees it.
    const base = opts.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
    const signature = request.headers['x-twilio-signature'];
    if (
      !creds ||
      typeof signature !== 'string' ||
      !twilio.validateRequest(creds.authToken, signature, `${base}${request.url}`, params)
    ) {
      request.log.warn(
        { tenant: request.params.tenant.slice(0, 64) },
        'inbound sms rejected: unknown clinic or bad signature',
      );
      return reply.code(403).send({ error: 'Forbidden: the Twilio signature does not match.' });
    }
    const parsed = InboundSmsForm.safeParse(params);
    if (!parsed.success)
      return reply.code(400).send({ error: 'Expected a Twilio inbound message (MessageSid, From as E.164, Body).' });
    const ctx = await opts.tenants.get(target.slug);
    if (!ctx) return reply.code(403).send({ error: 'Forbidden: the Twilio signature does not match.' });
    const { MessageSid: messageSid, From: from, Body: body } = parsed.data;
    const answer = await opts.inbound.handle(ctx, { messageSid, from, body });
    return reply.type('text/xml').send(twiml(answer));
  });
}

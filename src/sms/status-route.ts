import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Sql } from '../db/client.ts';
import { findSmsForStatus, recordDeliveryStatus } from '../db/queries/sms-outbox.ts';
import { type BadInput, parseForm } from '../security/input-hygiene.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { twilioCredentials } from './sms-credentials.ts';

const StatusCallback = z.looseObject({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{10,64}$/),
  MessageStatus: z.string().regex(/^[a-z_-]{1,30}$/),
  ErrorCode: z.string().max(10).optional(),
});

/** POST /twilio/status: Twilio's delivery reports, accepted only with a valid X-Twilio-Signature. */
export async function twilioStatusRoutes(
  app: FastifyInstance,
  opts: { sql: Sql; config: Config; secrets: SecretBox },
): Promise<void> {
  // Refused rather than cleaned: Twilio's signature covers the parameters as sent, and Twilio never sends a NUL.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => {
      try {
        done(null, parseForm(body as string, 'reject'));
      } catch (err) {
        done(err as BadInput, undefined);
      }
    },
  );

  app.post<{ Querystring: { outbox?: string } }>('/twilio/status', async (request, reply) => {
    const params = (request.body ?? {}) as Record<string, string>;
    const parsed = StatusCallback.safeParse(params);
    if (!parsed.success)
      return reply.code(400).send({ error: 'Expected a Twilio message status callback (MessageSid, MessageStatus).' });
    const outboxId =
      typeof request.query.outbox === 'string' && /^[0-9a-f-]{36}$/.test(request.query.outbox)
        ? request.query.outbox
        : undefined;
    const target = await findSmsForStatus(opts.sql, outboxId, parsed.data.MessageSid);
    const creds = target && twilioCredentials(target, opts.config, opts.secrets);
    // Twilio signs the URL it called: ours as the public sees it.
    const base = opts.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
    const signature = request.headers['x-twilio-signature'];
    if (
      !target ||
      !creds ||
      typeof signature !== 'string' ||
      !twilio.validateRequest(creds.authToken, signature, `${base}${request.url}`, params)
    ) {
      request.log.warn(
        { messageSid: parsed.data.MessageSid },
        'twilio status rejected: unknown message or bad signature',
      );
      return reply.code(403).send({ error: 'Forbidden: the Twilio signature does not match.' });
    }
    await recordDeliveryStatus(opts.sql, target.id, {
      status: parsed.data.MessageStatus,
      messageSid: parsed.data.MessageSid,
      errorCode: parsed.data.ErrorCode ?? null,
    });
    request.log.info({ smsId: target.id, status: parsed.data.MessageStatus }, 'sms delivery status recorded');
    return reply.code(204).send();
  });
}

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailable } from '../db/unavailable.ts';

const SENTENCES: Record<string, (e: FastifyError) => string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'The request body is empty; send a JSON object.',
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'The request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'Send the body as application/json.',
  FST_ERR_VALIDATION: (e) => `The request is not valid: ${e.message}.`,
};

const RETRY_AFTER_SECONDS = 5;

/** Every error leaves as {"error": "<one sentence>"}; the details of a 500 stay in the log. */
export function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // An outage, not a fault of the request or a bug: said as such, with when to ask again (Vapi resends on a 5xx).
  if (databaseUnavailable(error)) {
    request.log.error({ err: error }, 'request failed: database unavailable');
    return reply
      .code(503)
      .header('retry-after', RETRY_AFTER_SECONDS)
      .send({
        error: `The booking database is unavailable right now; please retry in ${RETRY_AFTER_SECONDS} seconds.`,
      });
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: error.code, status }, 'request refused');
  const sentence =
    SENTENCES[error.code]?.(error) ?? (status >= 500 ? 'Something went wrong on our side.' : error.message);
  return reply.code(status).send({ error: sentence });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `There is nothing at ${request.method} ${request.url.split('?')[0]}.` }),
  );
}

import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';

export interface LoadSheddingOptions {
  maxEventLoopDelayMs: number;
  sampleIntervalMs: number;
}

const RETRY_AFTER_SECONDS = 5;

/**
 * When the event loop lags, new requests get 503 + Retry-After at once instead of queueing behind the lag: a busy
 * instance answers fast "no" rather than slow "yes", and the load balancer or Vapi moves on.
 */
export async function registerLoadShedding(app: FastifyInstance, o: LoadSheddingOptions): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: o.maxEventLoopDelayMs,
    sampleInterval: o.sampleIntervalMs,
    retryAfter: RETRY_AFTER_SECONDS,
    pressureHandler: (request, reply, type, value) => {
      request.log.warn({ type, value }, 'shedding load');
      void reply
        .code(503)
        .header('retry-after', RETRY_AFTER_SECONDS)
        .send({ error: `The server is busy; please retry in ${RETRY_AFTER_SECONDS} seconds.` });
    },
  });
}

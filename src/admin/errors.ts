import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import postgres from 'postgres';
import { sendError } from '../plugins/errors.ts';

/** An API refusal: the status and one sentence; `details` names fields where that helps. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, `${what} was not found.`);

const WHERE: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
};

// Constraint names PostgreSQL picked for 001/006, turned into what the caller did wrong.
const UNIQUE: Record<string, string> = {
  tenants_slug_key: 'A clinic with this slug already exists.',
  providers_tenant_id_name_key: 'A provider with this name already exists.',
  services_tenant_id_slug_key: 'A service with this slug already exists.',
  tenant_phone_numbers_e164_key: 'This phone number already belongs to another clinic.',
};

const CHECKS: Record<string, { status: number; sentence: string }> = {
  tenants_hmac_needs_secret: {
    status: 409,
    sentence:
      'HMAC needs a readable secret and this clinic has only a hashed one: rotate the Vapi secret first, then switch to hmac.',
  },
};

/**
 * Validation failures as one sentence plus the fields; database refusals (the last line of validation) as 409/400;
 * everything else as the app's usual {"error"}.
 */
export function adminErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) {
    request.log.info({ status: error.statusCode }, error.message);
    return reply
      .code(error.statusCode)
      .send({ error: error.message, ...(error.details ? { details: error.details } : {}) });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = WHERE[error.validationContext ?? 'body'] ?? 'request';
    const fields = error.validation.map((v) => ({
      field: v.instancePath.slice(1).replaceAll('/', '.') || '(root)',
      message: v.message,
    }));
    const first = fields[0]!;
    const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : '';
    request.log.info({ fields: fields.map((f) => f.field) }, 'request refused: invalid');
    return reply
      .code(400)
      .send({ error: `The ${where} is not valid: ${first.field}: ${first.message}${more}.`, details: { fields } });
  }
  if (error instanceof postgres.PostgresError) {
    const mapped = databaseRefusal(error);
    if (mapped) {
      request.log.info({ code: error.code, constraint: error.constraint_name }, 'request refused by the database');
      return reply.code(mapped.status).send({ error: mapped.sentence });
    }
  }
  return sendError(error, request, reply);
}

function databaseRefusal(e: postgres.PostgresError): { status: number; sentence: string } | undefined {
  switch (e.code) {
    case '23505':
      return {
        status: 409,
        sentence: UNIQUE[e.constraint_name ?? ''] ?? 'That conflicts with something that already exists.',
      };
    case '23503':
      return { status: 409, sentence: 'It is still used by appointments; deactivate it instead of deleting it.' };
    case '23P01':
      return { status: 409, sentence: 'That overlaps an existing appointment.' };
    case '23514':
      return (
        CHECKS[e.constraint_name ?? ''] ?? {
          status: 400,
          sentence: `A value is out of the allowed range (${e.constraint_name}).`,
        }
      );
    case '22023':
      return { status: 400, sentence: `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.` };
    default:
      return undefined;
  }
}

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI from the admin routes' zod schemas: the document at /docs/json, Swagger UI at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Slotkeeper admin API',
        description: 'Set up clinics, their catalogue, hours and settings; see and book appointments.',
        version: '1',
      },
      components: {
        securitySchemes: {
          operatorToken: { type: 'http', scheme: 'bearer', description: 'The deployment’s ADMIN_TOKEN' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'A clinic’s API key (sk_…)' },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Only the admin API is described; the webhook speaks Vapi's protocol (see docs/webhook-and-tools.md).
    hiddenTag: 'hidden',
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

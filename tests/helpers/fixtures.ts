// One fixture for "a fresh database, a server on it, a clinic": each integration test file asks for what it uses
// (`db`, `clinic`, `twilio`, `server`, `vapi`) and gets it set up once for the file and torn down after its last
// test, in reverse order (server closed, fake Twilio stopped, database dropped). See docs/development.md.
import { test } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.ts';
import { createDemoClinic, DEMO_SLUG } from '../../src/tenants/demo-clinic.ts';
import { type FakeTwilio, startFakeTwilio } from '../../testkit/fake-twilio.ts';
import { type VapiClient, vapiClient } from '../../testkit/vapi.ts';
import { startServerWithTwilio } from './calls.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { type RunningServer, startServer } from './server.ts';

export interface ClinicOptions {
  /** The Vapi secret the clinic is created with, so the file can sign requests as the clinic. */
  secret: string;
  slug?: string;
  ownerPhone?: string;
  /** False for files that test the claim path alone (book_appointment books without a text-message code). */
  otpRequired?: boolean;
}

export interface FixtureOptions {
  /** The demo clinic (src/tenants/demo-clinic.ts) created in the fresh database before the server starts. */
  clinic?: ClinicOptions;
  /** The server sends text messages through the fake Twilio (tests/helpers/calls.ts startServerWithTwilio). */
  twilio?: boolean;
  /** SECRETS_KEY for a Twilio server; a fresh key unless the file starts further servers that must read its secrets. */
  secretsKey?: string;
  env?: Record<string, string>;
  now?: () => number;
  logStream?: { write(line: string): void };
}

export interface Clinic {
  slug: string;
  secret: string;
  tenantId: string;
}

/**
 * A `test` (use it as `it`) whose fixtures are file-scoped: created on first use in the file, shared by its tests,
 * removed after the file. Options are per file; a file needing several servers starts the extra ones itself.
 */
export function integrationTest(options: FixtureOptions = {}) {
  // The clinic is created with the database, so it exists before any server starts, whichever fixture a test names.
  let clinic: Clinic | undefined;
  const base = test
    .extend('db', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestDatabase> => {
      const db = await createTestDatabase();
      onCleanup(() => db.drop());
      if (options.clinic) {
        const { secret, slug = DEMO_SLUG, ownerPhone, otpRequired } = options.clinic;
        clinic = { slug, secret, tenantId: await createDemoClinic(db.sql, { secret, slug, ownerPhone, otpRequired }) };
      }
      return db;
    })
    .extend('clinic', { scope: 'file' }, async ({ db }): Promise<Clinic> => {
      if (!clinic) throw new Error(`no clinic in ${db.url}: pass integrationTest({ clinic: { secret } })`);
      return clinic;
    })
    .extend('twilio', { scope: 'file' }, async ({}, { onCleanup }): Promise<FakeTwilio> => {
      if (!options.twilio) throw new Error('no fake Twilio in this file: pass integrationTest({ twilio: true })');
      const twilio = await startFakeTwilio();
      onCleanup(() => twilio.close());
      return twilio;
    });
  const withServer = options.twilio
    ? base.extend('server', { scope: 'file' }, async ({ db, twilio }, { onCleanup }): Promise<RunningServer> => {
        const { env, now, logStream, secretsKey = SecretBox.generateKey() } = options;
        const server = await startServerWithTwilio(db.sql, twilio, { secretsKey, env, now, logStream });
        onCleanup(() => server.close());
        return server;
      })
    : base.extend('server', { scope: 'file' }, async ({ db }, { onCleanup }): Promise<RunningServer> => {
        const { env, now, logStream } = options;
        const server = await startServer(db.sql, { env, now, logStream });
        onCleanup(() => server.close());
        return server;
      });
  return withServer.extend(
    'vapi',
    { scope: 'file' },
    async ({ server, clinic }): Promise<VapiClient> => vapiClient(server.url, clinic.slug, clinic.secret),
  );
}

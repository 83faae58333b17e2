import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { signInLink } from './dashboard/link.ts';
import { dashboardTokens } from './dashboard/tokens.ts';
import { connect } from './db/client.ts';
import { startEmbeddedPostgres } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { dataDirOf } from './data-dir.ts';
import { openSecretBox } from './security/secrets-key.ts';
import { ensureDemoClinic } from './tenants/demo-clinic.ts';

let stopEmbedded: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = dataDirOf(config);

  const secrets = await openSecretBox(config, dataDir);
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(dataDir);
  stopEmbedded = embedded?.stop;
  const sql = connect(config.DATABASE_URL ?? embedded!.url, { max: config.DB_POOL_SIZE });
  await migrate(sql);
  const demo = config.SEED_DEMO
    ? await ensureDemoClinic(sql, { dataDir, secret: config.DEMO_VAPI_SECRET, ownerPhone: config.DEMO_OWNER_PHONE })
    : undefined;

  const app = await buildApp({ config, sql, secrets });
  await app.listen({ port: config.PORT, host: config.HOST });

  const base = config.PUBLIC_URL ?? `http://localhost:${(app.server.address() as { port: number }).port}`;
  const lines = [
    '',
    `Slotkeeper is listening on ${base}`,
    `  database: ${embedded ? `embedded PostgreSQL, data in ${dataDir}/pgdata` : 'DATABASE_URL'}`,
    `  sms: ${config.TWILIO_ACCOUNT_SID ? 'Twilio (TWILIO_*; a clinic may have its own account)' : 'no Twilio account set (TWILIO_*): clinics without their own get a simulated phone, printed here'}`,
  ];
  if (demo) {
    const secret = demo.secret ?? '<the secret shown when the demo clinic was created>';
    lines.push(
      `  demo clinic webhook: ${base}/vapi/${demo.slug}`,
      `  demo clinic secret:  ${secret}`,
      `  demo dashboard:      ${signInLink(base, dashboardTokens(config, secrets), demo.tenantId, Date.now())}`,
      '',
      '  Ask for free times:',
      `  curl -s ${base}/vapi/${demo.slug} -H 'Authorization: Bearer ${secret}' -H 'Content-Type: application/json' \\`,
      `    -d '{"message":{"type":"tool-calls","call":{"id":"demo-call","customer":{"number":"+16172531000"}},"toolCallList":[{"id":"tc1","type":"function","function":{"name":"check_availability","arguments":{"date":"tomorrow"}}}]}}'`,
    );
  }
  console.log(lines.join('\n') + '\n');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await sql.end({ timeout: 5 });
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch(async (err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  await stopEmbedded?.().catch(() => {});
  process.exit(1);
});

// npm run dashboard-link -- <clinic slug> [hours]: prints a sign-in link for that clinic's dashboard.
import { loadConfig } from '../config.ts';
import { dataDirOf } from '../data-dir.ts';
import { openSecretBox } from '../security/secrets-key.ts';
import { connect } from '../db/client.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { findTenantBySlug } from '../db/queries/tenants.ts';
import { LINK_DEFAULT_HOURS, signInLink } from './link.ts';
import { dashboardTokens } from './tokens.ts';

const [slug, hoursText] = process.argv.slice(2);
const hours = hoursText === undefined ? LINK_DEFAULT_HOURS : Number(hoursText);
if (!slug || !Number.isInteger(hours) || hours < 1 || hours > 24 * 90) {
  console.error('Usage: npm run dashboard-link -- <clinic slug> [hours, 1–2160, default 168]');
  process.exit(2);
}
const config = loadConfig();
const dataDir = dataDirOf(config);
// Without DATABASE_URL this opens the embedded database, so run it while the server is stopped.
const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(dataDir);
const sql = connect(config.DATABASE_URL ?? embedded!.url, { max: 1 });
try {
  const tenant = await findTenantBySlug(sql, slug);
  if (!tenant) {
    console.error(`There is no clinic "${slug}".`);
    process.exitCode = 1;
  } else {
    const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
    console.log(signInLink(base, dashboardTokens(config, await openSecretBox(config, dataDir)), tenant.id, Date.now(), hours));
  }
} finally {
  await sql.end();
  await embedded?.stop();
}

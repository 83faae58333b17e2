import { loadConfig } from '../config.ts';
import { connect } from './client.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { migrate } from './migrate.ts';

const config = loadConfig();
const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.DATA_DIR);
const sql = connect(config.DATABASE_URL ?? embedded!.url, { max: 1 });
try {
  const applied = await migrate(sql);
  console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date.');
} finally {
  await sql.end();
  await embedded?.stop();
}

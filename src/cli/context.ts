import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config.ts';
import { dataDirOf } from '../data-dir.ts';
import { connect, type Sql } from '../db/client.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { keyFingerprints, readRuntime, runtimeFile, type ServerRuntime } from '../runtime-file.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { openSecretBox } from '../security/secrets-key.ts';

/** A command that cannot be done as asked or here; its message says what to do instead (exit code 1). */
export class CliError extends Error {}

/**
 * Where a command finds the database, the keys and the server. With DATABASE_URL set it uses that, like the server
 * does. Without it, it uses the server running from the same data folder (its `server.json`: the embedded database's
 * URL and fingerprints of its keys), so every command works beside `npm start` with no environment; with no server
 * running it opens the embedded database itself for the length of the command.
 */
export class CliContext {
  readonly config: Config;
  readonly dataDir: string;
  /** The server beside us, when the database is not named by DATABASE_URL. */
  readonly server: ServerRuntime | undefined;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly note: (line: string) => void,
  ) {
    this.config = loadConfig(env);
    this.dataDir = dataDirOf(this.config);
    this.server = this.config.DATABASE_URL ? undefined : readRuntime(this.dataDir);
  }

  private get serverName(): string {
    return `the Slotkeeper server running from ${this.dataDir} (pid ${this.server!.pid}, ${this.server!.url})`;
  }

  /** `migrate` may create the embedded database; every other command needs one that exists. */
  async withDatabase<T>(fn: (sql: Sql) => Promise<T>, opts: { mayCreate?: boolean } = {}): Promise<T> {
    const { url, stop } = await this.database(opts.mayCreate ?? false);
    const sql = connect(url, { max: 2 });
    try {
      return await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
      await stop?.();
    }
  }

  private async database(mayCreate: boolean): Promise<{ url: string; stop?: () => Promise<void> }> {
    if (this.config.DATABASE_URL) return { url: this.config.DATABASE_URL };
    if (this.server) {
      if (this.server.databaseUrl) return { url: this.server.databaseUrl };
      throw new CliError(
        `${capital(this.serverName)} uses the DATABASE_URL of its environment: set the same DATABASE_URL for this command.`,
      );
    }
    const pgdata = join(this.dataDir, 'pgdata');
    if (!mayCreate && !existsSync(join(pgdata, 'PG_VERSION'))) {
      throw new CliError(
        `No database here: DATABASE_URL is not set, no Slotkeeper server is running from ${this.dataDir}, and it holds no embedded database yet. ` +
          'Start the server (npm start) and run this again beside it, or set DATABASE_URL to the PostgreSQL the server uses.',
      );
    }
    if (existsSync(join(pgdata, 'postmaster.pid'))) {
      throw new CliError(
        `The embedded database in ${pgdata} is in use, but no running server recorded itself in ${runtimeFile(this.dataDir)}. ` +
          'Stop the process using it (or wait for the server to finish starting) and run this again, or set DATABASE_URL.',
      );
    }
    this.note(`No server is running from ${this.dataDir}; starting its embedded database for this command.`);
    return startEmbeddedPostgres(this.dataDir);
  }

  /** The key box the server uses; refuses a different one, which would seal secrets the server cannot open. */
  async secrets(): Promise<SecretBox> {
    const server = this.server;
    if (server && !this.config.SECRETS_KEY && !existsSync(join(this.dataDir, 'secrets-key'))) {
      throw new CliError(
        `${capital(this.serverName)} takes SECRETS_KEY from its environment: set the same SECRETS_KEY for this command.`,
      );
    }
    const box = await openSecretBox(this.config, this.dataDir);
    if (server) {
      const mine = keyFingerprints(this.config, box);
      if (mine.secrets !== server.keys.secrets) {
        throw new CliError(
          `This command's SECRETS_KEY is not the one ${this.serverName} uses: run it with the server's SECRETS_KEY (or none, if the server has none).`,
        );
      }
      if (mine.dashboard !== server.keys.dashboard) {
        throw new CliError(
          `This command's DASHBOARD_SIGNING_KEY is not the one ${this.serverName} uses: run it with the server's DASHBOARD_SIGNING_KEY (or none, if the server has none).`,
        );
      }
    }
    return box;
  }

  /** How this command reaches the server: --url, else the running server's record, else PUBLIC_URL. */
  serverUrl(given: string | undefined): string {
    const url = given ?? this.server?.url ?? this.config.PUBLIC_URL;
    if (url) return url.replace(/\/+$/, '');
    throw new CliError(
      `No Slotkeeper server is running from ${this.dataDir}: start one (npm start) and run this again beside it, or name a server with --url.`,
    );
  }

  /** How the world names the server: PUBLIC_URL, else what the running server calls itself, else the default port. */
  publicUrl(): string {
    return (this.config.PUBLIC_URL ?? this.server?.publicUrl ?? `http://localhost:${this.config.PORT}`).replace(
      /\/+$/,
      '',
    );
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

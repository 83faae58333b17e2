import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What a running server writes into its data folder so that the CLI, started beside it with no environment, reaches
 * the same server and database and uses the same keys. Owner-only: it may hold the embedded database's password,
 * which sits in the same folder anyway (pg-password).
 */
export const ServerRuntime = z.object({
  pid: z.number().int().positive(),
  /** How a process on this machine reaches the server. */
  url: z.string(),
  /** How the server names itself to the outside (PUBLIC_URL, or its local address). */
  publicUrl: z.string(),
  /** Only for the embedded database: a DATABASE_URL of the environment is not copied to disk. */
  databaseUrl: z.string().optional(),
  /** Fingerprints, never the values: the CLI compares its own keys with the server's. */
  keys: z.object({ secrets: z.string(), dashboard: z.string() }),
  startedAt: z.string(),
});
export type ServerRuntime = z.infer<typeof ServerRuntime>;

const FILE = 'server.json';

export const runtimeFile = (dataDir: string) => join(dataDir, FILE);

/** A short, one-way fingerprint of a key, enough to tell two keys apart and useless to rebuild one. */
export const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 16);

export function writeRuntime(dataDir: string, runtime: ServerRuntime): void {
  writeFileSync(runtimeFile(dataDir), `${JSON.stringify(runtime, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the file only if it is still this process's: a second server may have taken the folder over. */
export function removeRuntime(dataDir: string, pid = process.pid): void {
  if (readRuntime(dataDir)?.pid === pid) rmSync(runtimeFile(dataDir), { force: true });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The running server's record; undefined when none was written or its process is gone (a crash leaves the file). */
export function readRuntime(dataDir: string): ServerRuntime | undefined {
  const path = runtimeFile(dataDir);
  if (!existsSync(path)) return undefined;
  let parsed: ServerRuntime;
  try {
    parsed = ServerRuntime.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
  return alive(parsed.pid) ? parsed : undefined;
}

/** The fingerprints of the keys a process would use: the server records its own, the CLI checks its against them. */
export function keyFingerprints(
  config: { DASHBOARD_SIGNING_KEY?: string },
  secrets: { derive(purpose: string): Buffer },
): ServerRuntime['keys'] {
  return {
    secrets: fingerprint(secrets.derive('runtime-fingerprint').toString('hex')),
    dashboard: fingerprint(config.DASHBOARD_SIGNING_KEY ?? secrets.derive('dashboard-signing').toString('hex')),
  };
}

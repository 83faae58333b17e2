import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** DATA_DIR, relative to the project unless absolute. */
export const dataDirOf = (config: Config): string =>
  isAbsolute(config.DATA_DIR) ? config.DATA_DIR : resolve(PROJECT_ROOT, config.DATA_DIR);

/** A small secret kept in the data folder: read if there, else created once (owner-only) and kept. */
export async function readOrCreateFile(path: string, create: () => string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  await mkdir(dirname(path), { recursive: true });
  const value = create();
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  return value;
}

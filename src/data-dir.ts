import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A small secret kept in the data folder: read if there, else created once (owner-only) and kept. */
export async function readOrCreateFile(path: string, create: () => string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  await mkdir(dirname(path), { recursive: true });
  const value = create();
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  return value;
}

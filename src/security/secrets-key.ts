import { join } from 'node:path';
import type { Config } from '../config.ts';
import { readOrCreateFile } from '../data-dir.ts';
import { SecretBox } from './secret-box.ts';

/** SECRETS_KEY, or without it a key generated once and kept beside the data; production sets its own. */
export async function openSecretBox(config: Config, dataDir: string): Promise<SecretBox> {
  return SecretBox.fromString(
    config.SECRETS_KEY ?? (await readOrCreateFile(join(dataDir, 'secrets-key'), SecretBox.generateKey)),
  );
}

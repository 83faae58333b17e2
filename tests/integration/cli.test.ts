// The CLI against a real database: create a clinic, issue a key that the API accepts, export the Vapi tools.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { SecretBox } from '../../src/security/secret-box.ts';
import { vapiToolDefinitions } from '../../src/vapi/tool-export.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { apiClient } from '../helpers/admin.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db.sql);
  process.env.DATABASE_URL = db.url;
  process.env.SECRETS_KEY = 'ab'.repeat(32);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const cli = async (...argv: string[]) => {
  const out: string[] = [];
  await run(argv, (t) => out.push(t));
  return out.join('\n');
};

describe('slotkeeper CLI', () => {
  it('creates a clinic whose secret opens its webhook, and a key that opens its API', async () => {
    const created = JSON.parse(
      await cli(
        'tenant:create',
        '--slug',
        'cli-clinic',
        '--name',
        'CLI Clinic',
        '--zone',
        'Europe/Berlin',
        '--country',
        'DE',
      ),
    );
    expect(created).toMatchObject({ slug: 'cli-clinic', webhookPath: '/vapi/cli-clinic' });
    expect(
      (await vapiClient(server.url, 'cli-clinic', created.vapiSecret).post({ message: { type: 'hang' } })).status,
    ).toBe(200);
    const issued = JSON.parse(await cli('key:issue', '--tenant', 'cli-clinic', '--scopes', 'read', '--label', 'cli'));
    expect(issued.scopes).toEqual(['read']);
    const settings = await apiClient(server.url, issued.key)('GET', '/settings');
    expect(settings.json).toMatchObject({ slug: 'cli-clinic', timeZone: 'Europe/Berlin' });
  });

  it('refuses bad input with a usage message and writes nothing', async () => {
    await expect(cli('key:issue', '--tenant', 'no-such-clinic')).rejects.toThrow(
      'There is no clinic with the slug "no-such-clinic".',
    );
    await expect(cli('tools:export', '--tenant', 'no-such-clinic', '--url', 'https://sk.example.com')).rejects.toThrow(
      /There is no clinic/,
    );
    await expect(cli('dashboard-link', 'no-such-clinic')).rejects.toThrow(/There is no clinic/);
    await expect(cli('dashboard-link', 'cli-clinic', '0')).rejects.toThrow(/hours must be a whole number/);
    await expect(cli('key:issue', '--tenant', 'cli-clinic', '--scope', 'read')).rejects.toThrow(
      /Unknown option '--scope'/,
    );
    await expect(cli('key:issue', '--tenant', 'cli-clinic', '--scopes', 'root')).rejects.toThrow(/Unknown scope root/);
    await expect(cli('tenant:create', '--slug', 'x')).rejects.toThrow(/--name is required/);
    await expect(cli('tools:export', '--tenant', 'x', '--url', 'ftp://x')).rejects.toThrow(/--url/);
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from tenant_api_keys`;
    expect(row!.n).toBe(1);
  });

  it('re-seals every stored secret after a SECRETS_KEY rotation, so the old key can go', async () => {
    const oldKey = process.env.SECRETS_KEY!;
    const newKey = 'cd'.repeat(32);
    const created = JSON.parse(
      await cli('tenant:create', '--slug', 'rotating', '--name', 'Rotating', '--zone', 'UTC', '--country', 'US'),
    );
    process.env.SECRETS_KEY = `${newKey},${oldKey}`;
    try {
      const first = JSON.parse(await cli('secrets:reseal'));
      expect(first.resealed).toBeGreaterThanOrEqual(2);
      expect(JSON.parse(await cli('secrets:reseal')).resealed).toBe(0);
      const [row] = await db.sql<
        { sealed: string }[]
      >`select vapi_secret_sealed as sealed from tenants where slug = 'rotating'`;
      expect(SecretBox.fromString(newKey).open(row!.sealed)).toBe(created.vapiSecret);
      expect(() => SecretBox.fromString(oldKey).open(row!.sealed)).toThrow(/not in SECRETS_KEY/);
    } finally {
      process.env.SECRETS_KEY = oldKey;
    }
  });

  it('exports the tool definitions and the prompt, through the bin launcher too', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      'bin/slotkeeper.js',
      'tools:export',
      '--tenant',
      'cli-clinic',
      '--url',
      'https://sk.example.com/',
      '--credential-id',
      'cred_9',
    ]);
    const exported = JSON.parse(stdout);
    expect(exported.webhookUrl).toBe('https://sk.example.com/vapi/cli-clinic');
    expect(exported.tools).toEqual(
      vapiToolDefinitions({ webhookUrl: 'https://sk.example.com/vapi/cli-clinic', credentialId: 'cred_9' }),
    );
    expect(exported.systemPrompt).toContain('{{today}}');
    for (const t of exported.tools) expect(exported.systemPrompt).toContain(t.function.name);
  });
});

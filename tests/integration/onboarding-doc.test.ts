// docs/onboarding.md, run as written: every `sh` block in order, in one shell, against a real server (only the example
// host is replaced by the test's). The blocks marked `sh vapi` talk to Vapi itself and are skipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { ADMIN_TOKEN } from '../helpers/admin.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { bareEnv, freshProject, ROOT, runIn } from '../helpers/fresh-project.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

const SECRETS_KEY = 'ef'.repeat(32);
const project = freshProject({ mode: 0o755 });
let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = await createTestDatabase();
  const port = await freePort();
  server = await startServer(db.sql, {
    port,
    env: { ADMIN_TOKEN, SECRETS_KEY, PUBLIC_URL: `http://127.0.0.1:${port}` },
  });
});
afterAll(async () => {
  await server.close();
  await db.drop();
  project.remove();
});

describe('docs/onboarding.md', () => {
  it('takes a new clinic from nothing to a booked simulated call, every command as documented', async () => {
    const doc = readFileSync(join(ROOT, 'docs/onboarding.md'), 'utf8');
    const blocks = [...doc.matchAll(/```(sh[^\n]*)\n([\s\S]*?)```/g)];
    const run = blocks.filter(([, info]) => info!.trim() === 'sh').map(([, , body]) => body!);
    expect(blocks.filter(([, info]) => info!.trim() !== 'sh').map(([, info]) => info!.trim())).toEqual(['sh vapi']);
    const script = ['set -euo pipefail', ...run].join('\n').replaceAll('https://slotkeeper.example.com', server.url);

    // The server's environment (step 1), which the CLI commands on the server share; and the ids Vapi would show.
    const result = await runIn(
      project.dir,
      'bash',
      ['-c', script],
      bareEnv({
        ADMIN_TOKEN,
        SECRETS_KEY,
        DATABASE_URL: db.url,
        PUBLIC_URL: server.url,
        CREDENTIAL_ID: 'cred_onboarding',
        ASSISTANT_ID: 'asst_onboarding',
      }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const out = result.stdout;
    expect(out).toContain(`"webhookUrl":"${server.url}/vapi/praxis-mitte"`);
    expect(out).toMatch(new RegExp(`${server.url}/dashboard/signin\\?token=`));
    expect(out).toContain(`${server.url}/vapi/praxis-mitte\ncheck_availability\n`);
    expect(out).toMatch(/assistant says: "You're booked for consultation with Dr\. Anna Weber .*"\s+\(booked\)/);
    expect(out).toMatch(/^simulated-\S+ ended$/m);

    const [tenant] = await db.sql`
      select t.vapi_credential_id, t.vapi_assistant_id, t.owner_alert_phone, t.min_notice_minutes,
             (select count(*)::int from tenant_phone_numbers n where n.tenant_id = t.id and n.e164 = '+493012345678') as numbers,
             (select count(*)::int from provider_services ps where ps.tenant_id = t.id) as links,
             (select count(*)::int from weekly_hours h where h.tenant_id = t.id) as hours,
             (select count(*)::int from bookings b where b.tenant_id = t.id and b.status = 'confirmed') as booked
        from tenants t where t.slug = 'praxis-mitte'`;
    expect(tenant).toEqual({
      vapiCredentialId: 'cred_onboarding',
      vapiAssistantId: 'asst_onboarding',
      ownerAlertPhone: '+4915112345678',
      minNoticeMinutes: 120,
      numbers: 1,
      links: 1,
      hours: 5,
      booked: 1,
    });
    // The exported tools carry the saved credential.
    const exported = JSON.parse(readFileSync(join(project.dir, 'praxis-mitte.json'), 'utf8'));
    expect(JSON.stringify(exported.tools)).toContain('cred_onboarding');
  }, 180_000);
});

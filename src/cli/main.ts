import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { connect, type Sql } from '../db/client.ts';
import { insertApiKey } from '../db/queries/api-keys.ts';
import { findTenantBySlug } from '../db/queries/tenants.ts';
import { dataDirOf } from '../data-dir.ts';
import { generateApiKey } from '../security/api-keys.ts';
import { resealSecrets } from '../security/reseal.ts';
import { openSecretBox } from '../security/secrets-key.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { firstMessage, recommendedSystemPrompt } from '../vapi/prompt.ts';
import { INSPECTOR_DEFAULT_URL, inspectReplay } from './inspect-replay.ts';
import { vapiToolDefinitions } from '../vapi/tool-export.ts';
import { API_KEY_SCOPES, type ApiKeyScope } from '../domain/api-key.ts';

export const USAGE = `Usage: slotkeeper <command> [options]   (npm run cli -- <command> …)

  tenant:create --slug berlin-mitte --name "Praxis Mitte" --zone Europe/Berlin --country DE
                Creates a clinic; prints its id, webhook path and Vapi secret (shown once). Needs DATABASE_URL.
  key:issue     --tenant berlin-mitte [--scopes read,write,secrets] [--label "front desk"]
                Issues an admin API key for the clinic (shown once). Needs DATABASE_URL.
  tools:export  --tenant berlin-mitte --url https://slotkeeper.example.com [--credential-id <Vapi credential id>]
                Prints the clinic's Vapi tool definitions, the recommended system prompt and first message as JSON.
  prompt        Prints the recommended system prompt.
  inspect:replay --call <Vapi call id> [--tenant berlin-mitte] [--url ws://localhost:8080]
                Replays a stored call into the Stately inspector's WebSocket server. Needs DATABASE_URL.
  secrets:reseal
                After putting a new key first in SECRETS_KEY: re-seals every stored secret with it, so the old key
                can be removed. Needs DATABASE_URL.`;

export class UsageError extends Error {}

const need = (values: Record<string, string | undefined>, name: string): string => {
  const v = values[name];
  if (!v) throw new UsageError(`--${name} is required.`);
  return v;
};

async function withDatabase<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new UsageError('Set DATABASE_URL to the PostgreSQL the server uses.');
  const sql = connect(config.DATABASE_URL, { max: 2 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function run(argv: string[], print: (text: string) => void): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      zone: { type: 'string' },
      country: { type: 'string' },
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      label: { type: 'string' },
      url: { type: 'string' },
      'credential-id': { type: 'string' },
      call: { type: 'string' },
    },
  });
  switch (command) {
    case 'tenant:create': {
      const config = loadConfig();
      const secrets = await openSecretBox(config, dataDirOf(config));
      const { tenant, vapiSecret } = await withDatabase((sql) =>
        createTenant(sql, secrets, { slug: need(values, 'slug'), name: need(values, 'name'), timeZone: need(values, 'zone'), country: need(values, 'country') }),
      );
      print(JSON.stringify({ id: tenant.id, slug: tenant.slug, webhookPath: `/vapi/${tenant.slug}`, vapiSecret }, null, 2));
      return;
    }
    case 'key:issue': {
      const slug = need(values, 'tenant');
      const scopes = (values.scopes?.split(',').map((s) => s.trim()) ?? [...API_KEY_SCOPES]) as ApiKeyScope[];
      const unknown = scopes.filter((s) => !API_KEY_SCOPES.includes(s));
      if (unknown.length) throw new UsageError(`Unknown scope ${unknown.join(', ')}; use ${API_KEY_SCOPES.join(', ')}.`);
      const issued = await withDatabase(async (sql) => {
        const tenant = await findTenantBySlug(sql, slug);
        if (!tenant) throw new UsageError(`No clinic with slug "${slug}".`);
        const k = generateApiKey();
        const row = await insertApiKey(sql, { tenantId: tenant.id, prefix: k.prefix, sha256: k.sha256, label: values.label ?? null, scopes });
        return { key: k.key, id: row.id, prefix: row.prefix, scopes: row.scopes };
      });
      print(JSON.stringify(issued, null, 2));
      return;
    }
    case 'tools:export': {
      const slug = need(values, 'tenant');
      const base = need(values, 'url').replace(/\/+$/, '');
      if (!/^https?:\/\//.test(base)) throw new UsageError('--url must start with https:// (or http:// for a local test).');
      const webhookUrl = `${base}/vapi/${slug}`;
      const tools = vapiToolDefinitions({ webhookUrl, credentialId: values['credential-id'] });
      print(JSON.stringify({ webhookUrl, tools, systemPrompt: recommendedSystemPrompt(), firstMessage: firstMessage('{{clinic_name}}') }, null, 2));
      return;
    }
    case 'secrets:reseal': {
      const config = loadConfig();
      const box = await openSecretBox(config, dataDirOf(config));
      const changed = await withDatabase((sql) => resealSecrets(sql, box));
      print(JSON.stringify({ resealed: changed }));
      return;
    }
    case 'inspect:replay':
      print(JSON.stringify(await withDatabase((sql) => inspectReplay(sql, { call: need(values, 'call'), tenant: values.tenant, url: values.url ?? INSPECTOR_DEFAULT_URL }))));
      return;
    case 'prompt':
      print(recommendedSystemPrompt());
      return;
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'Give a command.');
  }
}

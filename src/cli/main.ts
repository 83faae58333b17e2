import { type ParseArgsConfig, parseArgs } from 'node:util';
import { LINK_DEFAULT_HOURS, LINK_MAX_HOURS, signInLink } from '../dashboard/link.ts';
import { dashboardTokens } from '../dashboard/tokens.ts';
import type { Sql } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { insertApiKey } from '../db/queries/api-keys.ts';
import { findTenantBySlug } from '../db/queries/tenants.ts';
import { API_KEY_SCOPES, type ApiKeyScope } from '../domain/api-key.ts';
import type { Tenant } from '../domain/tenant.ts';
import { generateApiKey } from '../security/api-keys.ts';
import { resealSecrets } from '../security/reseal.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { firstMessage, recommendedSystemPrompt } from '../vapi/prompt.ts';
import { vapiToolDefinitions } from '../vapi/tool-export.ts';
import { CliContext, CliError } from './context.ts';
import { INSPECTOR_DEFAULT_URL, inspectReplay } from './inspect-replay.ts';
import { simulateCall } from './simulate-call.ts';

/** Wrong use of the CLI: the message and the command's usage are printed (exit code 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}
export { CliError };

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Io {
  /** The command's answer (stdout). */
  print(text: string): void;
  /** Progress and notes (stderr), so the answer stays machine-readable. */
  note(text: string): void;
  env: NodeJS.ProcessEnv;
}

interface Command {
  usage: string;
  summary: string;
  /** What else to know, after the usage line. */
  details: string;
  options: Options;
  positionals?: { min: number; max: number };
  run(args: { values: Values; positionals: string[] }, io: Io): Promise<void>;
}

const string = { type: 'string' } as const;

const need = (values: Values, name: string, command: string): string => {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required.`, command);
  return v;
};

const context = (io: Io) => new CliContext(io.env, io.note);

async function clinic(sql: Sql, slug: string): Promise<Tenant> {
  const tenant = await findTenantBySlug(sql, slug);
  if (!tenant) throw new CliError(`There is no clinic with the slug "${slug}".`);
  return tenant;
}

const commands: Record<string, Command> = {
  'tenant:create': {
    usage: 'tenant:create --slug <slug> --name <name> --zone <IANA zone> --country <two letters>',
    summary: 'Create a clinic; prints its id, webhook path and Vapi secret (shown once).',
    details: 'Example: tenant:create --slug praxis-mitte --name "Praxis Mitte" --zone Europe/Berlin --country DE',
    options: { slug: string, name: string, zone: string, country: string },
    async run({ values }, io) {
      const c = 'tenant:create';
      const input = {
        slug: need(values, 'slug', c),
        name: need(values, 'name', c),
        timeZone: need(values, 'zone', c),
        country: need(values, 'country', c),
      };
      const ctx = context(io);
      const secrets = await ctx.secrets();
      const { tenant, vapiSecret } = await ctx.withDatabase((sql) => createTenant(sql, secrets, input));
      io.print(
        JSON.stringify(
          {
            id: tenant.id,
            slug: tenant.slug,
            webhookPath: `/vapi/${tenant.slug}`,
            webhookUrl: `${ctx.publicUrl()}/vapi/${tenant.slug}`,
            vapiSecret,
          },
          null,
          2,
        ),
      );
    },
  },
  'key:issue': {
    usage: 'key:issue --tenant <slug> [--scopes read,write,secrets] [--label <text>]',
    summary: 'Issue an admin API key for a clinic (shown once).',
    details: `Scopes: ${API_KEY_SCOPES.join(', ')} (default: all). The key opens /api/v1 for this clinic and signs in to its dashboard.`,
    options: { tenant: string, scopes: string, label: string },
    async run({ values }, io) {
      const slug = need(values, 'tenant', 'key:issue');
      const scopes = (
        typeof values.scopes === 'string' ? values.scopes.split(',').map((s) => s.trim()) : [...API_KEY_SCOPES]
      ) as ApiKeyScope[];
      const unknown = scopes.filter((s) => !API_KEY_SCOPES.includes(s));
      if (unknown.length)
        throw new UsageError(`Unknown scope ${unknown.join(', ')}; use ${API_KEY_SCOPES.join(', ')}.`, 'key:issue');
      const issued = await context(io).withDatabase(async (sql) => {
        const tenant = await clinic(sql, slug);
        const k = generateApiKey();
        const row = await insertApiKey(sql, {
          tenantId: tenant.id,
          prefix: k.prefix,
          sha256: k.sha256,
          label: typeof values.label === 'string' ? values.label : null,
          scopes,
        });
        return { key: k.key, id: row.id, prefix: row.prefix, scopes: row.scopes };
      });
      io.print(JSON.stringify(issued, null, 2));
    },
  },
  'tools:export': {
    usage: 'tools:export --tenant <slug> [--url https://slotkeeper.example.com] [--credential-id <Vapi credential id>]',
    summary: "Print the clinic's Vapi tool definitions, the recommended system prompt and first message as JSON.",
    details:
      "--url defaults to PUBLIC_URL (or the running server's address); --credential-id to the clinic's saved vapiCredentialId.\n" +
      'Vapi can only reach an https:// URL; http:// is for a local test.',
    options: { tenant: string, url: string, 'credential-id': string },
    async run({ values }, io) {
      const slug = need(values, 'tenant', 'tools:export');
      const ctx = context(io);
      const base = (typeof values.url === 'string' ? values.url : ctx.publicUrl()).replace(/\/+$/, '');
      if (!/^https?:\/\/[^/]/.test(base))
        throw new UsageError('--url must start with https:// (or http:// for a local test).', 'tools:export');
      const tenant = await ctx.withDatabase((sql) => clinic(sql, slug));
      const webhookUrl = `${base}/vapi/${tenant.slug}`;
      const credentialId =
        typeof values['credential-id'] === 'string' ? values['credential-id'] : (tenant.vapiCredentialId ?? undefined);
      const tools = vapiToolDefinitions({ webhookUrl, credentialId });
      io.print(
        JSON.stringify(
          { webhookUrl, tools, systemPrompt: recommendedSystemPrompt(), firstMessage: firstMessage('{{clinic_name}}') },
          null,
          2,
        ),
      );
    },
  },
  'dashboard-link': {
    usage: `dashboard-link <clinic slug> [hours]`,
    summary: "Print a sign-in link for a clinic's dashboard.",
    details: `hours: 1–${LINK_MAX_HOURS}, default ${LINK_DEFAULT_HOURS} (7 days). The link is reusable until it expires; the admin API hands out the same links (POST /api/v1/dashboard-links).`,
    options: {},
    positionals: { min: 1, max: 2 },
    async run({ positionals: [slug, hoursText] }, io) {
      const hours = hoursText === undefined ? LINK_DEFAULT_HOURS : Number(hoursText);
      if (!Number.isInteger(hours) || hours < 1 || hours > LINK_MAX_HOURS)
        throw new UsageError(`hours must be a whole number from 1 to ${LINK_MAX_HOURS}.`, 'dashboard-link');
      const ctx = context(io);
      const secrets = await ctx.secrets();
      const tenant = await ctx.withDatabase((sql) => clinic(sql, slug!));
      io.print(signInLink(ctx.publicUrl(), dashboardTokens(ctx.config, secrets), tenant.id, Date.now(), hours));
    },
  },
  'simulate-call': {
    usage:
      'simulate-call <clinic slug> [--phone +E164] [--date <day>] [--name <patient>] [--url <server>] [--secret <webhook secret>]',
    summary:
      'Play a whole call against the running server, as Vapi would: free times, hold, text code, booking, end of call.',
    details:
      'Prints each tool call and the sentence the assistant would say. The code is read from the SMS outbox, so it works with\n' +
      'the simulated phone and with Twilio alike (with a real Twilio account, --phone should be a phone you own).\n' +
      "--secret defaults to the clinic's stored secret (readable for clinics made by this version, and the demo clinic);\n" +
      '--url to the server running beside this command, else PUBLIC_URL; --date (e.g. "next monday", 2026-12-14) to the first free time.',
    options: { phone: string, date: string, name: string, url: string, secret: string },
    positionals: { min: 1, max: 1 },
    async run({ values, positionals: [slug] }, io) {
      const opt = (n: string) => (typeof values[n] === 'string' ? (values[n] as string) : undefined);
      const phone = opt('phone') ?? '+12025550143';
      if (!/^\+[1-9][0-9]{6,14}$/.test(phone))
        throw new UsageError('--phone must be an E.164 number like +12025550143.', 'simulate-call');
      await simulateCall(context(io), io, {
        slug: slug!,
        phone,
        date: opt('date'),
        patientName: opt('name') ?? 'Sam Sample',
        url: opt('url'),
        secret: opt('secret'),
      });
    },
  },
  migrate: {
    usage: 'migrate',
    summary: 'Apply the migrations not yet applied (the server does this at every start too).',
    details:
      "Uses DATABASE_URL, else the running server's database, else the embedded one in the data folder (created if need be).",
    options: {},
    async run(_args, io) {
      const applied = await context(io).withDatabase((sql) => migrate(sql), { mayCreate: true });
      io.print(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date.');
    },
  },
  'secrets:reseal': {
    usage: 'secrets:reseal',
    summary:
      'After putting a new key first in SECRETS_KEY: re-seal every stored secret with it, so the old key can go.',
    details: 'Run it with the new SECRETS_KEY (new first, old after it), then drop the old key and restart.',
    options: {},
    async run(_args, io) {
      const ctx = context(io);
      const box = await ctx.secrets();
      io.print(JSON.stringify({ resealed: await ctx.withDatabase((sql) => resealSecrets(sql, box)) }));
    },
  },
  'inspect:replay': {
    usage: 'inspect:replay --call <Vapi call id> [--tenant <slug>] [--url ws://localhost:8080]',
    summary: "Replay a stored call into the Stately inspector's WebSocket server, step by step (docs/dashboard.md).",
    details: 'Runs no effect: the recorded results answer the machine. Phone numbers are masked.',
    options: { call: string, tenant: string, url: string },
    async run({ values }, io) {
      const o = {
        call: need(values, 'call', 'inspect:replay'),
        tenant: values.tenant as string | undefined,
        url: (values.url as string | undefined) ?? INSPECTOR_DEFAULT_URL,
      };
      io.print(JSON.stringify(await context(io).withDatabase((sql) => inspectReplay(sql, o))));
    },
  },
  prompt: {
    usage: 'prompt',
    summary: 'Print the recommended system prompt.',
    details: 'Its {{placeholders}} are filled in by Vapi from the variables assistant-request sends.',
    options: {},
    async run(_args, io) {
      io.print(recommendedSystemPrompt());
    },
  },
};

const NAME = 'slotkeeper';

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length)) + 2;
  return [
    `Usage: ${NAME} <command> [options]     (npx ${NAME} …, or npm run cli -- …)`,
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}This list; help <command> for one command.`,
    '',
    'Beside a running server (npm start) no environment is needed: the server records in its data folder how to reach it',
    'and its database. Otherwise set DATABASE_URL (and SECRETS_KEY) as for the server. Exit codes: 0 done, 1 failed, 2 wrong use.',
  ].join('\n');
}

export function commandHelp(name: string): string {
  const c = commands[name];
  if (!c) throw new UsageError(`Unknown command "${name}".`);
  return `Usage: ${NAME} ${c.usage}\n\n${c.summary}\n${c.details}`;
}

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

/** Runs one command line; throws UsageError (exit 2) or CliError and others (exit 1). */
export async function run(
  argv: string[],
  print: (text: string) => void,
  io: Partial<Omit<Io, 'print'>> = {},
): Promise<void> {
  const full: Io = {
    print,
    note: io.note ?? ((line) => process.stderr.write(`${line}\n`)),
    env: io.env ?? process.env,
  };
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('Give a command.');
  if (name === 'help' || name === '--help' || name === '-h') {
    print(rest[0] ? commandHelp(rest[0]) : usage());
    return;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`Unknown command "${name}".`);
  if (wantsHelp(rest)) {
    print(commandHelp(name));
    return;
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: command.positionals !== undefined,
      strict: true,
    }) as typeof parsed;
  } catch (err) {
    throw new UsageError(
      `${(err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/\.?$/, '.')}`,
      name,
    );
  }
  const { min = 0, max = 0 } = command.positionals ?? {};
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new UsageError(
      parsed.positionals.length < min ? 'Missing arguments.' : `Unexpected argument "${parsed.positionals[max]}".`,
      name,
    );
  }
  await command.run(parsed, full);
}

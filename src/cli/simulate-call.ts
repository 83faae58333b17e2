import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from '../db/client.ts';
import { findTenantBySlug } from '../db/queries/tenants.ts';
import { sha256 } from '../domain/digest.ts';
import type { Tenant } from '../domain/tenant.ts';
import { DEMO_SLUG } from '../tenants/demo-clinic.ts';
import { type CliContext, CliError } from './context.ts';

export interface SimulateOptions {
  slug: string;
  phone: string;
  patientName: string;
  date?: string;
  url?: string;
  secret?: string;
}

interface Io {
  print(text: string): void;
}

/** One tool answer as the assistant reads it: Vapi's `result` (or `error`) string holds `status` and `say`. */
interface ToolAnswer {
  status: string;
  say: string;
  [k: string]: unknown;
}

const CODE_WAIT_MS = 15_000;

/**
 * A whole phone call played against a running server, as Vapi would send it: free times, hold, text code (read from
 * the SMS outbox, where the server wrote it, whether the simulated phone or Twilio then carried it), verify, the
 * confirmation text, the end-of-call report. Each step prints the tool call and the sentence the assistant would say.
 */
export async function simulateCall(ctx: CliContext, io: Io, o: SimulateOptions): Promise<void> {
  const base = ctx.serverUrl(o.url);
  await ctx.withDatabase(async (sql) => {
    const tenant = await findTenantBySlug(sql, o.slug);
    if (!tenant) throw new CliError(`There is no clinic with the slug "${o.slug}".`);
    const secret = await webhookSecret(ctx, tenant, o.secret);
    const callId = `simulated-${randomUUID()}`;
    const webhook = `${base}/vapi/${tenant.slug}`;
    const post = poster(webhook, tenant, secret);
    const envelope = (message: Record<string, unknown>) => ({
      message: {
        ...message,
        timestamp: Date.now(),
        call: { id: callId, type: 'inboundPhoneCall', customer: { number: o.phone } },
        customer: { number: o.phone },
      },
    });

    let n = 0;
    const tool = async (name: string, args: Record<string, unknown>): Promise<ToolAnswer> => {
      io.print(`\n→ ${name} ${JSON.stringify(args)}`);
      const toolCall = {
        id: `tc${++n}-${randomUUID().slice(0, 8)}`,
        type: 'function',
        function: { name, arguments: args },
      };
      const reply = await post(envelope({ type: 'tool-calls', toolCallList: [toolCall] }));
      const entry = (reply as { results?: { result?: string; error?: string }[] }).results?.[0];
      const line = entry?.result ?? entry?.error;
      if (typeof line !== 'string')
        throw new CliError(`The server's answer to ${name} has no result: ${JSON.stringify(reply).slice(0, 300)}`);
      const answer = JSON.parse(line) as ToolAnswer;
      io.print(`  assistant says: "${answer.say}"   (${answer.status})`);
      return answer;
    };
    const stop = (answer: ToolAnswer, what: string): never => {
      throw new CliError(`The call stopped: ${what} (status ${answer.status}).`);
    };

    io.print(`A simulated call to ${tenant.name} (${tenant.slug}) from ${o.phone}, call id ${callId}, on ${webhook}`);
    const free = await tool('check_availability', o.date ? { date: o.date } : {});
    const offered = (free.slots ?? free.alternatives) as
      | { start: string; provider: string; label: string }[]
      | undefined;
    const slot = offered?.[0];
    if (!slot) stop(free, 'no free time was offered');
    io.print(`  caller: "${slot!.label} please, with ${slot!.provider}."`);
    const held = await tool('reserve_slot', {
      start: slot!.start,
      provider: slot!.provider,
      patient_name: o.patientName,
    });
    if (held.status !== 'held') stop(held, 'the time was not held');

    let done = await tool('send_otp', {});
    if (done.status === 'sent') {
      const text = await waitForText(sql, tenant.id, callId, 'otp', ctx);
      io.print(`  phone ${o.phone} receives: "${text}"`);
      const code = text.match(new RegExp(`\\b(\\d{${tenant.otpLength}})\\b`))?.[1];
      if (!code) throw new CliError(`No ${tenant.otpLength}-digit code in the text message.`);
      io.print(`  caller reads out the code: ${code}`);
      done = await tool('verify_otp', { code });
    } else if (done.status === 'otp_not_required') {
      done = await tool('confirm_booking', {});
    }
    if (done.status !== 'booked') stop(done, 'the appointment was not booked');
    const confirmation = await waitForText(sql, tenant.id, callId, 'confirmation', ctx);
    io.print(`  phone ${o.phone} receives: "${confirmation}"`);

    io.print('\n→ end-of-call-report');
    await post(
      envelope({
        type: 'end-of-call-report',
        endedReason: 'customer-ended-call',
        analysis: { summary: `Simulated call: ${o.patientName} booked ${slot!.label}.`, successEvaluation: 'true' },
        artifact: { transcript: `AI: ${free.say}\nUser: ${slot!.label} please.\nAI: ${done.say}` },
      }),
    );
    const [call] = await sql<{ state: string; score: number | null; hot: boolean | null }[]>`
      select c.state, l.score, l.hot from calls c left join leads l on l.call_id = c.id
       where c.tenant_id = ${tenant.id} and c.vapi_call_id = ${callId}`;
    io.print(
      `  the call is ${call?.state ?? 'unknown'}${call?.score != null ? `; lead score ${call.score}${call.hot ? ' (hot: the owner is alerted)' : ''}` : ''}.`,
    );
    io.print(
      `\nDone. See it on the dashboard (npx slotkeeper dashboard-link ${tenant.slug}) or at GET /api/v1/calls/${callId}.`,
    );
  });
}

/** --secret, else the clinic's sealed secret, else the demo clinic's (DEMO_VAPI_SECRET or the data folder's file). */
async function webhookSecret(ctx: CliContext, tenant: Tenant, given: string | undefined): Promise<string> {
  const demoFile = join(ctx.dataDir, 'demo-vapi-secret');
  const secret =
    given ??
    (tenant.vapiSecretSealed ? (await ctx.secrets()).open(tenant.vapiSecretSealed) : undefined) ??
    (tenant.slug === DEMO_SLUG
      ? (ctx.config.DEMO_VAPI_SECRET ?? (existsSync(demoFile) ? readFileSync(demoFile, 'utf8').trim() : undefined))
      : undefined);
  if (!secret)
    throw new CliError(`The webhook secret of "${tenant.slug}" is stored only as a hash: pass it with --secret.`);
  if (!sha256(secret).equals(tenant.vapiSecretSha256))
    throw new CliError(`That is not the webhook secret of "${tenant.slug}".`);
  return secret;
}

/** Posts as Vapi does: the clinic's bearer secret, or an HMAC signature when the clinic asks for one. */
function poster(url: string, tenant: Tenant, secret: string) {
  return async (body: unknown): Promise<unknown> => {
    const raw = JSON.stringify(body);
    const timestamp = String(Date.now());
    const auth: Record<string, string> =
      tenant.webhookAuth === 'hmac'
        ? {
            'x-timestamp': timestamp,
            'x-signature': createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex'),
          }
        : { authorization: `Bearer ${secret}` };
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: raw });
    } catch (err) {
      throw new CliError(
        `Cannot reach ${url} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}): is the server running?`,
      );
    }
    const text = await res.text();
    if (!res.ok) throw new CliError(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  };
}

/** The newest text of this kind for the call, opened when sealed; waits while the server writes it. */
async function waitForText(sql: Sql, tenantId: string, callId: string, kind: string, ctx: CliContext): Promise<string> {
  const deadline = Date.now() + CODE_WAIT_MS;
  for (;;) {
    const [row] = await sql<{ body: string; bodySealed: boolean }[]>`
      select o.body, o.body_sealed from sms_outbox o join calls c on c.id = o.call_id
       where c.tenant_id = ${tenantId} and c.vapi_call_id = ${callId} and o.kind = ${kind}
       order by o.created_at desc limit 1`;
    if (row) return row.bodySealed ? (await ctx.secrets()).open(row.body) : row.body;
    if (Date.now() > deadline)
      throw new CliError(`No ${kind} text was queued for the call within ${CODE_WAIT_MS / 1000} s.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

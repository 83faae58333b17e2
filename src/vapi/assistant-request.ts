import { DateTime } from 'luxon';
import { nextOpenDay, openNow, weeklySummary } from '../scheduling/opening-summary.ts';
import type { TenantContext } from '../tenants/directory.ts';
import { firstMessage, recommendedSystemPrompt } from './prompt.ts';
import { type VapiFunctionTool, vapiToolDefinitions } from './tool-export.ts';

export type TemporalVariables = Record<
  | 'clinic_name'
  | 'today'
  | 'today_iso'
  | 'now_time'
  | 'now_iso'
  | 'year'
  | 'time_zone'
  | 'opening_hours'
  | 'open_now'
  | 'next_open_day',
  string
>;

/** Today's date and time in the clinic's zone and its hours in words, for the prompt's {{variables}}. */
export function temporalVariables(ctx: TenantContext, now: number): TemporalVariables {
  const { tenant, catalog } = ctx;
  const zone = tenant.timeZone;
  const local = DateTime.fromMillis(now, { zone, locale: 'en-US' });
  const opening = {
    providerIds: catalog.providers.map((p) => p.id),
    hours: catalog.hours,
    exceptions: catalog.exceptions,
    timeZone: zone,
    now,
  };
  return {
    clinic_name: tenant.name,
    today: local.toFormat('cccc, LLLL d, yyyy'),
    today_iso: local.toISODate()!,
    now_time: local.toFormat(local.minute === 0 ? 'h a' : 'h:mm a'),
    now_iso: local.toISO({ suppressMilliseconds: true })!,
    year: String(local.year),
    time_zone: zone,
    opening_hours: weeklySummary(opening),
    open_now: openNow(opening) ? 'open' : 'closed',
    next_open_day: nextOpenDay(opening)?.say ?? 'not scheduled yet',
  };
}

interface Overrides {
  variableValues: TemporalVariables;
}

/** An assistant defined in the answer itself, with the recommended prompt and the exported tools. */
export interface InlineAssistant {
  name: string;
  firstMessage: string;
  model: {
    provider: 'openai';
    model: 'gpt-4o';
    messages: Array<{ role: 'system'; content: string }>;
    tools: VapiFunctionTool[];
  };
  server: { url: string; credentialId: string };
  serverMessages: Array<'status-update' | 'end-of-call-report'>;
  metadata: { tenant: string };
}

/**
 * What Vapi takes back for an assistant-request (its ServerMessageResponseAssistantRequest; the tests hold the two
 * together): the clinic's assistant, an inline one, or an error Vapi speaks.
 */
export type AssistantRequestAnswer =
  | { assistantId: string; assistantOverrides: Overrides }
  | { assistant: InlineAssistant; assistantOverrides: Overrides }
  | { error: string };

export interface AssistantRequestOptions {
  webhookUrl: string;
  now: number;
}

/**
 * The answer to Vapi's assistant-request (sent when a number has no fixed assistant; Vapi waits at most 7.5 s):
 * the clinic's own assistant with today's variables, or an inline assistant with the recommended prompt. No query
 * runs here: everything comes from the cached clinic context.
 */
export function assistantRequestAnswer(ctx: TenantContext, o: AssistantRequestOptions): AssistantRequestAnswer {
  const { tenant } = ctx;
  const assistantOverrides = { variableValues: temporalVariables(ctx, o.now) };
  if (tenant.vapiAssistantId) return { assistantId: tenant.vapiAssistantId, assistantOverrides };
  if (!tenant.vapiCredentialId) {
    // Tools without a credential would be refused by our own webhook: better one clear sentence than a broken call.
    return { error: `Sorry, the ${tenant.name} assistant is not set up yet. Please call again later.` };
  }
  const server = { url: o.webhookUrl, credentialId: tenant.vapiCredentialId };
  return {
    assistant: {
      name: `${tenant.name} receptionist`.slice(0, 40),
      firstMessage: firstMessage(tenant.name),
      model: {
        provider: 'openai',
        model: 'gpt-4o',
        messages: [{ role: 'system', content: recommendedSystemPrompt() }],
        tools: vapiToolDefinitions({ webhookUrl: o.webhookUrl, credentialId: tenant.vapiCredentialId }),
      },
      server,
      serverMessages: ['status-update', 'end-of-call-report'],
      metadata: { tenant: tenant.slug },
    },
    assistantOverrides,
  };
}

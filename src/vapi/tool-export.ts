import { z } from 'zod';
import { tools as registry } from './tools/index.ts';
import { STATIC_PARAMETERS } from './tools/static-parameters.ts';
import type { Tool } from './tools/tool.ts';

export interface ToolExportOptions {
  /** The clinic's webhook, e.g. https://slotkeeper.example.com/vapi/berlin-mitte */
  webhookUrl: string;
  /** The Vapi custom credential (Bearer or HMAC) holding the clinic's webhook secret. */
  credentialId?: string;
  timeoutSeconds?: number;
}

type JsonSchema = { [key: string]: unknown };

/** A Vapi function tool, as POST https://api.vapi.ai/tool takes it. */
export interface VapiFunctionTool {
  type: 'function';
  async: false;
  function: { name: string; description: string; parameters: JsonSchema };
  parameters: Array<{ key: string; value: string }>;
  server: { url: string; timeoutSeconds: number; credentialId?: string };
  messages: Array<{ type: 'request-start' | 'request-failed'; content: string; blocking?: boolean }>;
}

const DEFAULT_FILLER = 'One moment.';
const FAILED = "Sorry, I can't reach the booking system right now; let me take a message instead.";

/**
 * The JSON schema the model fills in, derived from the same zod schema the webhook validates with, so the two
 * cannot drift. Input side (what is sent, before trimming and defaults). `null` alternatives are dropped: the
 * webhook treats null and absent alike, and a plain type is easier for the model.
 */
export function toolParameters(tool: Tool): JsonSchema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.args, { io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return { ...schema, type: 'object', properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, withoutNull(v)])) };
}

function withoutNull(prop: JsonSchema): JsonSchema {
  const { anyOf, type, ...rest } = prop;
  if (Array.isArray(anyOf)) {
    const kept = anyOf.filter((s: JsonSchema) => s.type !== 'null');
    if (kept.length === 1) return { ...rest, ...(kept[0] as JsonSchema) };
    return { ...rest, anyOf: kept };
  }
  if (Array.isArray(type)) {
    const kept = type.filter((t) => t !== 'null');
    return { ...rest, type: kept.length === 1 ? kept[0] : kept };
  }
  return prop;
}

/** Every tool in the registry as a Vapi tool definition; a tool added to the registry appears here by itself. */
export function vapiToolDefinitions(o: ToolExportOptions, tools: Iterable<Tool> = registry.values()): VapiFunctionTool[] {
  return [...tools].map((tool) => ({
    type: 'function',
    async: false,
    function: { name: tool.name, description: tool.description, parameters: toolParameters(tool) },
    parameters: Object.entries(STATIC_PARAMETERS).map(([key, value]) => ({ key, value })),
    server: {
      url: o.webhookUrl,
      timeoutSeconds: o.timeoutSeconds ?? 20,
      ...(o.credentialId ? { credentialId: o.credentialId } : {}),
    },
    // No request-complete: with one, Vapi speaks it instead of letting the model phrase the tool's answer.
    messages: [
      { type: 'request-start', content: tool.filler ?? DEFAULT_FILLER, blocking: false },
      { type: 'request-failed', content: FAILED },
    ],
  }));
}

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

type Json = { [key: string]: unknown };

/**
 * A property as Vapi's tool schema knows it (`JsonSchema` in @vapi-ai/server-sdk): a plain `type`, a description,
 * maybe an enum or nested items/properties. Vapi has no anyOf and no length or range keywords.
 */
export interface VapiJsonSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  description?: string;
  enum?: string[];
  items?: VapiJsonSchema;
  properties?: Record<string, VapiJsonSchema>;
  required?: string[];
}

/** A Vapi function tool, as POST https://api.vapi.ai/tool takes it. */
export interface VapiFunctionTool {
  type: 'function';
  async: false;
  function: {
    name: string;
    description: string;
    parameters: { type: 'object'; properties: Record<string, VapiJsonSchema>; required?: string[] };
  };
  parameters: Array<{ key: string; value: string }>;
  server: { url: string; timeoutSeconds: number; credentialId?: string };
  messages: Array<
    { type: 'request-start'; content: string; blocking: boolean } | { type: 'request-failed'; content: string }
  >;
}

const DEFAULT_FILLER = 'One moment.';
/**
 * Spoken only when a step could not run (an internal failure, the clinic switched off): every outcome a tool reaches,
 * refusals included, comes back in `result` with its own sentence (see answer.ts).
 */
export const REQUEST_FAILED = "Sorry, I can't reach the booking system right now. Please try again in a little while.";

/**
 * The JSON schema the model fills in, derived from the same zod schema the webhook validates with, so the two
 * cannot drift. Input side (what is sent, before trimming and defaults), reduced to what Vapi's schema knows.
 */
export function toolParameters(tool: Tool): VapiFunctionTool['function']['parameters'] {
  const schema = z.toJSONSchema(tool.args, { io: 'input', unrepresentable: 'throw' }) as Json;
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = schema.required as string[] | undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, forVapi(v, `${tool.name}.${k}`)])),
    ...(required?.length ? { required } : {}),
  };
}

const VAPI_TYPES = new Set<VapiJsonSchema['type']>(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/**
 * One property in Vapi's terms. `null` alternatives are dropped (the webhook treats null and absent alike); of other
 * alternatives the first is what the model is asked for (the webhook still takes the rest, e.g. a code as a number).
 * Lengths and ranges move into the description, in words, and stay enforced by zod. A keyword with no place in
 * either throws, so a new zod constraint cannot vanish from the export unnoticed.
 */
function forVapi(prop: Json, where: string): VapiJsonSchema {
  const { anyOf, description, ...rest } = prop;
  let own: Json = rest;
  if (Array.isArray(anyOf)) {
    const [first] = (anyOf as Json[]).filter((s) => s.type !== 'null');
    if (!first) throw new Error(`${where}: no type besides null`);
    own = { ...rest, ...first };
  }
  const { type, enum: choices, minLength, maxLength, minimum, maximum, items, properties, required, ...unknown } = own;
  if (Object.keys(unknown).length > 0)
    throw new Error(`${where}: no Vapi equivalent for ${Object.keys(unknown).join(', ')}`);
  if (typeof type !== 'string' || !VAPI_TYPES.has(type as VapiJsonSchema['type']))
    throw new Error(`${where}: type ${JSON.stringify(type)} is not one Vapi knows`);
  const words = [
    description,
    lengthWords(minLength as number | undefined, maxLength as number | undefined),
    rangeWords(minimum as number | undefined, maximum as number | undefined),
  ]
    .filter((w): w is string => typeof w === 'string' && w !== '')
    .map((w) => (/[.!?]$/.test(w) ? w : `${w}.`));
  return {
    type: type as VapiJsonSchema['type'],
    ...(words.length ? { description: words.join(' ') } : {}),
    ...(Array.isArray(choices) ? { enum: choices as string[] } : {}),
    ...(items ? { items: forVapi(items as Json, `${where}[]`) } : {}),
    ...(properties
      ? {
          properties: Object.fromEntries(
            Object.entries(properties as Record<string, Json>).map(([k, v]) => [k, forVapi(v, `${where}.${k}`)]),
          ),
        }
      : {}),
    ...(Array.isArray(required) ? { required: required as string[] } : {}),
  };
}

/** "Up to 200 characters", "At least 2 characters": the length limits zod enforces, for the model to read. */
export function lengthWords(min: number | undefined, max: number | undefined): string | undefined {
  const from = min !== undefined && min > 1 ? min : undefined;
  if (from !== undefined && max !== undefined) return `${from} to ${max} characters`;
  if (max !== undefined) return `Up to ${max} characters`;
  if (from !== undefined) return `At least ${from} characters`;
  return undefined;
}

function rangeWords(min: number | undefined, max: number | undefined): string | undefined {
  const to = max !== undefined && max < Number.MAX_SAFE_INTEGER ? max : undefined;
  if (min !== undefined && to !== undefined) return `From ${min} to ${to}`;
  if (min !== undefined) return `At least ${min}`;
  if (to !== undefined) return `At most ${to}`;
  return undefined;
}

/** Every tool in the registry as a Vapi tool definition; a tool added to the registry appears here by itself. */
export function vapiToolDefinitions(
  o: ToolExportOptions,
  tools: Iterable<Tool> = registry.values(),
): VapiFunctionTool[] {
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
      { type: 'request-failed', content: REQUEST_FAILED },
    ],
  }));
}

// The parts of Vapi's server SDK types (@vapi-ai/server-sdk) the tests check at run time. The SDK has no runtime
// validation, so each check here is tied to its SDK type at compile time: `npm run typecheck` fails when the SDK and
// these checks disagree, and the tests fail when an answer does not fit them.
import type { Vapi } from '@vapi-ai/server-sdk';
import { z } from 'zod';
import type { AssistantRequestAnswer } from '../src/vapi/assistant-request.ts';

/** Compile time: every A is a B. */
export type Assignable<A, B> = [A] extends [B] ? true : false;

const ToolCallResult = z.strictObject({
  toolCallId: z.string().min(1),
  name: z.string(),
  result: z.string().optional(),
  error: z.string().optional(),
});

/** What the webhook answers a tool-calls message: exactly the fields of Vapi's ServerMessageResponseToolCalls it uses. */
export const ToolCallsAnswer = z.strictObject({
  results: z.array(
    ToolCallResult.refine(
      (r) => (r.result === undefined) !== (r.error === undefined),
      'exactly one of result and error',
    ),
  ),
});
export const toolCallsAnswerIsVapis: Assignable<
  z.infer<typeof ToolCallsAnswer>,
  Vapi.ServerMessageResponseToolCalls
> = true;

/** Every key of Vapi's JsonSchema, and its types: an exported tool schema may use these and nothing else. */
export const JSON_SCHEMA_KEYS = [
  'type',
  'items',
  'properties',
  'description',
  'pattern',
  'format',
  'required',
  'enum',
  'title',
] as const satisfies readonly (keyof Vapi.JsonSchema)[];
export const jsonSchemaKeysComplete: Assignable<keyof Vapi.JsonSchema, (typeof JSON_SCHEMA_KEYS)[number]> = true;
export const JSON_SCHEMA_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'array',
  'object',
] as const satisfies readonly Vapi.JsonSchemaType[];
export const jsonSchemaTypesComplete: Assignable<Vapi.JsonSchemaType, (typeof JSON_SCHEMA_TYPES)[number]> = true;

/** The places in a JSON schema (as exported to Vapi) that are not Vapi's JsonSchema, as "path: problem". */
export function notVapiJsonSchema(schema: unknown, path: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [`${path}: not an object`];
  const s = schema as Record<string, unknown>;
  const problems = Object.keys(s)
    .filter((k) => !(JSON_SCHEMA_KEYS as readonly string[]).includes(k))
    .map((k) => `${path}: ${k} is not in Vapi's JsonSchema`);
  if (!(JSON_SCHEMA_TYPES as readonly unknown[]).includes(s.type))
    problems.push(`${path}: type ${JSON.stringify(s.type)} is not one Vapi knows`);
  if (s.items !== undefined) problems.push(...notVapiJsonSchema(s.items, `${path}[]`));
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
    problems.push(...notVapiJsonSchema(v, `${path}.${k}`));
  return problems;
}

/** The keys of Vapi's answer to an assistant-request; an answer with any other key is not Vapi's. */
export const ASSISTANT_REQUEST_ANSWER_KEYS = [
  'destination',
  'assistantId',
  'assistant',
  'assistantOverrides',
  'squadId',
  'squad',
  'squadOverrides',
  'workflowId',
  'workflow',
  'workflowOverrides',
  'error',
] as const satisfies readonly (keyof Vapi.ServerMessageResponseAssistantRequest)[];
export const assistantRequestKeysComplete: Assignable<
  keyof Vapi.ServerMessageResponseAssistantRequest,
  (typeof ASSISTANT_REQUEST_ANSWER_KEYS)[number]
> = true;
export const assistantRequestAnswerIsVapis: Assignable<
  AssistantRequestAnswer,
  Vapi.ServerMessageResponseAssistantRequest
> = true;

/** The places in an assistant-request answer that are not Vapi's: unknown keys, or an inline tool schema Vapi lacks. */
export function notVapiAssistantAnswer(answer: Record<string, unknown>): string[] {
  const problems = Object.keys(answer)
    .filter((k) => !(ASSISTANT_REQUEST_ANSWER_KEYS as readonly string[]).includes(k))
    .map((k) => `${k} is not in Vapi's ServerMessageResponseAssistantRequest`);
  const tools =
    (answer.assistant as { model?: { tools?: { function: { name: string; parameters: unknown } }[] } } | undefined)
      ?.model?.tools ?? [];
  return [...problems, ...tools.flatMap((t) => notVapiJsonSchema(t.function.parameters, t.function.name))];
}

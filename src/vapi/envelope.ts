import { z } from 'zod';

// Lenient on purpose: Vapi's payloads carry far more than we read, and its own spec and wire disagree in places
// (see ../shared/reference/vapi-protocol.md §1.2). Only the fields we use are named; everything else passes through.

const RawArguments = z.union([z.string(), z.record(z.string(), z.unknown())]);

// Ids are kept in columns that hold at most 200 characters (calls.vapi_call_id); Vapi's are UUIDs.
const Id = z.string().min(1).max(200);

const ToolCall = z.looseObject({
  id: Id,
  function: z.looseObject({ name: z.string().min(1), arguments: RawArguments.optional() }).optional(),
  // Flat shapes shown in some of Vapi's docs.
  name: z.string().min(1).optional(),
  arguments: RawArguments.optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const Customer = z.looseObject({ number: z.string().optional(), name: z.string().optional() });

const Call = z.looseObject({
  id: Id.optional(),
  type: z.string().optional(),
  customer: Customer.optional(),
});

export const Envelope = z.object({
  message: z.looseObject({
    type: z.string().min(1),
    call: Call.optional(),
    customer: Customer.optional(),
    phoneNumber: z.looseObject({ number: z.string().optional() }).nullish(),
    toolCallList: z.array(ToolCall).optional(),
    timestamp: z.union([z.number(), z.string()]).optional(),
    /** Set by the input gate when the body was nested too deep and only a call's ending fields were kept. */
    slotkeeperNote: z.string().optional(),
  }),
});

export type Envelope = z.infer<typeof Envelope>;
export type VapiMessage = Envelope['message'];

export interface NormalisedToolCall {
  id: string;
  name: string;
  /** The arguments as an object, or the reason they could not be read. */
  args: { ok: true; value: Record<string, unknown> } | { ok: false };
}

export function normaliseToolCalls(message: VapiMessage): NormalisedToolCall[] {
  return (message.toolCallList ?? []).map((tc) => {
    const raw = tc.function?.arguments ?? tc.arguments ?? tc.parameters ?? {};
    return { id: tc.id, name: tc.function?.name ?? tc.name ?? '', args: readArguments(raw) };
  });
}

function readArguments(raw: string | Record<string, unknown>): NormalisedToolCall['args'] {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? { ok: true, value: parsed as Record<string, unknown> }
      : { ok: false };
  } catch {
    return { ok: false };
  }
}

/** Who is calling, from the telephony data, never from what the model says. */
export function callerNumber(message: VapiMessage): string | null {
  return message.call?.customer?.number || message.customer?.number || null;
}

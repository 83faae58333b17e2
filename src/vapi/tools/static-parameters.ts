import { z } from 'zod';
import { optionalText } from './args.ts';

/**
 * Vapi static parameters: filled in by Vapi from the call's telephony data and merged into every tool call's
 * arguments, overriding anything the model sent under the same key. The model never sees or sets them.
 */
export const STATIC_PARAMETERS = {
  caller_number: '{{customer.number}}',
  vapi_call_id: '{{call.id}}',
} as const;

export const StaticArguments = z.object({
  caller_number: optionalText(40),
  vapi_call_id: optionalText(200),
});

/** The static values of one tool call; a web call has no number, so both may be absent. */
export function staticArguments(args: Record<string, unknown>): z.infer<typeof StaticArguments> {
  const parsed = StaticArguments.safeParse(args);
  return parsed.success ? parsed.data : { caller_number: undefined, vapi_call_id: undefined };
}

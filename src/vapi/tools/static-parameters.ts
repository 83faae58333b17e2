import type { z } from 'zod';
import { optionalText } from './args.ts';

/**
 * Vapi static parameters: filled in by Vapi from the call's telephony data and merged into every tool call's
 * arguments, overriding anything the model sent under the same key. The model never sees or sets them.
 */
export const STATIC_PARAMETERS = {
  caller_number: '{{customer.number}}',
  vapi_call_id: '{{call.id}}',
} as const;

const StaticArguments = {
  caller_number: optionalText(40),
  vapi_call_id: optionalText(200),
} satisfies Record<keyof typeof STATIC_PARAMETERS, z.ZodType>;

export type StaticValues = { [K in keyof typeof StaticArguments]: z.infer<(typeof StaticArguments)[K]> };

/**
 * The static values of one tool call. Vapi's docs say static parameters are merged into the function's arguments;
 * its SDK says into the request body. So each is read from the arguments first, then the message, then the body's
 * top level: the first readable value wins. A web call has no number, so both may be absent.
 */
export function staticArguments(...sources: Record<string, unknown>[]): StaticValues {
  const read = <K extends keyof StaticValues>(key: K): StaticValues[K] => {
    for (const source of sources) {
      const parsed = StaticArguments[key].safeParse(source[key]);
      if (parsed.success && parsed.data !== undefined) return parsed.data;
    }
    return undefined;
  };
  return { caller_number: read('caller_number'), vapi_call_id: read('vapi_call_id') };
}

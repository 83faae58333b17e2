import { z } from 'zod';

/** Optional free text from the model: trimmed; null, "" and absent all mean "not said". */
export const optionalText = (max = 200) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || undefined);

const TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;

export const TimeOfDay = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(TIMES_OF_DAY))
  // The exported JSON schema shows the input side of the pipe (a string); the enum tells the model the choices.
  .meta({ enum: [...TIMES_OF_DAY] })
  .nullish()
  .transform((v) => v ?? undefined);

/** Turns a validation failure into one sentence the model can act on. */
export function describeInvalidArguments(tool: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const field = issue.path.join('.') || 'the arguments';
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} is required`;
    if (issue.code === 'too_big') return `${field} is too long`;
    if (issue.code === 'too_small') return `${field} is empty`;
    if (issue.code === 'invalid_value') return `${field} must be one of ${issue.values.join(', ')}`;
    return `${field} is not valid`;
  });
  return `I couldn't run ${tool}: ${parts.join('; ')}.`;
}

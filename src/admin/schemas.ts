import { IANAZone } from 'luxon';
import { z } from 'zod';

// Building blocks shared by the admin routes; each resource's own schemas sit beside its routes.

export const Uuid = z.uuid();
export const IdParams = z.object({ id: Uuid });
export const ErrorBody = z.object({
  error: z.string().describe('One sentence saying what went wrong.'),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');
export const TimeZone = z
  .string()
  .refine((z) => IANAZone.isValidZone(z), 'must be an IANA time zone like America/New_York');
export const Country = z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code like US');
export const E164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number like +12125550143');
export const WallTime = z
  .string()
  .regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'must be a time like 09:00 (24:00 allowed as an end)');
export const LocalDate = z.iso.date();
export const Limit = z.coerce.number().int().min(1).max(200).default(50);
/** A yes/no filter in a query string: `true` or `false`, absent for either. */
export const QueryFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

/** Standard error answers, so every route documents them. */
export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
} as const;

export const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

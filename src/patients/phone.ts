import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

export type PhoneResult = { ok: true; e164: string } | { ok: false; say: string };

const SAY_INVALID = "That phone number doesn't look right; could you say it again with the area code?";

/**
 * Normalises a caller-given number to E.164, reading national formats as
 * numbers of `country` (the clinic's ISO 3166 alpha-2 country). Throws on an
 * unknown country: that is a configuration error, not something to ask a caller.
 */
export function toE164(input: string, country: string): PhoneResult {
  const region = country.toUpperCase();
  if (!isSupportedCountry(region)) throw new RangeError(`Unsupported country "${country}"`);

  const parsed = parsePhoneNumberFromString(input, region);
  if (parsed?.isValid()) return { ok: true, e164: parsed.number };

  // People dictate the European "00" international prefix even where it is not
  // the local one (the US uses 011), so it is retried as "+".
  const withPlus = input.trim().replace(/^00\s*/, '+');
  if (withPlus !== input.trim()) {
    const international = parsePhoneNumberFromString(withPlus, region);
    if (international?.isValid()) return { ok: true, e164: international.number };
  }
  return { ok: false, say: SAY_INVALID };
}

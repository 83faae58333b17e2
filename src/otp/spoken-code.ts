// What speech-to-text makes of a caller reading digits aloud, turned back into the digits.

const UNITS: Record<string, number> = {
  zero: 0,
  oh: 0,
  o: 0,
  nought: 0,
  nil: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
};
const TEENS: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 2,
  thirty: 3,
  forty: 4,
  fifty: 5,
  sixty: 6,
  seventy: 7,
  eighty: 8,
  ninety: 9,
};
const REPEAT: Record<string, number> = { double: 2, triple: 3 };
const FILLER = new Set(['and', 'uh', 'um', 'er', 'the', 'code', 'is', 'its', 'it', 'my', 'a', 'dash', 'space']);

/**
 * The digits in "one two three four", "oh four five six", "12 34", "double five", "twenty one", "1-2-3-4".
 * Returns null when anything in it is not a digit word, or the result is not `length` digits long.
 */
export function normaliseSpokenCode(said: string | number, length: number): string | null {
  // A JSON number has lost its leading zeros (004821 arrives as 4821).
  if (typeof said === 'number')
    return Number.isInteger(said) && said >= 0 && said < 10 ** length ? String(said).padStart(length, '0') : null;
  const words = said
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/(\d)/g, ' $1 ')
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !FILLER.has(w));
  let digits = '';
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (/^\d$/.test(w)) digits += w;
    else if (w in UNITS) digits += UNITS[w];
    else if (w in TEENS) digits += TEENS[w];
    else if (w in TENS) {
      // "twenty one" is 21; "twenty" alone is 20.
      const unit = next !== undefined && next in UNITS && UNITS[next]! > 0 ? UNITS[next] : undefined;
      digits += `${TENS[w]}${unit ?? 0}`;
      if (unit !== undefined) i++;
    } else if (w in REPEAT && next !== undefined && (/^\d$/.test(next) || next in UNITS)) {
      digits += (/^\d$/.test(next) ? next : String(UNITS[next])).repeat(REPEAT[w]!);
      i++;
    } else return null;
  }
  return digits.length === length ? digits : null;
}

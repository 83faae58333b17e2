// Hand-written on purpose: there is no well-maintained library for capitalising
// personal names, and the rules needed here are few and specific to what
// speech-to-text produces (all-lowercase or ALL-CAPS transcripts).

export type NameResult = { ok: true; name: string } | { ok: false; say: string };

const MAX_LENGTH = 100;

// Lowercase unless they start the name ("Ludwig van der Berg", "Van Morrison").
const PARTICLES = new Set([
  'van',
  'der',
  'den',
  'de',
  'da',
  'di',
  'du',
  'von',
  'la',
  'le',
  'del',
  'della',
  'dos',
  'das',
  'bin',
  'al',
]);

const LETTER = /\p{L}/u;
// Quotes, brackets and sentence punctuation that transcripts and LLMs wrap names in.
const EDGE_NOISE = /^[\s"'`“”‘’«».,;:!?()[\]{}<>*_-]+|[\s"'`“”‘’«».,;:!?()[\]{}<>*_-]+$/gu;

export function normaliseName(input: string): NameResult {
  const cleaned = input.replace(EDGE_NOISE, '').replace(/\s+/gu, ' ');
  if (!LETTER.test(cleaned)) {
    return { ok: false, say: "I didn't catch the name; could you say it again?" };
  }
  if (cleaned.length > MAX_LENGTH) {
    return { ok: false, say: 'That name is a bit long for our system; could you give just the first and last name?' };
  }
  // Mixed case is the caller's own spelling (e.g. "DeShawn", "LaToya") and is kept.
  const transcribed = cleaned === cleaned.toLowerCase() || cleaned === cleaned.toUpperCase();
  return { ok: true, name: transcribed ? capitalise(cleaned.toLowerCase()) : cleaned };
}

function capitalise(lower: string): string {
  return lower
    .split(' ')
    .map((word, index) => (index > 0 && PARTICLES.has(word) ? word : word.replace(/[^-'’]+/gu, capitalisePart)))
    .join(' ');
}

// "Mac" is deliberately not treated as a prefix: Mack, Macy, Mace are names too.
function capitalisePart(part: string): string {
  const mc = /^mc(\p{L}{2,})$/u.exec(part);
  if (mc?.[1]) return `Mc${upperFirst(mc[1])}`;
  return upperFirst(part);
}

function upperFirst(part: string): string {
  const [first = '', ...rest] = part;
  return first.toUpperCase() + rest.join('');
}

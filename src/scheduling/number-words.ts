// Spoken numbers for the date parsers: chrono-node keeps its own word lists internal (not exported), and these
// cover what dates and clock times need — cardinals to fifty-nine, ordinals to thirty-first.

const UNITS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS: Array<[string, number]> = [
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fifty', 50],
];
const UNIT_ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const TEEN_ORDINALS = [
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
];

/** Word → number, compounds ("twenty-one", "thirty first") spelled with a space. */
function compose(
  units: string[],
  teens: string[],
  tens: Array<[string, string, number]>,
  max: number,
): Map<string, number> {
  const words = new Map<string, number>();
  for (const [i, w] of units.entries()) words.set(w, i + 1);
  for (const [i, w] of teens.entries()) words.set(w, i + 10);
  for (const [round, prefix, value] of tens) {
    if (value <= max) words.set(round, value);
    for (const [i, w] of units.entries()) if (value + i + 1 <= max) words.set(`${prefix} ${w}`, value + i + 1);
  }
  return words;
}

const CARDINALS = compose(
  UNITS,
  TEENS,
  TENS.map(([w, v]) => [w, w, v]),
  59,
);
const ORDINALS = compose(
  UNIT_ORDINALS,
  TEEN_ORDINALS,
  [
    ['twentieth', 'twenty', 20],
    ['thirtieth', 'thirty', 30],
  ],
  31,
);

// Longest first, so "twenty-one" is not read as "twenty"; a space in a word matches spaces or a hyphen.
const alternation = (words: Iterable<string>) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/ /g, '[-\\s]+'))
    .join('|');

/** A day of the month as said: "3rd", "3", "third", "twenty-first". */
export const ORDINAL_PATTERN = `(?:${alternation(ORDINALS.keys())}|[0-3]?\\d(?:st|nd|rd|th)?)`;
/** A day of the month said as a cardinal, as in "December twelve": one to thirty-one in words. */
export const DAY_WORD_PATTERN = `(?:${alternation([...CARDINALS.keys()].filter((w) => CARDINALS.get(w)! <= 31))})`;
/** A count as said: "3", "three", "a", "an". */
export const COUNT_PATTERN = `(?:${alternation(CARDINALS.keys())}|\\d{1,3}|an?)`;
/** An hour on a clock face, in words. */
export const HOUR_WORD_PATTERN = `(?:${alternation(TEENS.slice(0, 3).concat(UNITS))})`;
/** The minutes of "three thirty", "ten oh five", "two forty-five". */
export const MINUTE_WORD_PATTERN = `(?:oh[-\\s](?:${alternation(UNITS)})|${alternation([...CARDINALS.keys()].filter((w) => CARDINALS.get(w)! >= 10))})`;

// "twenty-one", "twenty  one" and "Twenty one" all look up "twenty one".
const normalise = (text: string) =>
  text
    .toLowerCase()
    .trim()
    .replace(/[-\s]+/g, ' ');
const lookup = (words: Map<string, number>, text: string) => words.get(normalise(text));

/** The number of a matched ORDINAL_PATTERN or DAY_WORD_PATTERN. */
export function ordinalValue(text: string): number {
  return lookup(ORDINALS, text) ?? lookup(CARDINALS, text) ?? parseInt(text, 10);
}

/** The number of a matched COUNT_PATTERN, HOUR_WORD_PATTERN or MINUTE_WORD_PATTERN. */
export function countValue(text: string): number {
  const said = normalise(text);
  if (said === 'a' || said === 'an') return 1;
  if (said.startsWith('oh ')) return lookup(CARDINALS, said.slice(3))!;
  return lookup(CARDINALS, said) ?? parseInt(said, 10);
}

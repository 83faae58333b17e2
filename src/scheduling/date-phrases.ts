import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { type HolidayRule, nextHoliday, nthWeekdayOfMonth, US_HOLIDAYS } from './holidays.ts';
import {
  COUNT_PATTERN,
  countValue,
  DAY_WORD_PATTERN,
  HOUR_WORD_PATTERN,
  MINUTE_WORD_PATTERN,
  ORDINAL_PATTERN,
  ordinalValue,
} from './number-words.ts';
import type { Weekday } from './types.ts';

/**
 * chrono-node's casual English, extended the way chrono is meant to be extended (its own parsers and refiners) with
 * the phrases callers use on the phone that chrono alone gets wrong or misses. Every date these parsers produce is
 * computed on the clinic's calendar: `clinicToday` is the clinic's local date, read from the instant and the
 * clinic's UTC offset that the caller of `parse` passes as chrono's reference, so neither the process's TZ nor
 * chrono's own Date arithmetic touches it.
 */

/** A result whose date a rule chose, or that the phrase did not name outright: the caller hears it back. */
export const TAG_INTERPRETED = 'slotkeeper/interpreted';
/** A result whose year was computed, not written, so it is never a stale year to correct. */
export const TAG_COMPUTED = 'slotkeeper/computed';
/**
 * A phrase that names a day no calendar has ("the fifth Monday of February"). Kept as a result, so that chrono
 * does not fall back on the pieces ("Monday"); the whole phrase is then not understood.
 */
export const TAG_NO_SUCH_DAY = 'slotkeeper/no-such-day';

type Context = chrono.ParsingContext;

function clinicToday(context: Context): DateTime {
  const { instant } = context.reference;
  return DateTime.fromMillis(instant.getTime() + context.reference.getTimezoneOffset() * 60_000, {
    zone: 'utc',
  }).startOf('day');
}

function onDay(context: Context, day: DateTime, ...tags: string[]): chrono.ParsingComponents {
  return context
    .createParsingComponents({ year: day.year, month: day.month, day: day.day })
    .addTags([TAG_COMPUTED, ...tags]);
}

const WEEKDAYS: Record<string, Weekday> = {
  monday: 1,
  mon: 1,
  tuesday: 2,
  tues: 2,
  tue: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thurs: 4,
  thur: 4,
  thu: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
  sunday: 7,
  sun: 7,
};
const WEEKDAY_PATTERN = `(?:${Object.keys(WEEKDAYS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
const MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const MONTH_PATTERN = `(?:${Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?`;
const monthOf = (text: string) => MONTHS[text.toLowerCase().replace('.', '')]!;
const weekdayOf = (text: string) => WEEKDAYS[text.toLowerCase()]!;
/** chrono numbers weekdays from Sunday = 0. */
const chronoWeekday = (weekday: Weekday) => weekday % 7;

/** A parser: one pattern, word-bounded on both sides, and what a match means on the clinic's calendar. */
function parser(
  source: string,
  extract: (context: Context, match: RegExpMatchArray, today: DateTime) => chrono.ParsingComponents | null,
): chrono.Parser {
  const pattern = new RegExp(`(?<![\\w'])${source}(?![\\w'])`, 'i');
  return { pattern: () => pattern, extract: (context, match) => extract(context, match, clinicToday(context)) };
}

// ---- Weekdays ---------------------------------------------------------------------------------------------------

/**
 * The weekday rules (the clinic's week runs Monday to Sunday):
 * - "Friday", "coming Friday", "this coming Friday": the next Friday after today (a week out when today is Friday).
 * - "this Friday": the next Friday, today included.
 * - "next Friday", "Friday next week", "next week Friday": the Friday of next week — on a Monday, eleven days out,
 *   not four.
 * - "Friday after next": a week after the bare "Friday".
 * - "last Friday", "past Friday": the one before today (refused later as past).
 * All but the bare weekday are said back; the bare one too when today is that weekday.
 */
function weekdayDay(
  today: DateTime,
  weekday: Weekday,
  qualifier: string,
  suffix: string,
): { day: DateTime; interpreted: boolean } {
  const ahead = (weekday - today.weekday + 7) % 7;
  const following = today.plus({ days: ahead || 7 });
  if (/after\s+next/i.test(suffix)) return { day: following.plus({ days: 7 }), interpreted: true };
  if (/next/i.test(qualifier) || /next/i.test(suffix)) {
    return { day: today.plus({ days: 8 - today.weekday + (weekday - 1) }), interpreted: true };
  }
  if (/last|past/i.test(qualifier))
    return { day: today.minus({ days: (today.weekday - weekday + 7) % 7 || 7 }), interpreted: false };
  if (/coming/i.test(qualifier)) return { day: following, interpreted: true };
  if (/this/i.test(qualifier)) return { day: today.plus({ days: ahead }), interpreted: true };
  return { day: following, interpreted: ahead === 0 };
}

// The day fields are only implied, as chrono's own weekday parser does, so that chrono's MergeWeekdayComponentRefiner
// still joins "Tuesday" to a following "the 9th" or "December 9" — which is how a contradiction is caught.
const weekdayParser = parser(
  `(?:(this\\s+coming|this|coming|next\\s+week|next|last|past)\\s+)?(${WEEKDAY_PATTERN})\\.?(?:\\s+(after\\s+next|next\\s+week|of\\s+next\\s+week))?`,
  (context, match, today) => {
    const weekday = weekdayOf(match[2]!);
    const { day, interpreted } = weekdayDay(today, weekday, match[1] ?? '', match[3] ?? '');
    const components = context
      .createParsingComponents({ weekday: chronoWeekday(weekday) })
      .imply('year', day.year)
      .imply('month', day.month)
      .imply('day', day.day)
      .addTag(TAG_COMPUTED);
    return interpreted ? components.addTag(TAG_INTERPRETED) : components;
  },
);

// ---- Relative days ----------------------------------------------------------------------------------------------

const UNIT_PATTERN = '(day|week|fortnight|month)s?';

function offset(count: number, unit: string): { days?: number; months?: number } {
  const u = unit.toLowerCase();
  if (u.startsWith('month')) return { months: count };
  return { days: count * (u.startsWith('fortnight') ? 14 : u.startsWith('week') ? 7 : 1) };
}

/** "in 3 days", "in a week", "in two weeks", "in a fortnight", "in a month". */
const inDurationParser = parser(
  `in\\s+(${COUNT_PATTERN})\\s+${UNIT_PATTERN}(?:\\s+(?:time|from\\s+(?:now|today)))?`,
  (context, match, today) => onDay(context, today.plus(offset(countValue(match[1]!), match[2]!))),
);

/**
 * "a week from", "two days after", "the day before": an offset waiting for the day it counts from, joined to the
 * next result by `offsetRefiner`. With "now", "today" or "tomorrow" right after, it is resolved here in one piece
 * ("the day after tomorrow"), since chrono's own "N days from now" would otherwise win the overlap.
 */
const offsets = new WeakMap<chrono.ParsingComponents, { days?: number; months?: number }>();

const offsetParser = parser(
  `(?:(?:the\\s+)?day|(${COUNT_PATTERN})\\s+${UNIT_PATTERN})\\s+(from|after|before)(?:\\s+(now|today|tomorrow))?`,
  (context, match, today) => {
    const [, count, unit, direction, anchor] = match;
    const forward = offset(count ? countValue(count) : 1, unit ?? 'day');
    const signed =
      direction!.toLowerCase() === 'before' ? { days: -(forward.days ?? 0), months: -(forward.months ?? 0) } : forward;
    if (anchor) {
      const from = anchor.toLowerCase() === 'tomorrow' ? today.plus({ days: 1 }) : today;
      return onDay(context, from.plus(signed));
    }
    const marker = context.createParsingComponents();
    offsets.set(marker, signed);
    return marker;
  },
);

/** Joins "a week from" to the day that follows it ("a week from Friday", "two weeks after Thanksgiving"). */
const offsetRefiner: chrono.Refiner = {
  refine(context, results) {
    const refined: chrono.ParsingResult[] = [];
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      const shift = offsets.get(result.start);
      if (!shift) {
        refined.push(result);
        continue;
      }
      const next = results[i + 1];
      const between = next ? context.text.slice(result.index + result.text.length, next.index) : '';
      // An offset with nothing to count from means nothing: dropped, so the phrase is not understood at all.
      const isDay =
        next &&
        next.index >= result.index + result.text.length &&
        (next.start.isCertain('day') || next.start.isCertain('weekday'));
      if (!isDay || !/^\s*$/.test(between) || offsets.has(next.start)) continue;
      const from = DateTime.utc(next.start.get('year')!, next.start.get('month')!, next.start.get('day')!);
      const merged = next.clone();
      merged.index = result.index;
      merged.text = context.text.slice(result.index, next.index + next.text.length);
      const day = from.plus(shift);
      merged.start = onDay(context, day, ...[...next.start.tags()].filter((t) => t === TAG_INTERPRETED));
      for (const part of ['hour', 'minute', 'meridiem'] as const) {
        if (next.start.isCertain(part)) merged.start.assign(part, next.start.get(part)!);
      }
      refined.push(merged);
      i++;
    }
    return refined;
  },
};

// ---- Days of the month ------------------------------------------------------------------------------------------

/** The first `day` of a month on or after `today`, skipping months too short for it ("the 31st"). */
function nextDayOfMonth(today: DateTime, day: number): DateTime | null {
  if (day < 1 || day > 31) return null;
  for (let m = 0; m < 12; m++) {
    const month = today.startOf('month').plus({ months: m });
    const candidate = DateTime.utc(month.year, month.month, day);
    if (candidate.isValid && candidate >= today) return candidate;
  }
  return null;
}

/** "the 15th", "on the fifteenth": the next 15th, today included. Said back, since the month was never named. */
const ordinalDayParser = parser(`the\\s+(${ORDINAL_PATTERN})(?!\\s+of\\b)`, (context, match, today) => {
  const text = match[1]!;
  // "the 15" without a suffix is too easily a count of something else; a spoken ordinal is not.
  if (/^\d+$/.test(text)) return null;
  const day = nextDayOfMonth(today, ordinalValue(text));
  return day ? onDay(context, day, TAG_INTERPRETED) : null;
});

/**
 * A month and day, with or without a year, including the orders chrono misses ("March the third", "March third")
 * and spelled ordinals ("the twenty-first of March").
 */
const monthDayParser = parser(
  `(?:(${MONTH_PATTERN})\\s+(?:the\\s+)?(${ORDINAL_PATTERN}|${DAY_WORD_PATTERN})|(?:the\\s+)?(${ORDINAL_PATTERN})\\s+(?:day\\s+)?of\\s+(${MONTH_PATTERN}))(?:,?\\s+(\\d{4}))?`,
  (context, match, today) => {
    const month = monthOf((match[1] ?? match[4])!);
    const day = ordinalValue((match[2] ?? match[3])!);
    if (match[5]) {
      const components = context.createParsingComponents({ year: parseInt(match[5], 10), month, day });
      return components.isValidDate() ? components : null;
    }
    // Without a year the year is only implied — the next one in which the date exists and has not passed — so
    // that February 29 is a date too; `dates.ts` settles it the same way for chrono's own month-and-day results.
    for (let year = today.year; year <= today.year + 8; year++) {
      const candidate = DateTime.utc(year, month, day);
      if (candidate.isValid && candidate >= today)
        return context.createParsingComponents({ month, day }).imply('year', year);
    }
    return null;
  },
);

/**
 * "the 8th of next month", "the 15th of this month", "the 3rd of the month" (the next one, like "the 3rd"). A day
 * the month does not have is not understood.
 */
const dayOfRelativeMonthParser = parser(
  `(?:the\\s+)?(${ORDINAL_PATTERN})\\s+(?:day\\s+)?of\\s+(this|next|the)\\s+month`,
  (context, match, today) => {
    const day = ordinalValue(match[1]!);
    const which = match[2]!.toLowerCase();
    if (which === 'the') {
      const next = nextDayOfMonth(today, day);
      return next ? onDay(context, next, TAG_INTERPRETED) : context.createParsingComponents().addTag(TAG_NO_SUCH_DAY);
    }
    const month = today.plus({ months: which === 'next' ? 1 : 0 });
    const date = DateTime.utc(month.year, month.month, day);
    return date.isValid ? onDay(context, date) : context.createParsingComponents().addTag(TAG_NO_SUCH_DAY);
  },
);

/**
 * "the first Monday of January", "last Friday in December", "second Tuesday of next month"; "of the month" is this
 * month's unless it has gone, then next month's.
 */
const NTH: Record<string, 1 | 2 | 3 | 4 | 5 | 'last'> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
  fifth: 5,
  '5th': 5,
  last: 'last',
};
const nthWeekdayParser = parser(
  `(?:the\\s+)?(${Object.keys(NTH).join('|')})\\s+(${WEEKDAY_PATTERN})\\s+(?:of|in)\\s+(?:(${MONTH_PATTERN})|(this|next|the)\\s+month)(?:,?\\s+(\\d{4}))?`,
  (context, match, today) => {
    const [, nthText, weekdayText, monthText, relativeMonth, yearText] = match;
    const nth = NTH[nthText!.toLowerCase()]!;
    const weekday = weekdayOf(weekdayText!);
    const dayIn = (year: number, month: number) => nthWeekdayOfMonth(year, month, weekday, nth);
    let day: DateTime | null;
    if (relativeMonth) {
      const which = relativeMonth.toLowerCase();
      const month = today.plus({ months: which === 'next' ? 1 : 0 });
      day = dayIn(month.year, month.month);
      if (which === 'the' && (!day || day < today)) {
        const following = today.plus({ months: 1 });
        day = dayIn(following.year, following.month);
      }
    } else if (yearText) {
      day = dayIn(parseInt(yearText, 10), monthOf(monthText!));
      if (!day) return context.createParsingComponents().addTag(TAG_NO_SUCH_DAY);
      return context.createParsingComponents({
        year: day.year,
        month: day.month,
        day: day.day,
        weekday: chronoWeekday(weekday),
      });
    } else {
      const thisYear = dayIn(today.year, monthOf(monthText!));
      day = thisYear && thisYear >= today ? thisYear : dayIn(today.year + 1, monthOf(monthText!));
    }
    if (!day) return context.createParsingComponents().addTag(TAG_NO_SUCH_DAY);
    return onDay(context, day, TAG_INTERPRETED).assign('weekday', chronoWeekday(weekday));
  },
);

// ---- Holidays ---------------------------------------------------------------------------------------------------

// Matched loosely — apostrophes, dots, spacing and plural "s" vary with whoever transcribed the call.
const looseName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/s/g, '');
const holidayRules = new Map<string, HolidayRule>(
  US_HOLIDAYS.flatMap((h) => h.spoken.map((s) => [looseName(s), h.rule] as const)),
);
const holidayPattern = US_HOLIDAYS.flatMap((h) => h.spoken)
  .sort((a, b) => b.length - a.length)
  .map((name) => name.replace(/['’.]/g, '').replace(/s\b/g, "s?['’]?s?").replace(/\s+/g, '\\.?\\s*'))
  .join('|');

/** A US public holiday by name: its next date, today included, computed from the rule table. Said back. */
const holidayParser = parser(`(?:the\\s+)?(${holidayPattern})(?:,?\\s+(\\d{4}))?`, (context, match, today) => {
  const rule = holidayRules.get(looseName(match[1]!));
  if (!rule) return null;
  if (match[2]) {
    const inYear = nextHoliday(rule, DateTime.utc(parseInt(match[2], 10), 1, 1));
    return context.createParsingComponents({ year: inYear.year, month: inYear.month, day: inYear.day });
  }
  return onDay(context, nextHoliday(rule, today), TAG_INTERPRETED);
});

// ---- Clock times ------------------------------------------------------------------------------------------------

const MERIDIEM_PATTERN =
  '(a\\.?\\s?m\\.?|p\\.?\\s?m\\.?|in\\s+the\\s+(?:morning|afternoon|evening)|at\\s+night|tonight)';

function withMeridiem(
  context: Context,
  hour: number,
  minute: number,
  meridiem: string | undefined,
): chrono.ParsingComponents {
  const components = context.createParsingComponents({ hour, minute });
  if (!meridiem) return components;
  const pm = !/^a|morning/i.test(meridiem);
  const part =
    /morning|afternoon|evening/i.exec(meridiem)?.[0].toLowerCase() ?? (/night/i.test(meridiem) ? 'evening' : null);
  // Tagged like chrono's own "this afternoon", so the part of the day is read the same way from both.
  if (part) components.addTag(`casualReference/${part}`);
  const hour24 = pm ? (hour % 12) + 12 : hour % 12;
  return components.assign('hour', hour24).assign('meridiem', pm ? chrono.Meridiem.PM : chrono.Meridiem.AM);
}

/**
 * Times in words: "half past two", "quarter to three", "ten past nine", "three thirty p.m.", "two in the
 * afternoon", "at two", "around 3", "ten o'clock". Without AM or PM the hour is kept as said; `dates.ts` decides
 * what a bare "two" means for a clinic.
 */
const spokenTimeParser = parser(
  `(at\\s+|around\\s+|about\\s+)?(?:(half|(?:a\\s+)?quarter|${COUNT_PATTERN}(?:\\s+minutes?)?)\\s+(past|after|to|till|til|before|of)\\s+(${HOUR_WORD_PATTERN}|1[0-2]|[1-9])|(${HOUR_WORD_PATTERN}|1[0-2](?![/:])|[1-9](?![/:]))(?:[\\s-]+(${MINUTE_WORD_PATTERN}))?(\\s+o['’]?\\s?clock)?)(?:\\s*${MERIDIEM_PATTERN})?`,
  (context, match) => {
    const [, lead, relative, direction, relativeHour, hourWord, minuteWord, oclock, meridiem] = match;
    if (relative) {
      const minutes = /half/i.test(relative)
        ? 30
        : /quarter/i.test(relative)
          ? 15
          : countValue(relative.replace(/\s+minutes?$/i, ''));
      if (minutes < 1 || minutes > 59) return null;
      const hour = countValue(relativeHour!);
      const before = /to|till|til|before|of/i.test(direction!);
      return before
        ? withMeridiem(context, hour === 1 ? 12 : hour - 1, 60 - minutes, meridiem)
        : withMeridiem(context, hour, minutes, meridiem);
    }
    // "two" alone is not a time ("two weeks"); it needs minutes, o'clock, AM/PM or a leading "at" or "around".
    if (!minuteWord && !oclock && !meridiem && !lead) return null;
    return withMeridiem(context, countValue(hourWord!), minuteWord ? countValue(minuteWord) : 0, meridiem);
  },
);

// ---- Phrases that name no single day ----------------------------------------------------------------------------

/**
 * "next week", "this month", "the weekend", "March": chrono reads them as a day (the Monday, the 1st), which would
 * book a day the caller never chose. They are dropped, so the caller is asked for a day instead.
 */
const periodFilter: chrono.Refiner = {
  refine: (_context, results) =>
    results.filter(
      (r) =>
        !/^(?:(?:this|next|coming|the|this\s+coming)\s+)?(?:week|weekend|month|year)$/i.test(r.text.trim()) &&
        !(r.start.isCertain('month') && !r.start.isCertain('day') && !r.start.isCertain('weekday')),
    ),
};

/** "3/14" is read in US order (March 14); a caller used to day-first dates hears the date back and can correct it. */
const slashDateRefiner: chrono.Refiner = {
  refine: (_context, results) => {
    for (const r of results) if (r.start.tags().has('parser/SlashDateFormatParser')) r.start.addTag(TAG_INTERPRETED);
    return results;
  },
};

// ---- The instance -----------------------------------------------------------------------------------------------

function build(): chrono.Chrono {
  const clinic = chrono.casual.clone();
  // chrono's own weekday parser picks the closest weekday, possibly in the past, and matches a leading "on" and a
  // trailing comma, so it would win the overlap against the rules above; it is replaced, not raced.
  const replaced = clinic.parsers.findIndex((p) => p.constructor.name === 'ENWeekdayParser');
  if (replaced < 0) throw new Error('chrono-node no longer has ENWeekdayParser; revisit date-phrases.ts');
  clinic.parsers.splice(replaced, 1);
  // First in the list, so that a tie on the same text goes to these.
  clinic.parsers.unshift(
    offsetParser,
    inDurationParser,
    nthWeekdayParser,
    holidayParser,
    dayOfRelativeMonthParser,
    monthDayParser,
    ordinalDayParser,
    weekdayParser,
    spokenTimeParser,
  );
  // After chrono's first overlap removal (so each offset sees the result that won its text), before anything
  // that merges relative phrases with chrono's own arithmetic.
  const overlapRemoval = clinic.refiners.findIndex((r) => r.constructor.name === 'OverlapRemovalRefiner');
  if (overlapRemoval < 0) throw new Error('chrono-node no longer has OverlapRemovalRefiner; revisit date-phrases.ts');
  clinic.refiners.splice(overlapRemoval + 1, 0, offsetRefiner, periodFilter, slashDateRefiner);
  return clinic;
}

export const clinicChrono = build();

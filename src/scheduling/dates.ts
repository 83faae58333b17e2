import * as chrono from 'chrono-node';
import { DateTime, FixedOffsetZone } from 'luxon';
import { spokenDate, spokenTime } from './spoken.ts';
import type { TimeOfDay } from './types.ts';
import { clinicZone } from './zone.ts';

export interface DateContext {
  now: number;
  timeZone: string;
}

export type Correction = { from: string; to: string };

export type DayResolution =
  | { ok: true; date: string; timeOfDay?: TimeOfDay; corrected?: Correction }
  | { ok: false; reason: 'unparseable' | 'past'; say: string };

export type StartResolution =
  | { ok: true; start: number; localDate: string; corrected?: Correction }
  | { ok: false; reason: 'missing' | 'unparseable' | 'past' | 'no_time'; say: string };

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

interface Clock {
  hour: number;
  minute: number;
}

// What a piece of text says, before it is checked against "now".
interface Understood {
  date: CalendarDate;
  // Written out ("2024-12-03", "Dec 3 2024"), not derived from "yesterday" and the like.
  yearExplicit: boolean;
  time?: Clock;
  // Set when the text carried its own UTC offset, which then wins over the clinic's wall clock.
  instant?: number;
}

const SAY_PAST_DATE = 'That date has already passed; could you pick a day from today onward?';

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const ISO_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

const TIME_OF_DAY_WORDS: ReadonlyArray<[TimeOfDay, RegExp]> = [
  ['morning', /\bmorning\b/i],
  ['afternoon', /\bafternoon\b/i],
  ['evening', /\b(?:evening|tonight)\b/i],
];

/**
 * The local date a caller means. Dates that have passed are refused, except a
 * stale explicit year (an LLM that believes it is still 2024), which is moved to
 * the next occurrence of that month and day and reported in `corrected`.
 */
export function resolveDay(text: string, ctx: DateContext): DayResolution {
  const understood = understand(text, ctx);
  if (!understood) {
    return { ok: false, reason: 'unparseable', say: cannotUnderstand(text, 'date', 'next Tuesday') };
  }
  const today = todayIn(ctx);
  const { date, corrected } = withCurrentYear(understood, today);
  if (isoDate(date) < isoDate(today)) return { ok: false, reason: 'past', say: SAY_PAST_DATE };

  const timeOfDay = TIME_OF_DAY_WORDS.find(([, words]) => words.test(text))?.[0];
  return {
    ok: true,
    date: isoDate(date),
    ...(timeOfDay && { timeOfDay }),
    ...(corrected && { corrected }),
  };
}

/**
 * The instant a caller wants to book, from `start` (ISO with or without offset,
 * or words such as "tomorrow at 3pm"), or from `date` plus `time`, or from a bare
 * `time` meaning today. `time` also completes a `start` that names only a day,
 * and overrides any time inside `date`.
 */
export function resolveStart(
  input: { start?: string; date?: string; time?: string },
  ctx: DateContext,
): StartResolution {
  const start = input.start?.trim();
  const dayText = start || input.date?.trim();
  const timeText = input.time?.trim();

  let understood = dayText ? understand(dayText, ctx) : null;
  if (dayText && !understood) {
    const example = start ? 'next Tuesday at 3 PM' : 'next Tuesday';
    return { ok: false, reason: 'unparseable', say: cannotUnderstand(dayText, 'date', example) };
  }
  if (timeText && !(start && understood?.time)) {
    const fromTime = understand(timeText, ctx);
    if (!fromTime?.time) return { ok: false, reason: 'unparseable', say: cannotUnderstand(timeText, 'time', '3:30 PM') };
    understood = understood
      ? { date: understood.date, yearExplicit: understood.yearExplicit, time: fromTime.time }
      : fromTime;
  }
  if (!understood) return { ok: false, reason: 'missing', say: 'Which day and time would you like?' };

  const today = todayIn(ctx);
  const { date: day, corrected } = withCurrentYear(understood, today);
  if (isoDate(day) < isoDate(today)) return { ok: false, reason: 'past', say: SAY_PAST_DATE };
  if (!understood.time) {
    const spoken = spokenDate(isoDate(day), ctx.timeZone, ctx.now);
    return { ok: false, reason: 'no_time', say: `What time on ${spoken} would you like?` };
  }

  const at =
    understood.instant !== undefined && !corrected
      ? DateTime.fromMillis(understood.instant, { zone: clinicZone(ctx.timeZone) })
      : DateTime.fromObject({ ...day, ...understood.time }, { zone: clinicZone(ctx.timeZone) });
  if (at.toMillis() < ctx.now) {
    // The day is today (past days were refused above), so tomorrow is the natural offer.
    const time = spokenTime(at.toMillis(), ctx.timeZone);
    return { ok: false, reason: 'past', say: `That time has already passed; would tomorrow at ${time} work instead?` };
  }
  return {
    ok: true,
    start: at.toMillis(),
    localDate: at.toFormat('yyyy-MM-dd'),
    ...(corrected && { corrected }),
  };
}

function understand(text: string, ctx: DateContext): Understood | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  return ISO_LIKE.test(trimmed) ? understandIso(trimmed, ctx.timeZone) : understandWords(trimmed, ctx);
}

function understandIso(text: string, zone: string): Understood | null {
  const hasTime = text.length > 'YYYY-MM-DD'.length;
  const hasOffset = hasTime && ISO_OFFSET.test(text);
  // Without an offset luxon reads the wall time in `zone`; with one it keeps the
  // instant and shows it in `zone`.
  const parsed = DateTime.fromISO(text.replace(' ', 'T'), { zone: clinicZone(zone) });
  if (!parsed.isValid) return null;
  return {
    date: { year: parsed.year, month: parsed.month, day: parsed.day },
    yearExplicit: true,
    ...(hasTime && { time: { hour: parsed.hour, minute: parsed.minute } }),
    ...(hasOffset && { instant: parsed.toMillis() }),
  };
}

/**
 * chrono ignores IANA names in its `timezone` reference (it only knows
 * abbreviations such as "EST") and silently falls back to the process zone, so
 * the clinic's current UTC offset in minutes is passed instead; "today" and
 * "tomorrow" then follow the clinic's calendar whatever the server's TZ is.
 * Only the parsed fields are used; the instant is built here with luxon.
 */
function understandWords(text: string, ctx: DateContext): Understood | null {
  const reference = clinicNow(ctx);
  const [result] = chrono.casual.parse(text, { instant: new Date(ctx.now), timezone: reference.offset });
  if (!result) return null;
  const parts = result.start;
  const today = reference.startOf('day');

  let date: CalendarDate = {
    year: parts.get('year') ?? today.year,
    month: parts.get('month') ?? today.month,
    day: parts.get('day') ?? today.day,
  };
  const weekday = parts.get('weekday');
  if (parts.isCertain('weekday') && !parts.isCertain('day') && weekday !== null) {
    // chrono's own rules are kept for "this/next/last Tuesday" ("next" = in next
    // Monday-to-Sunday week). A bare "Tuesday" means the next Tuesday after today,
    // never today: chrono would pick the closest one, possibly in the past, and a
    // caller who wants today says "today".
    if (!/\b(?:this|next|last|past)\b/i.test(result.text)) {
      const isoWeekday = weekday === 0 ? 7 : weekday;
      date = calendarDate(today.plus({ days: (isoWeekday - today.weekday + 7) % 7 || 7 }));
    }
  } else if (parts.isCertain('month') && !parts.isCertain('year') && isoDate(date) < isoDate(today)) {
    // "December 3rd" or "3/12" without a year means the next one, not one gone by.
    date = nextOccurrence(date, today);
  }

  const relative = [...result.tags()].some(
    (tag) => tag.startsWith('casualReference/') || tag.startsWith('result/relative'),
  );
  const understood: Understood = {
    date,
    yearExplicit: parts.isCertain('year') && !relative,
  };
  if (!parts.isCertain('hour')) return understood;

  const time: Clock = { hour: clinicHour(parts, result.text), minute: parts.get('minute') ?? 0 };
  const offset = parts.get('timezoneOffset');
  if (!parts.isCertain('timezoneOffset') || offset === null) return { ...understood, time };
  const at = DateTime.fromObject({ ...date, ...time }, { zone: FixedOffsetZone.instance(offset) }).setZone(clinicZone(ctx.timeZone));
  return { ...understood, date: calendarDate(at), time: { hour: at.hour, minute: at.minute }, instant: at.toMillis() };
}

/**
 * "at 3" means 3 PM to someone booking a clinic visit, so a bare hour from 1 to
 * 6 without AM/PM is read as afternoon. A zero-padded "03:00" is taken literally.
 */
function clinicHour(parts: chrono.ParsedComponents, text: string): number {
  const hour = parts.get('hour') ?? 0;
  const bareAfternoonHour = !parts.isCertain('meridiem') && hour >= 1 && hour <= 6 && !/\b0\d:\d\d\b/.test(text);
  return bareAfternoonHour ? hour + 12 : hour;
}

function withCurrentYear(understood: Understood, today: DateTime): { date: CalendarDate; corrected?: Correction } {
  const { date } = understood;
  if (!understood.yearExplicit || date.year >= today.year) return { date };
  const moved = nextOccurrence(date, today);
  return { date: moved, corrected: { from: isoDate(date), to: isoDate(moved) } };
}

/** The first date on or after `today` with the same month and day (Feb 29 waits for a leap year). */
function nextOccurrence({ month, day }: CalendarDate, today: DateTime): CalendarDate {
  // Terminates: month and day come from a real date, which recurs within eight years.
  for (let year = today.year; ; year++) {
    const candidate = { year, month, day };
    if (DateTime.fromObject(candidate, { zone: 'utc' }).isValid && isoDate(candidate) >= isoDate(today)) {
      return candidate;
    }
  }
}

function clinicNow(ctx: DateContext): DateTime {
  const now = DateTime.fromMillis(ctx.now, { zone: clinicZone(ctx.timeZone) });
  if (!now.isValid) throw new RangeError(`Invalid time zone "${ctx.timeZone}"`);
  return now;
}

function todayIn(ctx: DateContext): DateTime {
  return clinicNow(ctx).startOf('day');
}

function calendarDate(dt: DateTime): CalendarDate {
  return { year: dt.year, month: dt.month, day: dt.day };
}

function isoDate({ year, month, day }: CalendarDate): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function cannotUnderstand(text: string, what: 'date' | 'time', example: string): string {
  // Short plain words are worth repeating back; digits or symbols would be read
  // out as gibberish, so those are left out.
  const echo = /^[\p{L} '-]{1,40}$/u.test(text) ? ` "${text}"` : '';
  return `I couldn't understand the ${what}${echo}; could you say it another way, like "${example}"?`;
}

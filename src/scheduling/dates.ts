import type * as chrono from 'chrono-node';
import { DateTime, FixedOffsetZone } from 'luxon';
import { clinicChrono, TAG_COMPUTED, TAG_INTERPRETED, TAG_NO_SUCH_DAY } from './date-phrases.ts';
import { spokenDate, spokenList, spokenTime } from './spoken.ts';
import type { TimeOfDay, Weekday } from './types.ts';
import { clinicZone } from './zone.ts';

export interface DateContext {
  now: number;
  timeZone: string;
}

export type Correction = { from: string; to: string };

/**
 * A phrase that could not become one day. `weekday_mismatch`: a weekday and a date that disagree ("Tuesday the
 * 9th" when the 9th is a Wednesday); `ambiguous`: two different days in one phrase ("Tuesday or Wednesday").
 * `date` is the day understood, where there was one (a past day, a day without a time).
 */
export type DateRefusal = {
  ok: false;
  reason: 'unparseable' | 'past' | 'weekday_mismatch' | 'ambiguous';
  say: string;
  date?: string;
};

/** `interpreted`: a rule chose the day, or the phrase never named it; the caller should hear it (`takenAs`). */
export type DayResolution =
  | { ok: true; date: string; timeOfDay?: TimeOfDay; corrected?: Correction; interpreted?: true }
  | DateRefusal;

export type StartResolution =
  | { ok: true; start: number; localDate: string; corrected?: Correction; interpreted?: true }
  | DateRefusal
  | { ok: false; reason: 'missing' | 'no_time'; say: string; date?: string };

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
  interpreted?: boolean;
  // The weekday said alongside a numbered date ("Tuesday the 9th"), to be checked against it.
  weekday?: Weekday;
  timeOfDay?: TimeOfDay;
}

const SAY_PAST_DATE = 'That date has already passed; could you pick a day from today onward?';

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const ISO_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

// chrono's tags for the parts of the day ("this afternoon", "tonight"); the time parsers add the same ones.
const TIME_OF_DAY_TAGS: ReadonlyArray<[TimeOfDay, readonly string[]]> = [
  ['morning', ['casualReference/morning']],
  ['afternoon', ['casualReference/afternoon']],
  ['evening', ['casualReference/evening', 'casualReference/tonight', 'casualReference/night']],
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
  if ('ok' in understood) return understood;
  const settled = settle(understood, ctx);
  if (!settled.ok) return settled;
  const { date, corrected } = settled;
  const { timeOfDay } = understood;
  return {
    ok: true,
    date: isoDate(date),
    ...(timeOfDay && { timeOfDay }),
    ...(corrected && { corrected }),
    ...(understood.interpreted && { interpreted: true }),
  };
}

/**
 * "I've taken that as Friday, December 11. " when the caller should hear which day was understood — a rule chose
 * it ("next Friday"), the phrase never named it ("the 15th", "Thanksgiving"), or a stale year was moved — else "".
 */
export function takenAs(
  resolution: { date?: string; localDate?: string; interpreted?: true; corrected?: Correction },
  ctx: DateContext,
): string {
  const date = resolution.date ?? resolution.localDate;
  if (!date || !(resolution.interpreted || resolution.corrected)) return '';
  return `I've taken that as ${spokenDate(date, ctx.timeZone, ctx.now)}. `;
}

/** The day checked against today and against the weekday said with it; a stale year moved on. */
function settle(
  understood: Understood,
  ctx: DateContext,
): { ok: true; date: CalendarDate; corrected?: Correction } | DateRefusal {
  const today = todayIn(ctx);
  const { date, corrected } = withCurrentYear(understood, today);
  if (isoDate(date) < isoDate(today)) return { ok: false, reason: 'past', say: SAY_PAST_DATE, date: isoDate(date) };
  // A model with a stale year may have said the weekday of the date as written, so that one counts too.
  const weekdays = [date, understood.date].map((d) => DateTime.utc(d.year, d.month, d.day).weekday);
  if (understood.weekday && !weekdays.includes(understood.weekday)) {
    return { ok: false, reason: 'weekday_mismatch', say: mismatchSentence(date, understood.weekday, today, ctx) };
  }
  return { ok: true, date, ...(corrected && { corrected }) };
}

/** "December 9 is a Wednesday, not a Tuesday; did you mean Wednesday, December 9 or Tuesday, December 8?" */
function mismatchSentence(date: CalendarDate, said: Weekday, today: DateTime, ctx: DateContext): string {
  const day = DateTime.utc(date.year, date.month, date.day).setLocale('en-US');
  const before = day.minus({ days: (day.weekday - said + 7) % 7 });
  const after = before.plus({ days: 7 });
  // The said weekday nearest the date, unless that one has already gone.
  const gone = before.toISODate()! < today.toISODate()!;
  const nearest = day.diff(before, 'days').days <= after.diff(day, 'days').days && !gone ? before : after;
  const speak = (d: DateTime) => spokenDate(d.toISODate()!, ctx.timeZone, ctx.now);
  const named = day.toFormat(day.year === today.year ? 'LLLL d' : 'LLLL d, yyyy');
  return `${named} is a ${day.toFormat('cccc')}, not a ${nearest.setLocale('en-US').toFormat('cccc')}; did you mean ${speak(day)} or ${speak(nearest)}?`;
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

  const fromDay = dayText ? understand(dayText, ctx) : null;
  if (dayText && !fromDay) {
    const example = start ? 'next Tuesday at 3 PM' : 'next Tuesday';
    return { ok: false, reason: 'unparseable', say: cannotUnderstand(dayText, 'date', example) };
  }
  if (fromDay && 'ok' in fromDay) return fromDay;
  let understood = fromDay;
  if (timeText && !(start && understood?.time)) {
    const fromTime = understand(timeText, ctx);
    if (!fromTime || 'ok' in fromTime || !fromTime.time) {
      return { ok: false, reason: 'unparseable', say: cannotUnderstand(timeText, 'time', '3:30 PM') };
    }
    understood = understood ? { ...understood, time: fromTime.time, instant: undefined } : fromTime;
  }
  if (!understood) return { ok: false, reason: 'missing', say: 'Which day and time would you like?' };

  const settled = settle(understood, ctx);
  if (!settled.ok) return settled;
  const { date: day, corrected } = settled;
  const interpreted = understood.interpreted ? ({ interpreted: true } as const) : {};
  if (!understood.time) {
    const spoken = spokenDate(isoDate(day), ctx.timeZone, ctx.now);
    return { ok: false, reason: 'no_time', say: `What time on ${spoken} would you like?`, date: isoDate(day) };
  }

  const at =
    understood.instant !== undefined && !corrected
      ? DateTime.fromMillis(understood.instant, { zone: clinicZone(ctx.timeZone) })
      : DateTime.fromObject({ ...day, ...understood.time }, { zone: clinicZone(ctx.timeZone) });
  if (at.toMillis() < ctx.now) {
    // The day is today (past days were refused above), so tomorrow is the natural offer.
    const time = spokenTime(at.toMillis(), ctx.timeZone);
    return {
      ok: false,
      reason: 'past',
      say: `That time has already passed; would tomorrow at ${time} work instead?`,
      date: at.toFormat('yyyy-MM-dd'),
    };
  }
  return {
    ok: true,
    start: at.toMillis(),
    localDate: at.toFormat('yyyy-MM-dd'),
    ...(corrected && { corrected }),
    ...interpreted,
  };
}

function understand(text: string, ctx: DateContext): Understood | DateRefusal | null {
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
 * Words go through chrono-node extended for the clinic (`date-phrases.ts`). chrono ignores IANA names in its
 * `timezone` reference (it only knows abbreviations such as "EST") and silently falls back to the process zone, so
 * the clinic's current UTC offset in minutes is passed instead; every day is then counted on the clinic's
 * calendar whatever the server's TZ is. Only the parsed fields are used; the instant is built here with luxon.
 */
function understandWords(text: string, ctx: DateContext): Understood | DateRefusal | null {
  const reference = clinicNow(ctx);
  const results = clinicChrono.parse(text, { instant: new Date(ctx.now), timezone: reference.offset });
  if (results.some((r) => r.start.tags().has(TAG_NO_SUCH_DAY))) return null;
  const today = reference.startOf('day');
  const days = results.filter(
    (r) => r.start.isCertain('day') || r.start.isCertain('weekday') || r.start.isCertain('month'),
  );
  // "December 11th, Friday", "2026-12-11 (Friday)": a weekday beside a single date says which weekday that date is.
  const dated = days.filter((r) => r.start.isCertain('day'));
  const beside =
    dated.length === 1 && days.length === 2
      ? days.find((r) => !r.start.isCertain('day') && !r.start.isCertain('month'))
      : undefined;
  if (beside) days.splice(days.indexOf(beside), 1);
  const said = [...new Set(days.map((r) => isoDate(dayOf(r.start, today))))];
  if (said.length > 1) {
    const options = said.map((d) => spokenDate(d, ctx.timeZone, ctx.now));
    return { ok: false, reason: 'ambiguous', say: `Which day did you mean, ${spokenList(options)}?` };
  }
  if (unreadWords(text, results).length > 0) return null;
  const dayResult = days[0];
  const timeResult = results.find((r) => r.start.isCertain('hour'));
  // Neither a day nor a clock time, but a part of today ("this afternoon").
  const main = dayResult ?? timeResult ?? results[0];
  if (!main) return null;
  const parts = main.start;
  const tags = new Set(results.flatMap((r) => [...r.tags()]));

  const date = dayResult ? dayOf(parts, today) : calendarDate(today);
  const computed = [...parts.tags()].some(
    (tag) => tag === TAG_COMPUTED || tag.startsWith('casualReference/') || tag.startsWith('result/relative'),
  );
  const rolledOver = parts.isCertain('month') && !parts.isCertain('year') && date.year > today.year;
  const saidWeekday = beside?.start ?? (parts.isCertain('day') ? parts : undefined);
  const weekday = saidWeekday?.isCertain('weekday') ? isoWeekday(saidWeekday.get('weekday')!) : undefined;
  const timeOfDay = TIME_OF_DAY_TAGS.find(([, names]) => names.some((n) => tags.has(n)))?.[0];
  const understood: Understood = {
    date,
    yearExplicit: parts.isCertain('year') && !computed,
    ...((parts.tags().has(TAG_INTERPRETED) || rolledOver) && { interpreted: true }),
    ...(weekday && { weekday }),
    ...(timeOfDay && { timeOfDay }),
  };
  if (!timeResult) return understood;

  const clock = timeResult.start;
  const time: Clock = { hour: clinicHour(clock, timeResult.text, timeOfDay), minute: clock.get('minute') ?? 0 };
  const offset = clock.get('timezoneOffset');
  if (!clock.isCertain('timezoneOffset') || offset === null) return { ...understood, time };
  const at = DateTime.fromObject({ ...date, ...time }, { zone: FixedOffsetZone.instance(offset) }).setZone(
    clinicZone(ctx.timeZone),
  );
  return { ...understood, date: calendarDate(at), time: { hour: at.hour, minute: at.minute }, instant: at.toMillis() };
}

/**
 * Words that may stand around a date or time without changing it ("on Friday, please", "early Tuesday", "the day
 * that works"). Any other word left outside what was parsed means part of the phrase was not understood — "two
 * Tuesdays from now" is not "now", "before Friday" is not Friday, "a week on Tuesday" is not Tuesday — and a day
 * guessed from the rest would be a wrong booking, so the phrase is not understood at all.
 */
const FILLER_WORDS = new Set(
  (
    'a an the at on in of for by to around about approximately roughly say please maybe perhaps preferably ideally ' +
    'possibly probably if possible um uh er oh so well ok okay yes yeah sure then and is it that would be could can ' +
    'i we me us my our you your do does have there come go book want need like good fine works work free available ' +
    'open day time appointment visit sometime any anytime early late mid first thing o clock'
  ).split(' '),
);

function unreadWords(text: string, results: readonly chrono.ParsedResult[]): string[] {
  let rest = text;
  for (const r of [...results].sort((a, b) => b.index - a.index)) {
    rest = `${rest.slice(0, r.index)} ${rest.slice(r.index + r.text.length)}`;
  }
  return rest
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word && !FILLER_WORDS.has(word));
}

/** The calendar day of a result; a month and day without a year is the next one, not one gone by. */
function dayOf(parts: chrono.ParsedComponents, today: DateTime): CalendarDate {
  const date = { year: parts.get('year')!, month: parts.get('month')!, day: parts.get('day')! };
  return parts.isCertain('month') && !parts.isCertain('year') ? nextOccurrence(date, today) : date;
}

/** chrono numbers weekdays from Sunday = 0; luxon and the clinic's week from Monday = 1. */
const isoWeekday = (chronoWeekday: number) => (chronoWeekday === 0 ? 7 : chronoWeekday) as Weekday;

/**
 * "at 3" means 3 PM to someone booking a clinic visit, so a bare hour from 1 to 6 without AM/PM is read as
 * afternoon; so is any bare hour said with "afternoon", "evening" or "tonight" ("tonight at eight"). A zero-padded
 * "03:00" is taken literally.
 */
function clinicHour(parts: chrono.ParsedComponents, text: string, timeOfDay: TimeOfDay | undefined): number {
  const hour = parts.get('hour') ?? 0;
  if (parts.isCertain('meridiem') || hour >= 12 || /\b0\d:\d\d\b/.test(text)) return hour;
  const later = timeOfDay === 'afternoon' || timeOfDay === 'evening';
  return later || (hour >= 1 && hour <= 6) ? hour + 12 : hour;
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

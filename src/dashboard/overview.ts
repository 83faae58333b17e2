import { DateTime } from 'luxon';
import type { Sql } from '../db/client.ts';
import { type CallbackRow, doneToday, openCallbacks } from '../db/queries/callbacks.ts';
import {
  type DashboardTenant,
  liveCalls,
  openOffers,
  recentLeads,
  recentSms,
  type ScheduleRow,
  type SmsRow,
  scheduleRows,
  waitingEntries,
} from '../db/queries/dashboard.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { openIntervals } from '../scheduling/hours.ts';
import type { TenantContext } from '../tenants/directory.ts';
import { type AppointmentWord, appointmentWord, maskPhone, smsKindWords, smsShownText, stateWords } from './words.ts';

/** A week from today: on a Friday, staff still see Monday. */
export const SCHEDULE_DAYS = 7;
/** How far back the call-back queue looks. */
export const CALLBACK_DAYS = 7;
const CALLBACKS_SHOWN = 100;
const LEADS_SHOWN = 30;
const SMS_SHOWN = 20;
const WAITLIST_SHOWN = 30;

export interface ScheduleItem {
  id: string;
  /** held / booked / released / cancelled / no-show (words.ts). */
  word: AppointmentWord;
  start: string;
  end: string;
  /** For holds: when the slot frees unless confirmed (the page counts down to it). */
  expiresAt: string | null;
  service: string;
  patient: string | null;
  phone: string | null;
  callId: string | null;
  /** The patient answered the reminder with "C"/"YES". */
  confirmedByText: boolean;
  /** What staff may do with it now. */
  can: { move: boolean; cancel: boolean; noShow: boolean };
}

export interface ProviderDay {
  id: string;
  name: string;
  items: ScheduleItem[];
  /** Open time nobody holds, from now on (today) — where staff can book. */
  gaps: { start: string; end: string }[];
}

export interface ScheduleDay {
  date: string;
  label: string;
  providers: ProviderDay[];
}

/** One person to phone back: every open item for that number (or call) together; "done" marks them all. */
export interface Callback {
  key: string;
  items: { kind: string; id: string }[];
  name: string | null;
  /** In full: the receptionist dials it (a tel: link). */
  phone: string | null;
  reasons: string[];
  at: string;
  callId: string | null;
}

export interface Overview {
  clinic: { name: string; timeZone: string; hotLeadThreshold: number };
  serverNow: string;
  callbacks: Callback[];
  done: { what: string; handledBy: string; at: string }[];
  /** Today first, then the following days that have bookings. */
  days: ScheduleDay[];
  calls: {
    id: string;
    doing: string;
    state: string;
    name: string | null;
    caller: string | null;
    startedAt: string;
    slot: { start: string; provider: string; expiresAt: string } | null;
  }[];
  leads: {
    callId: string;
    score: number;
    hot: boolean;
    name: string | null;
    caller: string | null;
    strongest: string;
    more: string[];
    createdAt: string;
  }[];
  sms: {
    id: string;
    kind: string;
    kindWords: string;
    to: string | null;
    status: string;
    error: string | null;
    text: string;
    callId: string | null;
    createdAt: string;
  }[];
  waitlist: {
    waiting: {
      id: string;
      name: string | null;
      phone: string | null;
      service: string;
      fromDate: string;
      toDate: string;
      timeOfDay: string | null;
      since: string;
    }[];
    offers: {
      id: string;
      name: string | null;
      phone: string | null;
      service: string;
      provider: string;
      start: string;
      expiresAt: string;
    }[];
  };
  /** For the booking form. */
  catalog: {
    providers: { id: string; name: string }[];
    services: { id: string; name: string; minutes: number; providerIds: string[] }[];
  };
}

export async function loadOverview(
  sql: Sql,
  tenant: DashboardTenant,
  ctx: TenantContext,
  now: number,
): Promise<Overview> {
  const [rows, leads, calls, sms, callbacks, done, waiting, offers] = await withTenant(sql, tenant.id, (tx) =>
    Promise.all([
      scheduleRows(tx, tenant.id, SCHEDULE_DAYS),
      recentLeads(tx, tenant.id, LEADS_SHOWN),
      liveCalls(tx, tenant.id),
      recentSms(tx, tenant.id, SMS_SHOWN),
      openCallbacks(tx, tenant.id, { days: CALLBACK_DAYS, limit: CALLBACKS_SHOWN }),
      doneToday(tx, tenant.id, 20),
      waitingEntries(tx, tenant.id, WAITLIST_SHOWN),
      openOffers(tx, tenant.id, WAITLIST_SHOWN),
    ]),
  );
  return {
    clinic: { name: tenant.name, timeZone: tenant.timeZone, hotLeadThreshold: tenant.hotLeadThreshold },
    serverNow: new Date(now).toISOString(),
    callbacks: groupCallbacks(callbacks),
    done: done.map((d) => ({ what: d.what, handledBy: d.handledBy, at: d.doneAt.toISOString() })),
    days: groupSchedule(rows, ctx, now, SCHEDULE_DAYS),
    calls: calls.map((c) => ({
      id: c.id,
      doing: stateWords(c.state),
      state: c.state,
      name: c.name,
      caller: maskPhone(c.callerNumber),
      startedAt: c.createdAt.toISOString(),
      slot:
        c.heldStart && c.heldProvider && c.heldUntil
          ? { start: c.heldStart.toISOString(), provider: c.heldProvider, expiresAt: c.heldUntil.toISOString() }
          : null,
    })),
    leads: leads.map((l) => ({
      callId: l.callId,
      score: l.score,
      hot: l.hot,
      name: l.name,
      caller: maskPhone(l.callerNumber),
      strongest: l.reasons
        .filter((r) => r.points > 0)
        .slice(0, 2)
        .map((r) => r.text)
        .join(' · '),
      more: l.reasons.map((r) => `${r.text} (${r.points > 0 ? '+' : ''}${r.points})`),
      createdAt: l.createdAt.toISOString(),
    })),
    sms: sms.map((m) => ({
      id: m.id,
      kind: m.kind,
      kindWords: smsKindWords(m.kind),
      to: maskPhone(m.toE164),
      status: smsStatus(m),
      error: m.lastError ?? (m.deliveryErrorCode ? `error ${m.deliveryErrorCode}` : null),
      text: smsShownText(m, true),
      callId: m.callId,
      createdAt: m.createdAt.toISOString(),
    })),
    waitlist: {
      waiting: waiting.map((w) => ({
        id: w.id,
        name: w.name,
        phone: maskPhone(w.phone),
        service: w.serviceName,
        fromDate: w.fromDate,
        toDate: w.toDate,
        timeOfDay: w.timeOfDay,
        since: w.createdAt.toISOString(),
      })),
      offers: offers.map((o) => ({
        id: o.id,
        name: o.name,
        phone: maskPhone(o.phone),
        service: o.serviceName,
        provider: o.providerName,
        start: o.startsAt.toISOString(),
        expiresAt: o.expiresAt.toISOString(),
      })),
    },
    catalog: {
      providers: ctx.catalog.providers.map((p) => ({ id: p.id, name: p.name })),
      services: ctx.catalog.services.map((s) => ({
        id: s.id,
        name: s.name,
        minutes: s.durationMinutes,
        providerIds: s.providerIds,
      })),
    },
  };
}

/** Items for the same number (else the same call) become one entry, newest first, its reasons without repeats. */
export function groupCallbacks(rows: CallbackRow[]): Callback[] {
  const byKey = new Map<string, Callback>();
  for (const r of rows) {
    const key = r.phone ?? `call:${r.callId ?? `${r.kind}:${r.sourceId}`}`;
    const cb = byKey.get(key) ?? {
      key,
      items: [],
      name: r.name,
      phone: r.phone,
      reasons: [],
      at: r.at.toISOString(),
      callId: r.callId,
    };
    byKey.set(key, cb);
    cb.items.push({ kind: r.kind, id: r.sourceId });
    if (!cb.reasons.includes(r.reason)) cb.reasons.push(r.reason);
  }
  return [...byKey.values()];
}

/** Days whose free gaps are shown: today, and tomorrow for when today is over (the page then leads with it). */
const DAYS_WITH_GAPS = 2;

/**
 * Rows (ordered by start) into local days, then providers. Today and tomorrow show every provider who works, with
 * the free gaps left from now on, and what was released. Later days show only their active and cancelled
 * appointments, and only the days that have some.
 */
export function groupSchedule(rows: ScheduleRow[], ctx: TenantContext, now: number, days: number): ScheduleDay[] {
  const zone = ctx.tenant.timeZone;
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const out: ScheduleDay[] = Array.from({ length: days }, (_, i) => {
    const d = today.plus({ days: i });
    return {
      date: d.toISODate()!,
      label: i === 0 ? 'Today' : i === 1 ? 'Tomorrow' : d.toFormat('cccc d LLLL'),
      providers: [],
    };
  });
  const providerOf = (day: ScheduleDay, id: string, name: string) => {
    const found = day.providers.find((x) => x.id === id);
    if (found) return found;
    const p: ProviderDay = { id, name, items: [], gaps: [] };
    day.providers.push(p);
    return p;
  };
  const gapDays = out.slice(0, DAYS_WITH_GAPS);
  for (const day of gapDays) {
    for (const p of ctx.catalog.providers) {
      if (openIntervals(p.id, day.date, ctx.catalog.hours, ctx.catalog.exceptions, zone).length)
        providerOf(day, p.id, p.name);
    }
  }
  for (const r of rows) {
    const index = out.findIndex((d) => d.date === DateTime.fromJSDate(r.startsAt, { zone }).toISODate());
    const word = appointmentWord(r);
    if (index < 0) continue;
    const upcoming = r.startsAt.getTime() > now;
    providerOf(out[index]!, r.providerId, r.providerName).items.push({
      id: r.id,
      word,
      start: r.startsAt.toISOString(),
      end: r.endsAt.toISOString(),
      expiresAt: r.status === 'held' ? (r.expiresAt?.toISOString() ?? null) : null,
      service: r.serviceName,
      patient: r.patientName,
      phone: maskPhone(r.patientPhone),
      callId: r.callId,
      confirmedByText: r.patientConfirmedAt !== null,
      can: {
        move: word === 'booked' && upcoming,
        cancel: word === 'booked' && upcoming,
        noShow: word === 'booked' && !upcoming,
      },
    });
  }
  for (const day of gapDays) {
    for (const p of day.providers) {
      const busy = p.items
        .filter((i) => i.word === 'held' || i.word === 'booked' || i.word === 'no-show')
        .map((i) => [Date.parse(i.start), Date.parse(i.end)] as const);
      const open = openIntervals(p.id, day.date, ctx.catalog.hours, ctx.catalog.exceptions, zone);
      p.gaps = freeGaps(open, busy, now, ctx.tenant.slotStepMinutes * 60_000).map((g) => ({
        start: new Date(g.start).toISOString(),
        end: new Date(g.end).toISOString(),
      }));
    }
  }
  for (const day of out) day.providers.sort((a, b) => a.name.localeCompare(b.name));
  return out.filter((day, i) => i < DAYS_WITH_GAPS || day.providers.length > 0);
}

/** Open intervals minus busy ones, from `now` on, keeping gaps at least `min` long. */
export function freeGaps(
  open: { start: number; end: number }[],
  busy: readonly (readonly [number, number])[],
  now: number,
  min: number,
) {
  const gaps: { start: number; end: number }[] = [];
  const sorted = [...busy].sort((a, b) => a[0] - b[0]);
  for (const o of open) {
    let cursor = Math.max(o.start, Math.ceil(now / min) * min);
    for (const [s, e] of sorted) {
      if (e <= cursor || s >= o.end) continue;
      if (s - cursor >= min) gaps.push({ start: cursor, end: s });
      cursor = Math.max(cursor, e);
    }
    if (o.end - cursor >= min) gaps.push({ start: cursor, end: o.end });
  }
  return gaps;
}

// Twilio's reports from 'sent' on say more than our own send status; its earlier ones ('queued', 'sending') would
// make a message we handed over look as if it had not left yet.
const TWILIO_OUTCOMES = new Set(['sent', 'delivered', 'undelivered', 'failed', 'read']);

/** One word for staff: the outbox's own status ('pending' reads as queued) until Twilio reports an outcome. */
function smsStatus(m: Pick<SmsRow, 'status' | 'deliveryStatus'>): string {
  if (m.deliveryStatus && TWILIO_OUTCOMES.has(m.deliveryStatus)) return m.deliveryStatus;
  return m.status === 'pending' ? 'queued' : m.status;
}

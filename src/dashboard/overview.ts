import { DateTime } from 'luxon';
import type { Sql } from '../db/client.ts';
import { withTenant } from '../db/tenant-scope.ts';
import {
  type DashboardTenant,
  type LeadRow,
  liveCalls,
  recentLeads,
  recentSms,
  type ScheduleRow,
  scheduleRows,
  type SmsRow,
} from '../db/queries/dashboard.ts';

/** A week from today: on a Friday, staff still see Monday. */
export const SCHEDULE_DAYS = 7;
const LEADS_SHOWN = 30;
const SMS_SHOWN = 20;

export interface ScheduleItem {
  id: string;
  status: ScheduleRow['status'];
  start: string;
  end: string;
  /** For holds: when the slot frees unless confirmed (the page counts down to it). */
  expiresAt: string | null;
  service: string;
  patient: string | null;
  phone: string | null;
  callId: string | null;
}

export interface ScheduleDay {
  date: string;
  label: string;
  providers: { name: string; items: ScheduleItem[] }[];
}

export interface Overview {
  clinic: { name: string; timeZone: string; hotLeadThreshold: number };
  serverNow: string;
  days: ScheduleDay[];
  leads: (Omit<LeadRow, 'createdAt' | 'callerNumber'> & { createdAt: string; caller: string | null })[];
  calls: {
    id: string;
    /** The call machine's state (machines/call-machine.ts). */
    state: string;
    caller: string | null;
    startedAt: string;
    /** The slot the call holds, and when the hold runs out (the page counts down to it). */
    slot: { start: string; provider: string; expiresAt: string } | null;
  }[];
  /** queued (not yet handed to the provider), sending, sent, unknown, failed; then Twilio's delivered, undelivered, … */
  sms: { id: string; kind: string; to: string | null; status: string; error: string | null; createdAt: string }[];
}

export async function loadOverview(sql: Sql, tenant: DashboardTenant, now: number): Promise<Overview> {
  const [rows, leads, calls, sms] = await withTenant(sql, tenant.id, (tx) =>
    Promise.all([
      scheduleRows(tx, tenant.id, SCHEDULE_DAYS),
      recentLeads(tx, tenant.id, LEADS_SHOWN),
      liveCalls(tx, tenant.id),
      recentSms(tx, tenant.id, SMS_SHOWN),
    ]),
  );
  return {
    clinic: { name: tenant.name, timeZone: tenant.timeZone, hotLeadThreshold: tenant.hotLeadThreshold },
    serverNow: new Date(now).toISOString(),
    days: groupSchedule(rows, tenant.timeZone, now, SCHEDULE_DAYS),
    leads: leads.map(({ createdAt, callerNumber, ...lead }) => ({ ...lead, caller: maskPhone(callerNumber), createdAt: createdAt.toISOString() })),
    calls: calls.map((c) => ({
      id: c.id,
      state: c.state,
      caller: maskPhone(c.callerNumber),
      startedAt: c.createdAt.toISOString(),
      slot:
        c.heldStart && c.heldProvider && c.heldUntil
          ? { start: c.heldStart.toISOString(), provider: c.heldProvider, expiresAt: c.heldUntil.toISOString() }
          : null,
    })),
    sms: sms.map((m) => ({
      id: m.id,
      kind: m.kind,
      to: maskPhone(m.toE164),
      status: smsStatus(m),
      error: m.lastError ?? (m.deliveryErrorCode ? `error ${m.deliveryErrorCode}` : null),
      createdAt: m.createdAt.toISOString(),
    })),
  };
}

/** Rows (ordered by start) into local days, then providers. Today and tomorrow always appear; later days when booked. */
export function groupSchedule(rows: ScheduleRow[], zone: string, now: number, days: number): ScheduleDay[] {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const out: ScheduleDay[] = Array.from({ length: days }, (_, i) => {
    const d = today.plus({ days: i });
    return { date: d.toISODate()!, label: i === 0 ? 'Today' : i === 1 ? 'Tomorrow' : d.toFormat('cccc d LLLL'), providers: [] };
  });
  for (const r of rows) {
    const day = out.find((d) => d.date === DateTime.fromJSDate(r.startsAt, { zone }).toISODate());
    if (!day) continue;
    let provider = day.providers.find((p) => p.name === r.providerName);
    if (!provider) day.providers.push((provider = { name: r.providerName, items: [] }));
    provider.items.push({
      id: r.id,
      status: r.status,
      start: r.startsAt.toISOString(),
      end: r.endsAt.toISOString(),
      expiresAt: r.expiresAt?.toISOString() ?? null,
      service: r.serviceName,
      patient: r.patientName,
      phone: maskPhone(r.patientPhone),
      callId: r.callId,
    });
  }
  for (const day of out) day.providers.sort((a, b) => a.name.localeCompare(b.name));
  return out.filter((day, i) => i < 2 || day.providers.length > 0);
}

// Twilio's reports from 'sent' on say more than our own send status; its earlier ones ('queued', 'sending') would
// make a message we handed over look as if it had not left yet.
const TWILIO_OUTCOMES = new Set(['sent', 'delivered', 'undelivered', 'failed', 'read']);

/** One word for staff: the outbox's own status ('pending' reads as queued) until Twilio reports an outcome. */
function smsStatus(m: Pick<SmsRow, 'status' | 'deliveryStatus'>): string {
  if (m.deliveryStatus && TWILIO_OUTCOMES.has(m.deliveryStatus)) return m.deliveryStatus;
  return m.status === 'pending' ? 'queued' : m.status;
}

/** "•••• 1000": enough to recognise a caller on a screen others can see, not enough to copy. */
export function maskPhone(e164: string | null): string | null {
  return e164 ? `•••• ${e164.slice(-4)}` : null;
}

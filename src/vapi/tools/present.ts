import { DateTime } from 'luxon';
import type { Slot } from '../../scheduling/types.ts';
import { spokenList, spokenSlot } from '../../scheduling/spoken.ts';
import type { TenantContext } from '../../tenants/directory.ts';
import { clinicZone } from '../../scheduling/zone.ts';
import { refuse, type ToolAnswer } from '../answer.ts';

export interface PresentedSlot {
  start: string;
  provider: string;
  label: string;
}

/** A slot as the model sees it: ISO start with the clinic's offset, who, and how to say it. */
export function presentSlot(ctx: TenantContext, slot: Slot, now: number): PresentedSlot {
  const zone = ctx.tenant.timeZone;
  const provider = ctx.catalog.providers.find((p) => p.id === slot.providerId);
  return {
    start: DateTime.fromMillis(slot.start, { zone: clinicZone(zone) }).toISO({ suppressMilliseconds: true })!,
    provider: provider?.name ?? 'any',
    label: spokenSlot(slot.start, zone, now),
  };
}

/** "tomorrow at 9 AM, tomorrow at 11:30 AM or Friday at 2 PM" */
export const spokenSlots = (slots: PresentedSlot[]) => spokenList(slots.map((s) => s.label));

/**
 * Every answer about a day the caller named carries that day (`date`, clinic-local ISO), whatever the outcome, so
 * the model — and anyone reading the call — can see what was understood.
 */
export const withDate = (a: ToolAnswer, date: string | null | undefined): ToolAnswer =>
  date ? { ...a, body: { ...a.body, date } } : a;

/** A date or time that could not be used, spoken; with the day it was understood as, where there was one. */
export const refuseWhen = (r: { reason: string; say: string; date?: string }): ToolAnswer =>
  refuse(r.reason, r.say, r.date ? { date: r.date } : {});

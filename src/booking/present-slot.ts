// A slot as the caller hears it and the model sees it: ISO start with the clinic's offset, who, and how to say it.
import { spokenList, spokenSlot } from '../scheduling/spoken.ts';
import type { Slot } from '../scheduling/types.ts';
import { isoWithOffset } from '../scheduling/zone.ts';
import type { TenantContext } from '../tenants/directory.ts';

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
    start: isoWithOffset(slot.start, zone),
    provider: provider?.name ?? 'any',
    label: spokenSlot(slot.start, zone, now),
  };
}

/** "tomorrow at 9 AM, tomorrow at 11:30 AM or Friday at 2 PM" */
export const spokenSlots = (slots: PresentedSlot[]) => spokenList(slots.map((s) => s.label));

import { answer, refuse, type ToolAnswer } from '../domain/answer.ts';
import { spokenSlot } from '../scheduling/spoken.ts';
import type { TenantContext } from '../tenants/directory.ts';
import type { ClaimAnswer, RefusalReason } from './booking-service.ts';
import { type PresentedSlot, presentSlot, spokenSlots } from './present-slot.ts';

/** The answer for a claim that did not succeed is the same for a booking and a hold; only success differs. */
export function describeClaim(
  ctx: TenantContext,
  outcome: ClaimAnswer,
  requested: number,
  now: number,
  preface: string,
  onClaimed: (booking: Extract<ClaimAnswer, { kind: 'claimed' }>['booking'], slot: PresentedSlot) => ToolAnswer,
): ToolAnswer {
  if (outcome.kind === 'claimed') {
    const b = outcome.booking;
    return onClaimed(
      b,
      presentSlot(ctx, { providerId: b.providerId, start: b.startsAt.getTime(), end: b.endsAt.getTime() }, now),
    );
  }
  const alternatives = outcome.alternatives.map((s) => presentSlot(ctx, s, now));
  const offer = alternatives.length
    ? ` I have ${spokenSlots(alternatives)}.`
    : " I don't see anything free in the next two weeks.";
  const asked = spokenSlot(requested, ctx.tenant.timeZone, now);
  if (outcome.kind === 'unavailable') {
    return answer('unavailable', `${preface}Sorry, ${asked} is already taken.${offer}`, { alternatives });
  }
  return refuse(outcome.reason, `${preface}${refusalSentence(ctx, outcome.reason, asked)}${offer}`, { alternatives });
}

function refusalSentence(ctx: TenantContext, reason: RefusalReason, asked: string): string {
  const { tenant } = ctx;
  switch (reason) {
    case 'closed':
      return `We're not open ${asked}.`;
    case 'past':
      return `${capitalise(asked)} has already passed.`;
    case 'too_soon':
      return `${capitalise(asked)} is too soon; we need at least ${noticeWords(tenant.minNoticeMinutes)} notice.`;
    case 'too_far':
      return `We only book up to ${tenant.horizonDays} days ahead.`;
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function noticeWords(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "a day's" : `${minutes / 1440} days'`;
  if (minutes % 60 === 0) return minutes === 60 ? "an hour's" : `${minutes / 60} hours'`;
  return `${minutes} minutes'`;
}

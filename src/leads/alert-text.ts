/** Room for the reasons in one 160-character SMS segment where possible; the link is what matters most. */
const MAX_LENGTH = 300;

import type { LeadScore } from '../domain/lead.ts';

/**
 * The owner's hot-lead text: who called, the score, the strongest reasons, and where to see the call. The caller's
 * number is in full here, so the owner can call back; the dashboard masks it.
 */
export function hotLeadText(o: {
  clinic: string;
  caller: string | null;
  lead: LeadScore;
  detailUrl: string | null;
}): string {
  const head = `Hot lead ${o.lead.score}/100 at ${o.clinic}: ${o.caller ?? 'unknown number'}.`;
  const tail = o.detailUrl ? ` ${o.detailUrl}` : '';
  const reasons = o.lead.reasons.filter((r) => r.points > 0).map((r) => r.text);
  let text = `${head}${tail}`;
  for (let n = Math.min(3, reasons.length); n > 0; n--) {
    const candidate = `${head} ${capitalise(reasons.slice(0, n).join(', '))}.${tail}`;
    if (candidate.length <= MAX_LENGTH) {
      text = candidate;
      break;
    }
  }
  return text;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

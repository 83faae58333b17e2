import type { LeadReason, LeadScore, LeadSignals } from '../domain/lead.ts';
import type { LeadWeights } from './weights.ts';

/**
 * The lead score: `base` plus the points of every signal present, clamped to 0–100. Each signal adds its weight once
 * (a phrase family counts once however often it is said), so the reasons add up to the score before clamping.
 */
export function scoreLead(s: LeadSignals, w: LeadWeights): LeadScore {
  const reasons: LeadReason[] = [{ points: w.base, text: 'called in' }];
  const add = (points: number, text: string) => {
    if (points !== 0) reasons.push({ points, text });
  };

  if (s.booked) {
    add(w.booked, `booked ${s.booked.name}`);
    const share = Math.min(1, s.booked.valueCents / w.serviceValueFullCents);
    add(
      Math.round(share * w.serviceValueMax),
      `${s.booked.name} is worth ${(s.booked.valueCents / 100).toFixed(0)} to the clinic`,
    );
  } else if (s.held) {
    add(w.heldNotBooked, 'held a slot but did not confirm');
  }
  if (s.codeVerified) add(w.codeVerified, 'verified their phone number');
  if (s.escalated) add(w.escalated, 'escalated to staff');

  const text = `${s.callerText}\n${s.summary}`;
  const price = findPhrase(text, w.priceWords);
  const topic = findPhrase(text, w.valuableTopics);
  if (price && topic) add(w.priceQuestion + w.valuableTopic, `asked for price of ${topic}`);
  else if (price) add(w.priceQuestion, 'asked about prices');
  else if (topic) add(w.valuableTopic, `interested in ${topic}`);

  for (const intent of w.intents) {
    const said = findPhrase(text, intent.words);
    if (said) add(intent.points, `${intent.reason} ("${said}")`);
  }

  const saysNew = findPhrase(text, w.newPatientWords);
  if (s.newPatient === true || saysNew) add(w.newPatient, 'new patient');

  const rating = s.successEvaluation === null ? null : readEvaluation(s.successEvaluation);
  if (rating !== null)
    add(Math.round((rating * 2 - 1) * w.successEvaluation), `Vapi rated the call "${s.successEvaluation}"`);

  for (const [key, weight] of Object.entries(w.structuredData)) {
    if (s.structuredData && truthy(s.structuredData[key])) add(weight, `analysis says ${key}`);
  }

  if (s.durationSeconds !== null) {
    if (s.durationSeconds < w.shortCallSeconds) add(w.shortCall, `hung up after ${Math.round(s.durationSeconds)} s`);
    else if (s.durationSeconds >= w.engagedCallSeconds)
      add(w.engagedCall, `talked ${Math.round(s.durationSeconds / 60)} min`);
  }

  const total = reasons.reduce((sum, r) => sum + r.points, 0);
  return {
    score: Math.max(0, Math.min(100, Math.round(total))),
    reasons: reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points)),
  };
}

const NEGATION = /\b(not|no|never|isn't|wasn't|isnt|wasnt|don't|dont)\b/i;

/**
 * The phrase of the family said first in the text, as said (lower case), as whole words and not just negated ("it's
 * not an emergency": up to three words before the phrase are looked at).
 */
export function findPhrase(text: string, phrases: readonly string[]): string | undefined {
  if (phrases.length === 0) return undefined;
  // Longest first, so "root canal" wins over "root" when both are listed.
  const alternatives = [...phrases]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.trim().split(/\s+/).map(escapeRegExp).join('\\s+'));
  for (const m of text.matchAll(new RegExp(`\\b(?:${alternatives.join('|')})\\b`, 'gi'))) {
    const before = text.slice(0, m.index).split(/\s+/).slice(-4).join(' ');
    if (!NEGATION.test(before)) return m[0].toLowerCase().replace(/\s+/g, ' ');
  }
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const GRADES: Record<string, number> = { a: 1, b: 0.75, c: 0.5, d: 0.25, e: 0.1, f: 0 };
const YES = new Set(['true', 'yes', 'pass', 'passed', 'success', 'successful']);
const NO = new Set(['false', 'no', 'fail', 'failed', 'failure', 'unsuccessful']);

/** successEvaluation on a 0–1 scale, whatever rubric the assistant used; null when it cannot be read. */
export function readEvaluation(raw: string): number | null {
  const v = raw.trim().toLowerCase().replace(/\.$/, '');
  if (YES.has(v)) return 1;
  if (NO.has(v)) return 0;
  const fraction = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(v);
  if (fraction) return Number(fraction[2]) > 0 ? clamp01(Number(fraction[1]) / Number(fraction[2])) : null;
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(v);
  if (percent) return clamp01(Number(percent[1]) / 100);
  if (/^\d+(?:\.\d+)?$/.test(v)) {
    const n = Number(v);
    // A bare number: Vapi's numeric rubrics are 1–10 ("NumericScale") or 0–100 ("PercentageScale").
    return clamp01(n <= 10 ? n / 10 : n / 100);
  }
  if (/^[a-f][+-]?$/.test(v)) return GRADES[v[0]!]!;
  return null;
}

const clamp01 = (n: number) => Math.max(0, Math.min(1, n));

function truthy(v: unknown): boolean {
  if (typeof v === 'string') return YES.has(v.trim().toLowerCase());
  if (typeof v === 'number') return v !== 0;
  return v === true;
}

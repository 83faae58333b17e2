// Lead scoring over end-of-call reports shaped like Vapi's (../shared/reference/vapi-protocol.md §3.2).
import { describe, expect, it } from 'vitest';
import type { CallReport } from '../../../src/db/queries/calls.ts';
import type { CallFacts } from '../../../src/domain/lead.ts';
import { hotLeadText } from '../../../src/leads/alert-text.ts';
import { signalsFromReport } from '../../../src/leads/report.ts';
import { findPhrase, readEvaluation, scoreLead } from '../../../src/leads/score.ts';
import { DEFAULT_LEAD_WEIGHTS, LeadWeights } from '../../../src/leads/weights.ts';
import { readCallReport } from '../../../src/vapi/call-report.ts';
import { Envelope } from '../../../src/vapi/envelope.ts';

/** The report as the webhook stores it on the call (src/vapi/call-report.ts), which is what scoring reads. */
const stored = (message: object): CallReport => readCallReport(Envelope.parse({ message }).message);

const THRESHOLD = 70;

function report(o: {
  summary?: string;
  turns: [string, string][];
  seconds: number;
  structuredData?: object;
  successEvaluation?: string;
  endedReason?: string;
}) {
  const started = Date.parse('2026-09-01T08:00:03.120Z');
  return stored({
    type: 'end-of-call-report',
    timestamp: started + o.seconds * 1000 + 4000,
    endedReason: o.endedReason ?? 'customer-ended-call',
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + o.seconds * 1000).toISOString(),
    cost: 0.1432,
    analysis: { summary: o.summary, structuredData: o.structuredData, successEvaluation: o.successEvaluation },
    artifact: {
      transcript: o.turns.map(([who, line]) => `${who === 'bot' ? 'AI' : 'User'}: ${line}`).join('\n'),
      messages: o.turns.map(([role, message], i) => ({
        role,
        message,
        time: started + i * 5000,
        secondsFromStart: i * 5,
      })),
      recordingUrl: 'https://storage.vapi.ai/rec.wav',
    },
    call: { id: 'call-1', type: 'inboundPhoneCall', customer: { number: '+16172531000' } },
    customer: { number: '+16172531000' },
    phoneNumber: { number: '+12125550100' },
  });
}

const nothing: CallFacts = { booked: null, held: false, codeVerified: false, escalated: false, newPatient: false };
const score = (r: CallReport, facts: Partial<CallFacts> = {}, w = DEFAULT_LEAD_WEIGHTS) =>
  scoreLead(signalsFromReport(r, { ...nothing, ...facts }), w);
const texts = (s: { reasons: { text: string }[] }) => s.reasons.map((r) => r.text);

describe('scoreLead over real-looking calls', () => {
  it('a new patient who books an implant consultation after asking the price is hot', () => {
    const r = report({
      seconds: 214,
      summary: 'New patient asked how much implants cost and booked an implant consultation for Thursday 9:30.',
      structuredData: { booked: true, service: 'implant consultation' },
      successEvaluation: 'true',
      turns: [
        ['bot', 'Good morning, Demo Family Clinic, how can I help?'],
        ['user', "Hi, I'm a new patient. How much do implants cost roughly?"],
        ['bot', 'The consultation is where the dentist gives you a quote. Shall I book one?'],
        ['user', 'Yes please, Thursday morning.'],
      ],
    });
    const s = score(r, {
      booked: { name: 'implant consultation', valueCents: 25_000 },
      held: true,
      codeVerified: true,
      newPatient: true,
    });
    expect(s.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(texts(s)).toEqual(
      expect.arrayContaining([
        'booked implant consultation',
        'asked for price of implants',
        'new patient',
        'verified their phone number',
      ]),
    );
    expect(texts(s)).not.toContain('held a slot but did not confirm');
  });

  it('a caller who asks the price of veneers and hangs up before booking is still a lead, not a booking', () => {
    const r = report({
      seconds: 75,
      summary: 'Caller asked about the price of veneers and ended the call before booking.',
      successEvaluation: 'false',
      turns: [
        ['bot', 'Demo Family Clinic, how can I help?'],
        ['user', 'What do veneers cost at your place?'],
        ['bot', 'Veneers start with a consultation; would you like one?'],
        ['user', "I'll think about it, thanks."],
      ],
    });
    const s = score(r);
    expect(texts(s)).toContain('asked for price of veneers');
    expect(texts(s)).toContain('Vapi rated the call "false"');
    expect(s.reasons.find((x) => x.text.startsWith('Vapi rated'))!.points).toBeLessThan(0);
    expect(texts(s).some((t) => t.startsWith('booked'))).toBe(false);
    // Held the slot and let it go: warmer than the same call without a hold.
    expect(score(r, { held: true }).score).toBeGreaterThan(s.score);
  });

  it('a wrong number scores near zero, whatever the assistant asked', () => {
    const r = report({
      seconds: 9,
      endedReason: 'customer-ended-call',
      summary: 'The caller had dialled the wrong number.',
      successEvaluation: '1/10',
      turns: [
        ['bot', 'Demo Family Clinic, is this an emergency or would you like to book?'],
        ['user', 'Oh sorry, wrong number, I meant to call the pharmacy.'],
      ],
    });
    const s = score(r);
    expect(s.score).toBeLessThan(20);
    expect(texts(s)).toContain('wrong number ("wrong number")');
    expect(texts(s)).toContain('hung up after 9 s');
    // "emergency" was said by the assistant, not the caller.
    expect(texts(s).some((t) => t.startsWith('sounds urgent'))).toBe(false);
  });

  it('an escalated emergency is hot even without a booking', () => {
    const r = report({
      seconds: 160,
      summary: 'Caller has severe pain and a swollen jaw; asked to speak to someone. Transferred to staff.',
      structuredData: { urgent: true, wantsCallback: 'yes' },
      successEvaluation: '8/10',
      turns: [
        ['bot', 'How can I help?'],
        ['user', "I have a toothache, it's an emergency, my jaw is swollen. Can I talk to a person?"],
      ],
    });
    const s = score(r, { escalated: true, held: true });
    expect(s.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(texts(s)).toEqual(
      expect.arrayContaining([
        'escalated to staff',
        'analysis says urgent',
        'analysis says wantsCallback',
        'Vapi rated the call "8/10"',
      ]),
    );
    expect(texts(s).some((t) => t.startsWith('sounds urgent'))).toBe(true);
  });

  it('keeps the arithmetic honest: the score is the clamped sum of its reasons, strongest first', () => {
    const r = report({ seconds: 30, turns: [['user', 'Do you do whitening? Is it expensive?']] });
    const s = score(r, { newPatient: true });
    const sum = s.reasons.reduce((a, x) => a + x.points, 0);
    expect(s.score).toBe(Math.max(0, Math.min(100, sum)));
    const sizes = s.reasons.map((x) => Math.abs(x.points));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });
});

describe('tuning', () => {
  it('follows the tenant’s weights: stored overrides merge over the defaults', () => {
    const r = report({ seconds: 40, turns: [['user', 'How much is a cleaning?']] });
    const custom = LeadWeights.parse({ priceQuestion: 50, intents: [] });
    expect(custom.booked).toBe(DEFAULT_LEAD_WEIGHTS.booked);
    expect(score(r, {}, custom).score - score(r).score).toBe(50 - DEFAULT_LEAD_WEIGHTS.priceQuestion);
  });

  it('weighs the booked service by its value, up to the cap', () => {
    const r = report({ seconds: 60, turns: [['user', 'Book me in please.']] });
    const cheap = score(r, { booked: { name: 'follow-up visit', valueCents: 6_000 } });
    const dear = score(r, { booked: { name: 'implant consultation', valueCents: 90_000 } });
    const dearer = score(r, { booked: { name: 'full implants', valueCents: 900_000 } });
    expect(dear.score).toBeGreaterThan(cheap.score);
    expect(dearer.score).toBe(dear.score);
  });

  it('refuses weights out of range with the field named', () => {
    const bad = LeadWeights.safeParse({ booked: 500 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['booked']);
  });
});

describe('phrases and ratings', () => {
  it('ignores negated phrases and partial words', () => {
    expect(findPhrase("it's not an emergency", ['emergency'])).toBeUndefined();
    expect(findPhrase('no pain at all, just a check', ['in pain', 'pain'])).toBeUndefined();
    expect(findPhrase('the pricey one', ['price'])).toBeUndefined();
    expect(findPhrase('What are your   PRICES?', ['prices'])).toBe('prices');
    expect(findPhrase("It's not urgent. But it is an emergency for my son", ['emergency'])).toBe('emergency');
  });

  it('reads successEvaluation in the rubrics Vapi uses', () => {
    expect(readEvaluation('true')).toBe(1);
    expect(readEvaluation('false')).toBe(0);
    expect(readEvaluation('8/10')).toBe(0.8);
    expect(readEvaluation('75%')).toBe(0.75);
    expect(readEvaluation('7')).toBe(0.7);
    expect(readEvaluation('B')).toBe(0.75);
    expect(readEvaluation('3/0')).toBeNull();
    expect(readEvaluation('the caller seemed happy')).toBeNull();
  });

  it('reads 2024-style reports with the transcript and summary at the top level', () => {
    const old = stored({
      type: 'end-of-call-report',
      endedReason: 'assistant-ended-call',
      durationSeconds: 130,
      transcript:
        'AI: Hello, is this urgent? User: I need braces for my daughter, what does that cost? AI: I can book a consultation.',
      summary: 'Parent asked about braces.',
    });
    const s = signalsFromReport(old, nothing);
    expect(s.callerText).toBe('I need braces for my daughter, what does that cost?');
    expect(s.durationSeconds).toBe(130);
    expect(texts(scoreLead(s, DEFAULT_LEAD_WEIGHTS))).toEqual(
      expect.arrayContaining(['asked for price of braces', 'talked 2 min']),
    );
  });
});

describe('the owner alert text', () => {
  const lead = {
    score: 88,
    reasons: [
      { points: 30, text: 'booked implant consultation' },
      { points: 30, text: 'asked for price of implants' },
      { points: -5, text: 'hung up after 9 s' },
      { points: 10, text: 'new patient' },
      { points: 10, text: 'called in' },
    ],
  };

  it('names the caller in full, the score, the strongest positive reasons and the link', () => {
    const text = hotLeadText({
      clinic: 'Demo Family Clinic',
      caller: '+16172531000',
      lead,
      detailUrl: 'https://sk.example/dashboard/calls/c1',
    });
    expect(text).toBe(
      'Hot lead 88/100 at Demo Family Clinic: +16172531000. Booked implant consultation, asked for price of implants, new patient. https://sk.example/dashboard/calls/c1',
    );
  });

  it('drops reasons rather than the link when they do not fit', () => {
    const long = {
      score: 90,
      reasons: [
        { points: 40, text: 'x'.repeat(280) },
        { points: 20, text: 'new patient' },
      ],
    };
    const text = hotLeadText({ clinic: 'Clinic', caller: null, lead: long, detailUrl: 'https://sk.example/d' });
    expect(text).toBe('Hot lead 90/100 at Clinic: unknown number. https://sk.example/d');
  });
});

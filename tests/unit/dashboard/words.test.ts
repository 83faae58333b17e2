// The words staff read: appointment states told apart, timelines in sentences, texts without codes, free gaps.
import { describe, expect, it } from 'vitest';
import { freeGaps } from '../../../src/dashboard/overview.ts';
import { appointmentWord, smsShownText, timelineSentence } from '../../../src/dashboard/words.ts';

const at = new Date('2026-12-01T15:00:00Z');

describe('appointmentWord', () => {
  it('tells held, booked, released, cancelled and no-show apart', () => {
    expect(appointmentWord({ status: 'held', confirmedAt: null, noShowAt: null })).toBe('held');
    expect(appointmentWord({ status: 'confirmed', confirmedAt: at, noShowAt: null })).toBe('booked');
    expect(appointmentWord({ status: 'confirmed', confirmedAt: at, noShowAt: at })).toBe('no-show');
    // release_hold writes 'cancelled' to a hold that was never confirmed: staff call that released.
    expect(appointmentWord({ status: 'cancelled', confirmedAt: null, noShowAt: null })).toBe('released');
    expect(appointmentWord({ status: 'expired', confirmedAt: null, noShowAt: null })).toBe('released');
    expect(appointmentWord({ status: 'cancelled', confirmedAt: at, noShowAt: null })).toBe('cancelled');
  });
});

describe('timelineSentence', () => {
  const e = (eventType: string, event: Record<string, unknown> = {}, stateBefore = 'held', stateAfter = 'held') => ({
    eventType,
    event,
    stateBefore,
    stateAfter,
  });
  it('says what happened in plain words, with numbers masked and no code', () => {
    expect(timelineSentence(e('xstate.done.actor.sendCode', { output: { kind: 'sent', to: '+16175552002' } }))).toBe(
      'Code texted to •••• 2002',
    );
    expect(timelineSentence(e('ESCALATE'))).toBe('Caller asked for a person');
    expect(timelineSentence(e('VERIFY', { codeDigest: 'abc123' }))).toBe('Caller read a code');
    expect(
      timelineSentence(
        e('xstate.done.actor.reserve', {
          output: { kind: 'held', hold: { label: 'consultation with Dr. Moreno Wednesday at 9:30 AM' } },
        }),
      ),
    ).toBe('Held consultation with Dr. Moreno Wednesday at 9:30 AM');
    expect(
      timelineSentence(e('xstate.done.actor.verify', { output: { kind: 'wrong' } }, 'verifying', 'escalated')),
    ).toBe('Code did not match again: handed to staff, hold released');
    expect(timelineSentence(e('xstate.error.actor.reserve'))).toMatch(/^Something went wrong on our side/);
  });
});

describe('smsShownText', () => {
  it('never shows a code, and masks numbers where asked', () => {
    expect(smsShownText({ kind: 'otp', body: 'sealed:xyz', bodySealed: true })).toBe(
      'Booking code text (the code is hidden).',
    );
    expect(
      smsShownText({
        kind: 'otp',
        body: 'Clinic: your booking code is 482913. It expires in 10 min.',
        bodySealed: false,
      }),
    ).not.toContain('482913');
    expect(smsShownText({ kind: 'alert', body: 'Hot lead: +16175550155.', bodySealed: false }, true)).toBe(
      'Hot lead: •••• 0155.',
    );
    expect(smsShownText({ kind: 'alert', body: 'Hot lead: +16175550155.', bodySealed: false })).toContain(
      '+16175550155',
    );
  });
});

describe('freeGaps', () => {
  const min = 15 * 60_000;
  const h = (x: number) => x * 3_600_000;
  it('is open time minus busy time, from now on, dropping slivers shorter than a slot step', () => {
    const open = [{ start: h(9), end: h(17) }];
    expect(
      freeGaps(
        open,
        [
          [h(10), h(10.5)],
          [h(10.5) + 5 * 60_000, h(12)],
        ],
        h(8),
        min,
      ),
    ).toEqual([
      { start: h(9), end: h(10) },
      { start: h(12), end: h(17) },
    ]);
    // From now on, rounded up to the step.
    expect(freeGaps(open, [], h(13) + 60_000, min)).toEqual([{ start: h(13.25), end: h(17) }]);
    expect(freeGaps(open, [[h(9), h(17)]], h(8), min)).toEqual([]);
  });
});

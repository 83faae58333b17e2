import { describe, expect, it } from 'vitest';
import {
  cancellationText,
  codeText,
  confirmationText,
  fill,
  rescheduleText,
  textWhen,
} from '../../../src/sms/texts.ts';

const clinic = { name: 'Demo Family Clinic', smsCodeText: null, smsConfirmationText: null, cancelInstructions: null };

describe('SMS texts', () => {
  it('default texts fill in the clinic, code and appointment, each in one segment', () => {
    const code = codeText(clinic, '004821', 5);
    expect(code).toBe('Demo Family Clinic: your booking code is 004821. It expires in 5 min. Never share it.');
    const confirmation = confirmationText(clinic, {
      service: 'teeth cleaning',
      provider: 'Dr. Alice Moreno',
      when: 'Tue Dec 1, 2:30 PM',
    });
    expect(confirmation).toBe(
      'Demo Family Clinic: you are booked for teeth cleaning with Dr. Alice Moreno, Tue Dec 1, 2:30 PM. To cancel or change, call us.',
    );
    for (const text of [code, confirmation]) expect(text.length).toBeLessThanOrEqual(160);
  });

  it('uses the clinic’s own texts and cancel instructions', () => {
    const own = {
      ...clinic,
      smsCodeText: 'Code {code} ({minutes} min)',
      smsConfirmationText: 'See you {when}. {cancel}',
      cancelInstructions: 'Call 555-0100 to cancel.',
    };
    expect(codeText(own, '1234', 10)).toBe('Code 1234 (10 min)');
    expect(confirmationText(own, { service: 's', provider: 'p', when: 'Mon 9 AM' })).toBe(
      'See you Mon 9 AM. Call 555-0100 to cancel.',
    );
  });

  it('a cancelled or moved appointment is told in one segment, the move with the clinic’s cancel instructions', () => {
    const a = { service: 'teeth cleaning', provider: 'Dr. Alice Moreno', when: 'Tue Dec 1, 2:30 PM' };
    const cancelled = cancellationText(clinic, a);
    expect(cancelled).toBe(
      'Demo Family Clinic: your teeth cleaning with Dr. Alice Moreno, Tue Dec 1, 2:30 PM, is cancelled. To book again, call us.',
    );
    const moved = rescheduleText({ ...clinic, cancelInstructions: 'Call 555-0100 to cancel.' }, a);
    expect(moved).toBe(
      'Demo Family Clinic: your teeth cleaning with Dr. Alice Moreno is moved to Tue Dec 1, 2:30 PM. Call 555-0100 to cancel.',
    );
    for (const text of [cancelled, moved]) expect(text.length).toBeLessThanOrEqual(160);
  });

  it('says the time in the clinic’s zone, whatever the server’s', () => {
    const instant = Date.parse('2026-12-01T19:30:00Z');
    expect(textWhen(instant, 'America/New_York')).toBe('Tue Dec 1, 2:30 PM');
    expect(textWhen(instant, 'Asia/Kolkata')).toBe('Wed Dec 2, 1:00 AM');
  });

  it('leaves an unknown placeholder visible', () => {
    expect(fill('Hi {nmae}, {clinic}', { clinic: 'X' })).toBe('Hi {nmae}, X');
  });
});

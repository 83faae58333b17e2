import { describe, expect, it } from 'vitest';
import { toE164 } from '../../../src/patients/phone.ts';

const INVALID = { ok: false, say: "That phone number doesn't look right; could you say it again with the area code?" };

describe('toE164', () => {
  it('accepts the usual US spellings', () => {
    for (const input of [
      '(212) 736-5000',
      '212.736.5000',
      '212-736-5000',
      '+1 212 736 5000',
      '1-212-736-5000',
      ' 2127365000 ',
    ]) {
      expect(toE164(input, 'US'), input).toEqual({ ok: true, e164: '+12127365000' });
    }
    expect(toE164('(617) 253-1000', 'US')).toEqual({ ok: true, e164: '+16172531000' });
  });

  it('accepts international numbers, including the "00" prefix dictated to a US clinic', () => {
    expect(toE164('00 44 20 7946 0958', 'US')).toEqual({ ok: true, e164: '+442079460958' });
    expect(toE164('011 44 20 7946 0958', 'US')).toEqual({ ok: true, e164: '+442079460958' });
    expect(toE164('+49 30 901820', 'US')).toEqual({ ok: true, e164: '+4930901820' });
  });

  it("reads national numbers in the clinic's country", () => {
    expect(toE164('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
    expect(toE164('00 44 20 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
    expect(toE164('030 901820', 'DE')).toEqual({ ok: true, e164: '+4930901820' });
    expect(toE164('98765 43210', 'in')).toEqual({ ok: true, e164: '+919876543210' });
  });

  it('refuses invalid numbers with a speakable sentence', () => {
    for (const input of ['555-1234', '12345', 'hello', '', '020 7946 0958']) {
      expect(toE164(input, 'US'), input).toEqual(INVALID);
    }
  });

  it('throws on an unknown clinic country, a configuration error', () => {
    expect(() => toE164('(212) 736-5000', 'XX')).toThrow(RangeError);
  });
});

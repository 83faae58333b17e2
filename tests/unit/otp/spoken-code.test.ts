import { describe, expect, it } from 'vitest';
import { normaliseSpokenCode } from '../../../src/otp/spoken-code.ts';

describe('normaliseSpokenCode', () => {
  it.each([
    ['123456', 6, '123456'],
    [123456, 6, '123456'],
    [4821, 6, '004821'],
    ['one two three four', 4, '1234'],
    ['oh four five six', 4, '0456'],
    ['O 4 5 6', 4, '0456'],
    ['12 34', 4, '1234'],
    ['1-2-3-4', 4, '1234'],
    ['1, 2, 3, 4.', 4, '1234'],
    ['double five one two', 4, '5512'],
    ['triple 7 zero', 4, '7770'],
    ['twenty one thirty four', 4, '2134'],
    ['twelve thirty', 4, '1230'],
    ['the code is four nine nine one', 4, '4991'],
    ['Uh, it’s six five four three two one', 6, '654321'],
    ['zero zero zero zero zero one', 6, '000001'],
  ])('%s → %s', (said, length, digits) => {
    expect(normaliseSpokenCode(said, length)).toBe(digits);
  });

  it.each([
    ['one two three', 4],
    ['1234567', 6],
    ['one two banana four', 4],
    ['', 4],
    ['double', 4],
    ['12ab', 4],
    [1234567, 6],
  ])('refuses %s for %i digits', (said, length) => {
    expect(normaliseSpokenCode(said, length)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { normaliseName } from '../../../src/patients/names.ts';

const name = (input: string) => normaliseName(input);

describe('normaliseName', () => {
  it('capitalises all-lowercase speech-to-text output', () => {
    expect(name('john smith')).toEqual({ ok: true, name: 'John Smith' });
    expect(name('mcdonald')).toEqual({ ok: true, name: 'McDonald' });
    expect(name("o'brien")).toEqual({ ok: true, name: "O'Brien" });
    expect(name('mary-jane watson')).toEqual({ ok: true, name: 'Mary-Jane Watson' });
    expect(name('josé álvarez')).toEqual({ ok: true, name: 'José Álvarez' });
  });

  it('capitalises ALL-CAPS output the same way', () => {
    expect(name('JOHN MCDONALD')).toEqual({ ok: true, name: 'John McDonald' });
    expect(name("SEAN O'BRIEN-SMITH")).toEqual({ ok: true, name: "Sean O'Brien-Smith" });
    expect(name('ÉMILE ZOLA')).toEqual({ ok: true, name: 'Émile Zola' });
  });

  it('keeps nobiliary particles lowercase unless they start the name', () => {
    expect(name('ludwig van der berg')).toEqual({ ok: true, name: 'Ludwig van der Berg' });
    expect(name('van der berg')).toEqual({ ok: true, name: 'Van der Berg' });
    expect(name('maria de la cruz')).toEqual({ ok: true, name: 'Maria de la Cruz' });
    expect(name('ahmed bin al rashid')).toEqual({ ok: true, name: 'Ahmed bin al Rashid' });
  });

  it('does not apply Mac rules', () => {
    expect(name('macy gray')).toEqual({ ok: true, name: 'Macy Gray' });
    expect(name('MACK DAVIS')).toEqual({ ok: true, name: 'Mack Davis' });
    expect(name('mc')).toEqual({ ok: true, name: 'Mc' });
  });

  it("keeps mixed case as the caller's own spelling", () => {
    expect(name('DeShawn Smith')).toEqual({ ok: true, name: 'DeShawn Smith' });
    expect(name('ludwig Van Der berg')).toEqual({ ok: true, name: 'ludwig Van Der berg' });
    expect(name('Macdonald')).toEqual({ ok: true, name: 'Macdonald' });
  });

  it('trims, collapses whitespace and strips surrounding quotes and punctuation', () => {
    expect(name('  "  sarah   connor. " ')).toEqual({ ok: true, name: 'Sarah Connor' });
    expect(name('“Anna Lee”')).toEqual({ ok: true, name: 'Anna Lee' });
    expect(name("'bob'")).toEqual({ ok: true, name: 'Bob' });
    expect(name('Jo\tAnne\n Smith')).toEqual({ ok: true, name: 'Jo Anne Smith' });
  });

  it('refuses empty or absurd input with a speakable sentence', () => {
    for (const input of ['', '   ', '""', '12345', '...', '--']) {
      expect(name(input), JSON.stringify(input)).toEqual({
        ok: false,
        say: "I didn't catch the name; could you say it again?",
      });
    }
    const tooLong = name('a'.repeat(101));
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.say).toMatch(/^That name is a bit long/);
    expect(name('a'.repeat(100)).ok).toBe(true);
  });
});

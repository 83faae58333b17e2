import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_GATE,
  cleanText,
  depthWithin,
  gateFlat,
  parseJson,
  textFault,
  WEBHOOK_GATE,
} from '../../../src/security/input-hygiene.ts';

const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('the hygiene gate', () => {
  it('names what is wrong with a string, and only when something is', () => {
    expect(textFault('a\u0000b')).toBe('a NUL character');
    expect(textFault('thanks \ud83d')).toMatch(/lone surrogate/);
    expect(textFault('\udc00 first')).toMatch(/lone surrogate/);
    expect(textFault('whole emoji 🙂, accents é, CJK 予約')).toBeUndefined();
  });

  it('cleaning leaves nothing PostgreSQL refuses, and leaves good text alone', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (any, good) => {
        expect(textFault(cleanText(any))).toBeUndefined();
        expect(cleanText(good)).toBe(good.replaceAll('\u0000', ''));
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it('counts depth without recursion, ignoring brackets inside strings', () => {
    expect(depthWithin(nest(64), 64)).toBe(true);
    expect(depthWithin(nest(65), 64)).toBe(false);
    expect(depthWithin(nest(100_000), 64)).toBe(false);
    expect(depthWithin(`{"a":"${'['.repeat(500)}"}`, 2)).toBe(true);
  });

  it('whatever path a body takes, nothing the gate exists for gets through, and a clean body reads as JSON.parse reads it', () => {
    const hostileString = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('a\\u0000b', '\\ud83d', 'x\\udc00', '\\ud83d\\ude42', '🙂', '\\u00e9'),
    );
    const quoted = hostileString.map(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what JSON strings may not hold.
      (s) => `"${s.replace(/[\u0000-\u001f"]/g, '').replace(/\\(?!u[0-9a-fA-F]{4})/g, '')}"`,
    );
    const hostileNumber = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.constantFrom('1e400', '-2e308', '1.7e308', `1${'0'.repeat(210)}e99`, '9'.repeat(320), '12e3', '-0.5E-7'),
    );
    const body = fc.letrec<{ v: string }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        quoted,
        hostileNumber,
        fc.array(tie('v'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
        fc
          .array(fc.tuple(quoted, tie('v')), { maxLength: 4 })
          .map((kvs) => `{${kvs.map(([k, v]) => `${k}:${v}`).join(',')}}`),
      ),
    })).v;
    const faults = (v: unknown): string[] => {
      if (typeof v === 'string') return textFault(v) ? [v] : [];
      if (typeof v === 'number') return Number.isFinite(v) ? [] : [String(v)];
      if (v === null || typeof v !== 'object') return [];
      return Object.entries(v).flatMap(([k, x]) => [...(textFault(k) ? [k] : []), ...faults(x)]);
    };
    fc.assert(
      fc.property(body, (text) => {
        const plain = JSON.parse(text);
        const clean = faults(plain).length === 0;
        const webhook = parseJson(text, WEBHOOK_GATE);
        expect(faults(webhook)).toEqual([]);
        if (clean) expect(webhook).toEqual(plain);
        if (clean) expect(parseJson(text, API_GATE)).toEqual(plain);
        else expect(() => parseJson(text, API_GATE)).toThrow(/contains|too large/);
      }),
      { seed: 14, numRuns: 2_000 },
    );
  });

  it('counts depth by brackets when few, by tokens when many', () => {
    expect(depthWithin(`{"a":[${'{"b":1},'.repeat(200)}{"b":1}]}`, 64)).toBe(true);
    expect(depthWithin(`${'['.repeat(64)}"${'{'.repeat(100)}"${']'.repeat(64)}`, 64)).toBe(true);
    expect(depthWithin(`${'['.repeat(65)}${']'.repeat(65)}`, 64)).toBe(false);
  });

  it('webhook: cleans strings and keys, turns unreadable numbers into null', () => {
    const body = parseJson('{"name":"Lee\\u0000 Park","t":"hi \\ud83d","d":{"k\\u0000":1},"n":1e400}', WEBHOOK_GATE);
    expect(body).toEqual({ name: 'Lee Park', t: 'hi \ufffd', d: { k: 1 }, n: null });
  });

  it('API: refuses with a sentence naming the field', () => {
    expect(() => parseJson('{"name":"Lee\\u0000"}', API_GATE)).toThrow(/"name" contains a NUL character/);
    expect(() => parseJson('{"x":1e400}', API_GATE)).toThrow(/"x" holds a number too large/);
    expect(() => parseJson(nest(33), API_GATE)).toThrow(/nested more than 32 levels/);
    expect(() => parseJson('{"__proto__":{"admin":true}}', API_GATE)).toThrow(/forbidden property/);
    expect(() => parseJson('{"a":', API_GATE)).toThrow(/not valid JSON/);
    expect(() => parseJson('  ', API_GATE)).toThrow(/empty/);
  });

  it('flat inputs (query strings, forms) under either policy', () => {
    expect(gateFlat({ q: 'a\u0000', list: ['b\ud800'] }, 'clean')).toEqual({ q: 'a', list: ['b\ufffd'] });
    expect(() => gateFlat({ q: 'a\u0000' }, 'reject')).toThrow(/"q"/);
  });

  it('a sender that must not lose its message keeps the named plain fields of a body nested too deep, and nothing else', () => {
    const gate = {
      ...WEBHOOK_GATE,
      keepWhenTooDeep: {
        paths: [
          ['m', 'id'],
          ['m', 'n'],
          ['m', 'deep'],
        ],
        note: ['m', 'note'],
      },
    };
    const body = parseJson(`{"m":{"id":"c\\u00001","n":3,"deep":${nest(100_000)},"other":"x"}}`, gate);
    expect(body).toEqual({ m: { id: 'c1', n: 3, note: expect.stringMatching(/nested more than 64 levels/) } });
  });
});

// Property-based fuzzing helpers: arbitraries built from JSON Schemas (the admin routes' zod schemas through
// OpenAPI, the tools' zod schemas through z.toJSONSchema), each leaf sometimes replaced by a hostile value.
import fc from 'fast-check';
import type { Sql } from '../../src/db/client.ts';

/** Cases per property: a few hundred in `npm test`, more under `npm run fuzz` (FUZZ_RUNS). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 250);
/** Fixed unless FUZZ_SEED is given, so a failure in CI replays exactly. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);

/** Strings PostgreSQL or JavaScript choke on, next to ordinary ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    'thanks \ud83d',
    '\udc00x',
    '🙂',
    '',
    ' ',
    '__proto__',
    'null',
    '9'.repeat(400),
    '2000-01-01',
    '+275760-09-13',
    '-000001-01-01T00:00:00Z',
    "'; drop table calls; --",
  ),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 8.64e15, 1e-300, 0.5),
);

/** JSON nested 10 to 200 levels: either side of the gate's limit. */
const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 10, max: 200 }), fc.constantFrom<'object' | 'array'>('object', 'array'))
  .map(([depth, kind]) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
    return v;
  });

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}),
  deepValue,
  fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber), { maxKeys: 3 }),
);

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
};

/** Values the schema describes, for names and ids that exist (`known`), each leaf sometimes hostile instead. */
export function fromSchema(
  schema: Schema | undefined,
  known: { uuids: string[] },
  hostility = 0.15,
): fc.Arbitrary<unknown> {
  const valid = validFrom(schema ?? {}, known, hostility);
  const weight = Math.round(hostility * 100);
  return fc.oneof({ weight: 100 - weight, arbitrary: valid }, { weight, arbitrary: hostileValue });
}

function validFrom(s: Schema, known: { uuids: string[] }, hostility: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => validFrom(a, known, hostility)));
  if (s.allOf?.length) return validFrom(s.allOf[0]!, known, hostility);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return stringFrom(s, known);
    case 'integer':
      return fc.integer({ min: bound(s.minimum, -1e6), max: bound(s.maximum, 1e6) });
    case 'number':
      return fc.double({ min: bound(s.minimum, -1e6), max: bound(s.maximum, 1e6), noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(s.items, known, hostility), { maxLength: 4 });
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (!props.length) return fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 3 });
      const required = new Set(s.required ?? []);
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fromSchema(v, known, hostility)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
      });
    }
    default:
      return hostileValue;
  }
}

const bound = (v: number | undefined, fallback: number) =>
  v === undefined || !Number.isFinite(v) ? fallback : Math.max(-1e9, Math.min(1e9, v));

function stringFrom(s: Schema, known: { uuids: string[] }): fc.Arbitrary<string> {
  switch (s.format) {
    case 'uuid':
      return known.uuids.length ? fc.oneof(fc.constantFrom(...known.uuids), fc.uuid()) : fc.uuid();
    case 'date-time':
      return fc
        .date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2040, 0, 1)), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2040, 0, 1)), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
  }
  if (s.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((v) => (s.maxLength === undefined || v.length <= s.maxLength) && v.length >= (s.minLength ?? 0));
    } catch {
      // A pattern JavaScript cannot compile: plain strings instead.
    }
  }
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 60) });
}

/**
 * Rows in every table of the public schema, to prove a refused request wrote nothing. Not dashboard_notices: a
 * queue the hub empties in the background (a notice left by an earlier request may go out between two counts).
 */
export async function rowCounts(sql: Sql): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }[]>`
    select tablename as name from pg_tables
     where schemaname = 'public' and tablename <> 'dashboard_notices' order by tablename`;
  const counts = await sql.unsafe<Record<string, string>[]>(
    `select ${tables.map((t) => `(select count(*) from public."${t.name}") as "${t.name}"`).join(', ')}`,
  );
  return Object.fromEntries(Object.entries(counts[0]!).map(([k, v]) => [k, Number(v)]));
}

/** The tables whose counts differ. */
export function changed(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after).filter((t) => before[t] !== after[t]);
}

/** A request answered within the fuzz's 2-second bound, or the property fails as a hang. */
export async function answered(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  return { status: res.status, text: await res.text() };
}

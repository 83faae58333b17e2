// The SQL functions' live definitions are the files in sql/functions: every function the database has comes from
// one of them, and provider_open_hours (which claim_slot trusts) agrees with src/scheduling/hours.ts, which
// availability trusts — on random weekly hours, exceptions and instants, DST days included.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import { FUNCTIONS_DIR } from '../../src/db/migrate.ts';
import { openIntervals } from '../../src/scheduling/hours.ts';
import type { DateException, Weekday, WeeklyHours } from '../../src/scheduling/types.ts';
import { integrationTest } from '../helpers/fixtures.ts';

const it = integrationTest();

describe('sql/functions', () => {
  it('holds exactly the functions the database has', async ({ db }) => {
    const rows = await db.sql<{ proname: string }[]>`
      select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public'
         and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`;
    const inDatabase = [...new Set(rows.map((r) => r.proname))].sort();
    const files = readdirSync(FUNCTIONS_DIR)
      .map((f) => f.replace(/\.sql$/, ''))
      .sort();
    expect(inDatabase).toEqual(files);
  });
});

const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata'];
// Days around DST changes in those zones (2026), and ordinary ones.
const DAYS = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-09-06',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
  '2026-12-01',
];

const wall = fc
  .record({ h: fc.integer({ min: 0, max: 23 }), m: fc.constantFrom(0, 15, 30, 45) })
  .map(({ h, m }) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const span = fc.tuple(wall, fc.oneof(wall, fc.constant('24:00'))).filter(([a, b]) => b === '24:00' || b > a);

const scenario = fc.record({
  zone: fc.constantFrom(...ZONES),
  day: fc.constantFrom(...DAYS),
  weekly: fc.array(fc.record({ weekday: fc.integer({ min: 1, max: 7 }), span }), { maxLength: 5 }),
  closed: fc.option(fc.constantFrom('clinic', 'provider'), { nil: undefined }),
  open: fc.array(span, { maxLength: 2 }),
  // A slot: its start as minutes after the day's local midnight (may run into the next day), and its length.
  startMinute: fc.integer({ min: 0, max: 26 * 60 }),
  minutes: fc.constantFrom(15, 30, 45, 60, 90, 180),
});

describe('provider_open_hours agrees with scheduling/hours.ts', () => {
  it('on random hours, exceptions and slots, DST days included', async ({ db }) => {
    const [tenant] = await db.sql<{ id: string }[]>`
      insert into tenants (slug, name, time_zone, country, vapi_secret_sha256)
      values ('agree', 'Agreement', 'UTC', 'US', sha256('x')) returning id`;
    const [provider] = await db.sql<{ id: string }[]>`
      insert into providers (tenant_id, name) values (${tenant!.id}, 'P') returning id`;
    const t = tenant!.id;
    const p = provider!.id;

    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const weekly: WeeklyHours[] = s.weekly.map((w) => ({
          providerId: p,
          weekday: w.weekday as Weekday,
          start: w.span[0],
          end: w.span[1],
        }));
        const exceptions: DateException[] = [
          ...(s.closed ? [{ providerId: s.closed === 'clinic' ? null : p, date: s.day, kind: 'closed' as const }] : []),
          ...s.open.map(([start, end]) => ({ providerId: p, date: s.day, kind: 'open' as const, start, end })),
        ];
        const midnight = DateTime.fromISO(s.day, { zone: s.zone }).startOf('day');
        const start = midnight.plus({ minutes: s.startMinute }).toMillis();
        const end = start + s.minutes * 60_000;
        // claim_slot checks the hours of the local day the slot starts on.
        const localDay = DateTime.fromMillis(start, { zone: s.zone }).toISODate()!;
        const ts = openIntervals(p, localDay, weekly, exceptions, s.zone).some((i) => i.start <= start && end <= i.end);

        const sqlSays = await db.sql.begin(async (tx) => {
          await tx`delete from weekly_hours where tenant_id = ${t}`;
          await tx`delete from date_exceptions where tenant_id = ${t}`;
          for (const w of weekly) {
            await tx`insert into weekly_hours (tenant_id, provider_id, weekday, starts, ends)
                     values (${t}, ${p}, ${w.weekday}, ${w.start}, ${w.end})`;
          }
          for (const e of exceptions) {
            await tx`insert into date_exceptions (tenant_id, provider_id, on_date, kind, starts, ends)
                     values (${t}, ${e.providerId}, ${e.date}, ${e.kind}, ${e.start ?? null}, ${e.end ?? null})`;
          }
          const [row] = await tx<{ inside: boolean }[]>`
            select provider_open_hours(${t}, ${p}, (${new Date(start)}::timestamptz at time zone ${s.zone})::date)
                   @> tsrange(${new Date(start)}::timestamptz at time zone ${s.zone},
                              ${new Date(end)}::timestamptz at time zone ${s.zone}, '[)') as inside`;
          return row!.inside;
        });
        expect(sqlSays, JSON.stringify({ ...s, localDay })).toBe(ts);
      }),
      { numRuns: 300, seed: 20261201 },
    );
  });
});

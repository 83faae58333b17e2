// A clinic's settings and catalogue are cached per instance; a change committed anywhere reaches every instance at
// once through PostgreSQL's NOTIFY (migrations/010_catalog_notify.sql), well before the cache entry would expire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { eventually } from '../helpers/calls.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { futureWeekday } from '../helpers/time.ts';

const SECRET = 'catalog-changes-secret-01';
/** Far below the directory's 10 s lifetime: an answer that changes within it was told, not expired. */
const TOLD_WITHIN_MS = 4_000;
let db: TestDatabase;
let clinic: string;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  db = await createTestDatabase();
  clinic = await createDemoClinic(db.sql, { secret: SECRET });
  [a, b] = await Promise.all([startServer(db.sql), startServer(db.sql)]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await db?.drop();
});

const ask = (server: RunningServer, date: string) =>
  vapiClient(server.url, 'demo', SECRET).tool('check_availability', { date });

describe('a catalogue change on one side', () => {
  it('is heard by every instance at once: a day closed in the database has nothing free on the next answers', async () => {
    const day = futureWeekday('00:00', 5).toISODate()!;
    // Both instances have the clinic cached, with the day open.
    for (const server of [a, b]) expect((await ask(server, day)).status).toBe('ok');
    const started = Date.now();
    await db.sql`insert into date_exceptions (tenant_id, on_date, kind) values (${clinic}, ${day}, 'closed')`;
    for (const server of [a, b]) {
      const answer = await eventually(
        () => ask(server, day),
        (r) => r.status !== 'ok',
        TOLD_WITHIN_MS,
      );
      expect(answer.status).toBe('unavailable');
      expect(answer.say).toMatch(/^There's nothing free on /);
      // Two providers free at the same time make one offer, not the same time said twice.
      const starts = answer.alternatives.map((s: { start: string }) => s.start);
      expect(new Set(starts).size).toBe(starts.length);
    }
    expect(Date.now() - started).toBeLessThan(10_000);

    // The clinic's own row too: suspended in the database, refused on every instance; active again, served again.
    await db.sql`update tenants set status = 'suspended' where id = ${clinic}`;
    for (const server of [b, a]) {
      expect(
        (
          await eventually(
            () => ask(server, day),
            (r) => r.field === 'error',
            TOLD_WITHIN_MS,
          )
        ).status,
      ).toBe('clinic_unavailable');
    }
    await db.sql`update tenants set status = 'active' where id = ${clinic}`;
    expect(
      (
        await eventually(
          () => ask(b, day),
          (r) => r.field === 'result',
          TOLD_WITHIN_MS,
        )
      ).status,
    ).toBe('unavailable');
  });
});

// A call step whose connection is lost mid-step fails that step, and the call's next step runs. Found by the chaos
// suite in CI (seed 3494001022): after a PostgreSQL crash one call never answered again. postgres.js rejected the
// step's transaction the moment its connection closed, while the step's body was still waiting for the new call's row
// (inserted on another pooled connection, which waited out the crash). The body went on after its step had failed: it
// kept the call's actor in memory with a save that would never settle, and every later event of the call waited on it.
import { describe, expect } from 'vitest';
import { vapiClient } from '../../testkit/vapi.ts';
import { eventually, phoneCall, within } from '../helpers/calls.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'step-connection-lost-1';
const it = integrationTest({ clinic: { secret: SECRET } });

describe('a call step whose connection is lost', () => {
  it('fails alone: the call answers its next tool call', async ({ db, server }) => {
    const call = phoneCall(vapiClient(server.url, 'demo', SECRET), '+16172539902');
    const start = iso(futureWeekday('11:00', 3));

    // The new call's row cannot be inserted while this transaction holds the table: the first step waits for it,
    // holding the call's lock on a connection of its own.
    const blocker = await db.sql.reserve();
    let first!: ReturnType<typeof call.tool>;
    try {
      await blocker`begin`;
      await blocker`lock table calls in share mode`;
      first = call.tool('reserve_slot', { start, patient_name: 'Ada Moss' });
      // The new call waiting for its row.
      await eventually(
        async () =>
          (
            await db.sql<{ n: number }[]>`
              select count(*)::int as n from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock' and query like '%insert_call%'`
          )[0]!.n,
        (n) => n === 1,
      );

      // The step's own connection goes (as in a crash), then its row goes in.
      const killed = await db.sql<{ done: boolean }[]>`
        select pg_terminate_backend(pid) as done from pg_stat_activity
         where datname = current_database() and state = 'idle in transaction'
           and query like '%left join calls c%'`;
      expect(killed.map((k) => k.done)).toEqual([true]);
    } finally {
      await blocker`rollback`;
      blocker.release();
    }

    // The lost step fails with a sentence the assistant can say; the call's next step really runs.
    const lost = await within(15_000, first);
    expect(lost).not.toBe('no answer');
    // Time for anything of the lost step still going to finish before the call goes on.
    await new Promise((r) => setTimeout(r, 1000));
    const again = await within(15_000, call.tool('reserve_slot', { start, patient_name: 'Ada Moss' }));
    expect(again).not.toBe('no answer');
    expect((again as { status: string }).status).toBe('held');
  });
});

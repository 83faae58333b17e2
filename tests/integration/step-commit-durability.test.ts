// A call step's commit waits for the WAL flush. Only a tool answer recorded on its own (the coordinator's replay
// records) may commit asynchronously: losing one just lets a repeat run again. The step's transaction also commits the
// booking, the code, the outbox rows and the call's transitions, so an acknowledged step must survive a PostgreSQL
// crash. Found in review: the step recorded its answer through save_tool_result, which switched synchronous_commit off
// for the rest of the transaction, the confirmation of the booking included.
import { describe, expect } from 'vitest';
import { vapiClient } from '../../testkit/vapi.ts';
import { codeFrom, phoneCall } from '../helpers/calls.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'step-commit-durability-1';
const it = integrationTest({ clinic: { secret: SECRET }, twilio: true });

describe('the commit of a call step', () => {
  it('waits for the WAL flush in every step of a booking', async ({ db, server, twilio }) => {
    // A deferred constraint trigger runs at COMMIT: it writes down the setting that commit is made with.
    await db.sql.unsafe(`
      create table step_commits (state text, synchronous_commit text);
      create function note_step_commit() returns trigger language plpgsql security definer as $$
      begin
        insert into step_commits values (new.state, current_setting('synchronous_commit'));
        return null;
      end $$;
      create constraint trigger step_commit after update on calls deferrable initially deferred
        for each row execute function note_step_commit();`);

    const number = '+16172539901';
    const call = phoneCall(vapiClient(server.url, 'demo', SECRET), number);
    const held = await call.tool('reserve_slot', { start: iso(futureWeekday('11:00', 4)), patient_name: 'Ada Moss' });
    expect(held.status).toBe('held');
    expect((await call.tool('send_otp')).status).toBe('sent');
    const code = codeFrom((await twilio.waitFor(number, 1))[0]!.body);
    expect((await call.tool('verify_otp', { code })).status).toBe('booked');

    const commits = await db.sql<{ state: string; synchronousCommit: string }[]>`
      select state, synchronous_commit from step_commits`;
    expect(commits.map((c) => c.state)).toEqual(expect.arrayContaining(['held', 'codeSent', 'booked']));
    expect(commits.filter((c) => c.synchronousCommit !== 'on')).toEqual([]);
  });
});

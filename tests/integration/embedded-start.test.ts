// A new user's first run: `npm start` with no environment at all starts embedded PostgreSQL, seeds the demo clinic,
// prints how to call it — and a restart keeps the bookings.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { bareEnv, freshProject, type Spawned, spawnIn } from '../helpers/fresh-project.ts';
import { futureWeekday } from '../helpers/time.ts';

// Enterable by others: embedded PostgreSQL runs as the OS user 'postgres' when we are root (embedded-root.test.ts).
const project = freshProject({ mode: 0o755 });

const portIsFree = (port: number) =>
  new Promise<boolean>((done) => {
    const s = createServer().once('error', () => done(false));
    s.listen(port, '0.0.0.0', () => s.close(() => done(true)));
  });

let child: Spawned | undefined;

async function start(env: Record<string, string>): Promise<{ output: string; child: Spawned }> {
  child = spawnIn(project.dir, 'npm', ['start'], bareEnv(env));
  return { output: await child.waitFor(/Ask for free times[\s\S]*(--data|-d ')/), child };
}

async function stop(proc: Spawned): Promise<void> {
  process.kill(-proc.child.pid!, 'SIGTERM');
  await proc.exited;
  // PostgreSQL leaves its pid file until it has really stopped; the next start must not find it running.
  for (let i = 0; i < 100 && existsSync(join(project.dir, '.slotkeeper/pgdata/postmaster.pid')); i++)
    await new Promise((r) => setTimeout(r, 100));
}

afterAll(async () => {
  if (child && child.child.exitCode === null && child.child.signalCode === null) await stop(child).catch(() => {});
  project.remove();
});

describe('npm start on a fresh machine', () => {
  it('serves the demo clinic on embedded PostgreSQL, prints a working curl, and keeps a held time across a restart', async () => {
    // The default port is 3000; only if something else holds it here do we pick another.
    const env: Record<string, string> = (await portIsFree(3000)) ? {} : { PORT: String(await freePort()) };
    const first = await start(env);
    const url = first.output.match(/demo clinic webhook: (\S+)\/vapi\/demo/)![1]!;
    const secret = first.output.match(/demo clinic secret:\s+(\S+)/)![1]!;
    expect(first.output).toContain('embedded PostgreSQL');
    expect(first.output).toContain(`curl -s ${url}/vapi/demo -H 'Authorization: Bearer ${secret}'`);

    const vapi = vapiClient(url.replace('localhost', '127.0.0.1'), 'demo', secret);
    const slots = await vapi.tool('check_availability', { date: futureWeekday('00:00', 2).toISODate() });
    expect(slots.status).toBe('ok');
    // The demo clinic needs a text-message code: the time is held (across the restart too) and the code texted.
    const booked = await vapi.tool('book_appointment', { start: slots.slots[0].start, patient_name: 'First User' });
    expect(booked.status).toBe('code_sent');
    await stop(first.child);

    const second = await start(env);
    expect(second.output.match(/demo clinic secret:\s+(\S+)/)![1]).toBe(secret);
    const again = await vapi.tool(
      'book_appointment',
      { start: slots.slots[0].start, patient_name: 'Second User', provider: booked.provider },
      { customerNumber: '+16175550199' },
    );
    expect(again.status).toBe('unavailable');
    await stop(second.child);
  });
});

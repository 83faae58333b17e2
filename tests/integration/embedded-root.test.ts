// Root starting the embedded database from a private folder (a `mktemp -d`, /root/…): PostgreSQL then runs as the OS
// user "postgres", who cannot enter it. The start fails at once with the sentence saying what to change, and doing
// what it says makes the next start work.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { bareEnv, freshProject, type Spawned, STACK_TRACE, spawnIn } from '../helpers/fresh-project.ts';

const asRoot = process.getuid?.() === 0;
const project = freshProject();
let second: Spawned | undefined;

afterAll(async () => {
  if (second && second.child.exitCode === null) {
    process.kill(-second.child.pid!, 'SIGTERM');
    await second.exited;
  }
  project.remove();
});

describe.skipIf(!asRoot)('embedded PostgreSQL started by root in a private folder', () => {
  it('fails at once with the exact change to make, and works once it is made', async () => {
    expect(statSync(project.dir).mode & 0o777).toBe(0o700);
    const env = bareEnv({ PORT: String(await freePort()) });
    const first = spawnIn(project.dir, 'npm', ['start'], env);
    expect(await first.exited).toBe(1);
    const fix = `chmod o+x ${project.dir}`;
    expect(first.output()).toContain(
      `Embedded PostgreSQL cannot start: run as root, it runs as the OS user "postgres", who cannot enter ${project.dir}. ` +
        `Run Slotkeeper as an ordinary user, or set DATABASE_URL to a PostgreSQL server, or let that user through with: ${fix}\n`,
    );
    expect(first.output()).not.toMatch(STACK_TRACE);
    expect(first.output()).not.toMatch(/EACCES/);
    // Nothing was started or half-made.
    expect(existsSync(join(project.dir, '.slotkeeper/pgdata'))).toBe(false);

    execSync(fix);
    second = spawnIn(project.dir, 'npm', ['start'], env);
    expect(await second.waitFor(/Ask for free times/)).toContain('embedded PostgreSQL, data in');
  });
});

// Production runs the build: `npm run build` in a fresh checkout compiles to dist/, and `node dist/src/main.js` (what
// the Docker image runs) serves, answers a webhook and stops cleanly on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { bareEnv, freshProject, runIn, type Spawned, STACK_TRACE, spawnIn } from '../helpers/fresh-project.ts';

const project = freshProject({ mode: 0o755 });
let db: TestDatabase;
let server: Spawned | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null)
    process.kill(-server.child.pid!, 'SIGKILL');
  await db.drop();
  project.remove();
});

describe('the compiled server', () => {
  it('builds with tsc and runs from dist/ as the image does', async () => {
    const build = await runIn(project.dir, 'npm', ['run', '-s', 'build'], bareEnv());
    expect(build.stdout + build.stderr).toBe('');
    expect(build.code).toBe(0);

    const port = await freePort();
    const secret = 'built-server-demo-secret-0123';
    server = spawnIn(
      project.dir,
      'node',
      ['dist/src/main.js'],
      bareEnv({ DATABASE_URL: db.url, PORT: String(port), DEMO_VAPI_SECRET: secret, DB_POOL_SIZE: '4' }),
    );
    await server.waitFor(/Ask for free times/);
    expect(server.output()).toContain(`database:      DATABASE_URL (127.0.0.1:`);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const slots = await vapiClient(`http://127.0.0.1:${port}`, 'demo', secret).tool('check_availability', {});
    expect(slots.say).toEqual(expect.any(String));
    // The dashboard's assets are in the build too.
    expect((await fetch(`http://127.0.0.1:${port}/dashboard/assets/dashboard.css`)).status).toBe(200);

    process.kill(server.child.pid!, 'SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toMatch(STACK_TRACE);
  }, 240_000);
});

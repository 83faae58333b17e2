// Ctrl-C and `kill`: SIGINT or SIGTERM, to the server alone or to its whole process group (what a terminal's Ctrl-C
// does, reaching the embedded PostgreSQL too), stop it cleanly every time — in-flight requests answered, the dashboard
// stream closed, exit 0, no stack trace — and the next start finds the database and the data folder in order.
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { toolCallsBody } from '../../testkit/vapi.ts';
import { bareEnv, freshProject, type Spawned, STACK_TRACE, spawnIn } from '../helpers/fresh-project.ts';

const project = freshProject({ mode: 0o755 });
let current: Spawned | undefined;

afterAll(async () => {
  if (current && current.child.exitCode === null && current.child.signalCode === null) {
    process.kill(-current.child.pid!, 'SIGKILL');
  }
  project.remove();
});

async function start(port: number): Promise<{ server: Spawned; banner: string }> {
  // tsx itself, as `npm start` runs it (npm adds its own exit code 130 on SIGINT, whatever the server does).
  const server = spawnIn(project.dir, 'node_modules/.bin/tsx', ['src/main.ts'], bareEnv({ PORT: String(port) }));
  current = server;
  return { server, banner: await server.waitFor(/Ask for free times[\s\S]*-d '/) };
}

describe('shutting down on a signal', () => {
  it('exits 0 without a stack trace, to the process or its group, SIGINT or SIGTERM, again and again', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    for (const [target, signal] of [
      ['group', 'SIGINT'],
      ['group', 'SIGTERM'],
      ['process', 'SIGINT'],
      ['process', 'SIGTERM'],
      ['group', 'SIGINT'],
    ] as const) {
      const round = `${signal} to the ${target}`;
      const { server, banner } = await start(port);
      const secret = banner.match(/demo clinic secret:\s+(\S+)/)![1]!;
      const link = banner.match(/demo dashboard:\s+(\S+)/)![1]!.replace(`http://localhost:${port}`, base);

      // A staff member watching the dashboard: its event stream must be closed, not cut.
      const signIn = await fetch(link, { redirect: 'manual' });
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const stream = await fetch(`${base}/dashboard/events`, { headers: { cookie } });
      expect(stream.status, round).toBe(200);
      const streamEnded = (async () => {
        const reader = stream.body!.getReader();
        for (;;) if ((await reader.read()).done) return 'ended';
      })().catch((err: Error) => `cut: ${err.message}`);

      // A call in flight when the signal arrives: the server has its headers and half its body. It must be answered
      // in full after the signal, not cut.
      const body = JSON.stringify(toolCallsBody([{ name: 'check_availability', args: {} }]));
      const socket = connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let response = '';
      socket.on('data', (d: Buffer) => (response += d.toString()));
      const closed = new Promise((r) => socket.once('close', r));
      socket.write(
        `POST /vapi/demo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nExpect: 100-continue\r\n\r\n`,
      );
      // Node answers "100 Continue" once it has read the headers and handed the request to fastify.
      while (!response.includes('100 Continue')) await new Promise((r) => socket.once('data', r));
      response = '';
      socket.write(body.slice(0, 40));

      const serverPid = JSON.parse(readFileSync(join(project.dir, '.slotkeeper/server.json'), 'utf8')).pid as number;
      if (target === 'group') process.kill(-server.child.pid!, signal);
      else process.kill(serverPid, signal);

      await server.waitFor(/shutting down/);
      socket.write(body.slice(40));
      await closed;
      expect(response, round).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)).results, round).toHaveLength(1);

      expect(await server.exited, `${round}:\n${server.output()}`).toBe(0);
      expect(server.output(), round).toContain(`shutting down (${signal})`);
      expect(server.output(), round).not.toMatch(STACK_TRACE);
      expect(server.output(), round).not.toMatch(/failed while shutting down/);
      expect(await streamEnded, round).toBe('ended');
      expect(existsSync(join(project.dir, '.slotkeeper/server.json')), round).toBe(false);
      expect(existsSync(join(project.dir, '.slotkeeper/pgdata/postmaster.pid')), round).toBe(false);
    }
  }, 300_000);
});

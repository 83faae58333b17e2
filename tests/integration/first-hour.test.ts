// The first hour of a new user, in a fresh checkout with no environment: `npm start`, the README's tour, and every CLI
// command beside the running server (it finds the server and its embedded database through .slotkeeper/server.json).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { bareEnv, freshProject, runIn, type Spawned, STACK_TRACE, spawnIn } from '../helpers/fresh-project.ts';

const project = freshProject({ mode: 0o755 });
const cwd = project.dir;
let port: number;
let server: Spawned;
let banner: string;
// Not 3000: a CLI that assumes the default port is caught.
const env = () => bareEnv({ PORT: String(port) });
const cli = (...args: string[]) => runIn(cwd, process.execPath, ['bin/slotkeeper.js', ...args], bareEnv());
const npmRun = (...args: string[]) => runIn(cwd, 'npm', ['run', '-s', ...args], bareEnv());

beforeAll(async () => {
  port = await freePort();
  server = spawnIn(cwd, 'npm', ['start'], env());
  banner = await server.waitFor(/Ask for free times[\s\S]*-d '/);
}, 120_000);

afterAll(async () => {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    process.kill(-server.child.pid!, 'SIGTERM');
    await server.exited;
  }
  project.remove();
});

describe('the first hour, beside a running `npm start`', () => {
  it('says in its banner what is on and where: docs, operator API, database, data folder, how the CLI finds it', () => {
    const base = `http://localhost:${port}`;
    expect(banner).toContain(`Slotkeeper is listening on ${base}`);
    expect(banner).toContain(`API docs:      ${base}/docs`);
    expect(banner).toContain('operator API:  off; set ADMIN_TOKEN');
    expect(banner).toContain(`data folder:   ${join(cwd, '.slotkeeper')}`);
    expect(banner).toContain(`it finds this server through ${join(cwd, '.slotkeeper/server.json')}`);
    expect(banner).toMatch(new RegExp(`demo dashboard: +${base}/dashboard/signin\\?token=`));
    expect(banner).toContain('npx slotkeeper simulate-call demo');
  });

  it("runs the README's tour as written: a simulated call, then a curl", async () => {
    const readme = readFileSync(join(cwd, 'README.md'), 'utf8');
    const tour = readme.slice(readme.indexOf('## A 30-second tour')).match(/```sh\n([\s\S]*?)```/)![1]!;
    const script = tour.replaceAll('localhost:3000', `localhost:${port}`);
    const run = await runIn(cwd, 'bash', ['-euo', 'pipefail', '-c', script], bareEnv());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The simulated call, step by step, with what the assistant says.
    for (const step of ['→ check_availability', '→ reserve_slot', '→ send_otp', '→ verify_otp', '→ end-of-call-report'])
      expect(run.stdout).toContain(step);
    expect(run.stdout).toMatch(/assistant says: "You're booked .*"\s+\(booked\)/);
    expect(run.stdout).toMatch(/receives: ".*your booking code is \d{6}/);
    expect(run.stdout).toContain('the call is ended');
    // The curl's answer: one result whose JSON string carries a status and a sentence.
    const answer = JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('{"results"')));
    const result = JSON.parse(answer.results[0].result ?? answer.results[0].error);
    expect(result.say).toEqual(expect.any(String));
  });

  it('issues a key and creates a clinic with no DATABASE_URL (the server tells the CLI its database)', async () => {
    const key = await cli('key:issue', '--tenant', 'demo', '--scopes', 'read');
    expect(key.stderr).toBe('');
    expect(key.code).toBe(0);
    const issued = JSON.parse(key.stdout);
    const settings = await fetch(`http://127.0.0.1:${port}/api/v1/settings`, {
      headers: { authorization: `Bearer ${issued.key}` },
    });
    expect(settings.status).toBe(200);

    const created = await cli(
      'tenant:create',
      '--slug',
      'first-hour',
      '--name',
      'First Hour Clinic',
      '--zone',
      'Europe/Berlin',
      '--country',
      'DE',
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      slug: 'first-hour',
      webhookUrl: `http://localhost:${port}/vapi/first-hour`,
    });
  });

  it("prints a dashboard link on the server's own port, and the link signs in", async () => {
    const link = await npmRun('dashboard-link', '--', 'demo', '2');
    expect(link.code).toBe(0);
    const url = link.stdout.trim();
    expect(url).toMatch(new RegExp(`^http://localhost:${port}/dashboard/signin\\?token=`));
    const signIn = await fetch(url.replace('localhost', '127.0.0.1'), { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toBeTruthy();
  });

  it('migrates the running server’s database instead of crashing', async () => {
    const migrate = await npmRun('migrate');
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout.trim()).toBe('Database is up to date.');
  });

  it('has manners: help everywhere, exit 2 for wrong use, 1 for an unknown clinic', async () => {
    for (const args of [['help'], ['--help'], ['help', 'simulate-call'], ['tools:export', '--help']]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: slotkeeper/);
    }
    for (const script of [
      ['dashboard-link', '--', '--help'],
      ['migrate', '--', '--help'],
      ['cli', '--', 'help', 'key:issue'],
    ]) {
      const r = await npmRun(...script);
      expect(r.code, script.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: slotkeeper/);
    }
    const unknownCommand = await cli('tenant:delete');
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(/^Unknown command "tenant:delete"\.\n\nUsage: slotkeeper/);
    const unknownOption = await cli('key:issue', '--tenant', 'demo', '--colour', 'red');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/Unknown option '--colour'/);
    const missing = await npmRun('dashboard-link');
    expect(missing.code).toBe(2);
    const unknownClinic = await cli('tools:export', '--tenant', 'no-such-clinic', '--url', 'https://sk.example.com');
    expect(unknownClinic.code).toBe(1);
    expect(unknownClinic.stderr.trim()).toBe('There is no clinic with the slug "no-such-clinic".');
    expect(unknownClinic.stdout).toBe('');
    const simulateUnknown = await cli('simulate-call', 'no-such-clinic');
    expect(simulateUnknown.code).toBe(1);
    expect(simulateUnknown.stderr).not.toMatch(STACK_TRACE);
  });

  it('stops cleanly on Ctrl-C, and the CLI then says what to do or opens the database itself', async () => {
    process.kill(-server.child.pid!, 'SIGINT');
    await server.exited;
    expect(server.output()).toContain('shutting down (SIGINT)');
    expect(server.output()).not.toMatch(STACK_TRACE);
    expect(existsSync(join(cwd, '.slotkeeper/server.json'))).toBe(false);
    expect(existsSync(join(cwd, '.slotkeeper/pgdata/postmaster.pid'))).toBe(false);

    const simulate = await cli('simulate-call', 'demo');
    expect(simulate.code).toBe(1);
    expect(simulate.stderr.trim()).toBe(
      `No Slotkeeper server is running from ${join(cwd, '.slotkeeper')}: start one (npm start) and run this again beside it, or name a server with --url.`,
    );
    // With the server stopped, a database command opens the embedded database for its own length.
    const key = await cli('key:issue', '--tenant', 'first-hour');
    expect(key.code).toBe(0);
    expect(key.stderr).toContain('starting its embedded database for this command');
    expect(JSON.parse(key.stdout).key).toMatch(/^sk_/);
  });
});

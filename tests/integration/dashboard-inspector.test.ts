// The Stately inspector, received by a real local WebSocket server (the `ws` package, as the inspector's own server
// would): live call actors when STATELY_INSPECT_URL is set, and a stored call replayed by the CLI from call_events.
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { run } from '../../src/cli/main.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { eventually, phoneCall } from '../helpers/calls.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const SECRET = 'inspector-test-secret-01';
const CALLER = '+16175550301';
let db: TestDatabase;
let receiver: { url: string; messages: any[]; close(): Promise<void> };
let server: RunningServer | undefined;

async function startReceiver() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const messages: any[] = [];
  wss.on('connection', (socket) => socket.on('message', (data) => messages.push(JSON.parse(String(data)))));
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await createDemoClinic(db.sql, { secret: SECRET });
  process.env.DATABASE_URL = db.url;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await receiver?.close();
});
afterAll(async () => {
  await db?.drop();
});

/** A call that holds a time, asks for a person and hangs up. */
async function escalatedCall(url: string) {
  const call = phoneCall(vapiClient(url, 'demo', SECRET), CALLER);
  expect(
    (await call.tool('reserve_slot', { start: iso(futureWeekday('10:00', 2)), patient_name: 'Ana Ruiz' })).status,
  ).toBe('held');
  expect((await call.tool('request_human')).status).toBe('escalated');
  expect(await call.hangUp()).toBe(200);
  return call;
}

const eventTypes = (messages: any[]) => messages.filter((m) => m.type === '@xstate.event').map((m) => m.event.type);

describe('the Stately inspector', () => {
  it('with STATELY_INSPECT_URL set, live call actors stream their events and snapshots, phone numbers masked', async () => {
    receiver = await startReceiver();
    server = await startServer(db.sql, { env: { STATELY_INSPECT_URL: receiver.url } });
    await escalatedCall(server.url);
    await eventually(
      async () => eventTypes(receiver.messages),
      (types) => types.includes('END'),
    );
    expect(receiver.messages.some((m) => m.type === '@xstate.actor' && m.name === 'call')).toBe(true);
    const types = eventTypes(receiver.messages);
    expect(types.indexOf('RESERVE')).toBeLessThan(types.indexOf('ESCALATE'));
    const values = receiver.messages
      .filter((m) => m.type === '@xstate.snapshot' && typeof m.snapshot.value === 'string')
      .map((m) => m.snapshot.value);
    expect(values).toEqual(expect.arrayContaining(['reserving', 'held', 'escalated']));
    const everything = JSON.stringify(receiver.messages);
    expect(everything).toContain('•••• 0301');
    expect(everything).not.toContain(CALLER);
  });

  it('inspect:replay sends a stored call, by its Vapi call id, from its recorded events, ending where the call ended', async () => {
    const app = await startServer(db.sql);
    const call = await escalatedCall(app.url).finally(() => app.close());
    const [stored] = await db.sql<{ state: string; n: number }[]>`
      select c.state, (select count(*)::int from call_events e where e.call_id = c.id) as n from calls c where vapi_call_id = ${call.id}`;
    receiver = await startReceiver();
    const out: string[] = [];
    await run(['inspect:replay', '--call', call.id, '--url', receiver.url], (t) => out.push(t));
    const summary = JSON.parse(out.join(''));
    expect(summary).toMatchObject({
      call: call.id,
      clinic: 'demo',
      events: stored!.n,
      storedState: stored!.state,
      state: stored!.state,
    });

    // Every recorded event reached the inspector, in order, and the last snapshot is the stored state.
    const recorded = (
      await db.sql<{ eventType: string }[]>`
      select e.event_type from call_events e join calls c on c.id = e.call_id where c.vapi_call_id = ${call.id} order by e.seq`
    ).map((r) => r.eventType);
    await eventually(
      async () => receiver.messages.length,
      (n) => n >= summary.inspectionEvents,
    );
    const root = receiver.messages.find((m) => m.type === '@xstate.actor' && m.name === 'call').sessionId;
    expect(eventTypes(receiver.messages.filter((m) => m.sessionId === root))).toEqual(['xstate.init', ...recorded]);
    const snapshots = receiver.messages.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === root);
    expect(snapshots.at(-1).snapshot.value).toBe(stored!.state);
    expect(JSON.stringify(receiver.messages)).not.toContain(CALLER);
  });

  it('inspect:replay says so when there is no such call, or no inspector listening', async () => {
    receiver = await startReceiver();
    await expect(run(['inspect:replay', '--call', 'no-such-call', '--url', receiver.url], () => {})).rejects.toThrow(
      'No stored call with Vapi call id "no-such-call".',
    );
    const [{ vapiCallId }] = await db.sql<[{ vapiCallId: string }]>`select vapi_call_id from calls limit 1`;
    await receiver.close();
    await expect(run(['inspect:replay', '--call', vapiCallId, '--url', receiver.url], () => {})).rejects.toThrow(
      /^Could not reach the inspector at ws:\/\/127\.0\.0\.1:\d+/,
    );
  });
});

// Slow clients and floods cannot starve others: connections that send nothing, a body trickled a byte at a time,
// and a flood past the rate limit, all at once on loopback, while ordinary requests keep being answered. The server's
// deadlines are shortened for the test; what is asserted is who got answered and who got cut off, never how fast.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { toolCallsBody } from '../../testkit/vapi.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

const SECRET = 'slow-clients-secret-01';
let db: TestDatabase;
let server: RunningServer;
let port: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await createDemoClinic(db.sql, { secret: SECRET });
  server = await startServer(db.sql, {
    env: {
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '1500',
      HTTP_CONNECTION_TIMEOUT_MS: '3000',
      RATE_LIMIT_WEBHOOK_PER_IP: '40',
    },
  });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

/** A raw socket and what became of it: every byte the server sent, and whether it closed the connection. */
function rawClient(): { socket: Socket; closed: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  socket.on('error', () => {});
  return { socket, closed: new Promise((resolve) => socket.on('close', () => resolve(received))) };
}

const webhook = (body: unknown) =>
  fetch(`${server.url}/vapi/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(body),
  });

describe('slow clients and floods', () => {
  it('idle connections and a byte-a-time body are cut off; ordinary requests are answered meanwhile', async () => {
    const idle = Array.from({ length: 200 }, rawClient);
    const slow = rawClient();
    const body = JSON.stringify(toolCallsBody([{ name: 'check_availability' }]));
    slow.socket.write(
      `POST /vapi/demo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRET}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < body.length && !slow.socket.destroyed) slow.socket.write(body[sent++]!);
    }, 100);

    // While all of them hold their sockets, the others get their answers.
    const ordinary = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        i % 2
          ? (await fetch(`${server.url}/health`)).status
          : (await webhook(toolCallsBody([{ name: 'check_availability' }]))).status,
      ),
    );
    expect(ordinary).toEqual(Array(20).fill(200));

    const slowAnswer = await slow.closed;
    clearInterval(trickle);
    expect(sent).toBeLessThan(body.length);
    expect(slowAnswer).toMatch(/^HTTP\/1\.1 408|^$/);
    const idleAnswers = await Promise.all(idle.map((c) => c.closed));
    // Closed by the server, having sent them at most a 408.
    expect(idleAnswers.every((a) => a === '' || a.startsWith('HTTP/1.1 408'))).toBe(true);
  }, 30_000);

  it('a body over the limit is refused with 413 before it is read', async () => {
    const res = await fetch(`${server.url}/vapi/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: `{"message":{"type":"transcript","pad":"${'x'.repeat(3 * 1024 * 1024)}"}}`,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/too large/);
  });

  it('a flood past the per-address limit gets 429 with Retry-After; health still answers', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 80 }, async () => (await webhook({ message: { type: 'speech-update' } })).status),
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

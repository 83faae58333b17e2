// Slow clients and floods cannot starve others: connections that send nothing, a body trickled a byte at a time,
// and a flood past the rate limit, all at once on loopback, while ordinary requests keep being answered. The server's
// deadlines are shortened for the test; what is asserted is who got answered and who got cut off, never how fast.
import { connect, type Socket } from 'node:net';
import { describe, expect } from 'vitest';
import { toolCallsBody } from '../../testkit/vapi.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import type { RunningServer } from '../helpers/server.ts';

const SECRET = 'slow-clients-secret-01';
const it = integrationTest({
  clinic: { secret: SECRET },
  env: {
    HTTP_HEADERS_TIMEOUT_MS: '500',
    HTTP_REQUEST_TIMEOUT_MS: '1500',
    HTTP_CONNECTION_TIMEOUT_MS: '3000',
    RATE_LIMIT_WEBHOOK_PER_IP: '40',
  },
});

/** A raw socket and what became of it: every byte the server sent, and whether it closed the connection. */
function rawClient(server: RunningServer): { socket: Socket; closed: Promise<string> } {
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  socket.on('error', () => {});
  return { socket, closed: new Promise((resolve) => socket.on('close', () => resolve(received))) };
}

const webhook = (server: RunningServer, body: unknown) =>
  fetch(`${server.url}/vapi/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(body),
  });

describe('slow clients and floods', () => {
  it('idle connections and a byte-a-time body are cut off; ordinary requests are answered meanwhile', async ({
    server,
  }) => {
    const idle = Array.from({ length: 200 }, () => rawClient(server));
    const slow = rawClient(server);
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
          : (await webhook(server, toolCallsBody([{ name: 'check_availability' }]))).status,
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

  it('a body over the limit is refused with 413 before it is read', async ({ server }) => {
    const res = await fetch(`${server.url}/vapi/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: `{"message":{"type":"transcript","pad":"${'x'.repeat(3 * 1024 * 1024)}"}}`,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/too large/);
  });

  it('a flood past the per-address limit gets 429 with Retry-After; health still answers', async ({ server }) => {
    const statuses = await Promise.all(
      Array.from({ length: 80 }, async () => (await webhook(server, { message: { type: 'speech-update' } })).status),
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

// The webhook logs one line per tool call at info, carrying its bindings (clinic, call, tool-call id, tool, status),
// and fastify's own per-request lines only for the other routes.
import { describe, expect } from 'vitest';
import { integrationTest } from '../helpers/fixtures.ts';
import { futureWeekday, iso } from '../helpers/time.ts';

const lines: Record<string, any>[] = [];
const it = integrationTest({
  // Booking in one step: book_appointment's own replay record, not a call step's.
  clinic: { secret: 'webhook-logging-secret-01', otpRequired: false },
  env: { LOG_LEVEL: 'info' },
  logStream: { write: (line) => void lines.push(JSON.parse(line)) },
});

describe('webhook logging at info', () => {
  it('one line per tool call, with its bindings; a replay says so; other routes keep their request line', async ({
    server,
    vapi,
  }) => {
    const call = { callId: 'log-call-1', customerNumber: '+16175550188' };
    await vapi.tool(
      'check_availability',
      { date: futureWeekday('09:00', 3).toISODate()! },
      { ...call, toolCallId: 'log-tc-1' },
    );
    const book = () =>
      vapi.tool(
        'book_appointment',
        { start: iso(futureWeekday('10:00', 3)), patient_name: 'Lo Gger', provider: 'Moreno' },
        { ...call, toolCallId: 'log-tc-2' },
      );
    expect((await book()).status).toBe('booked');
    expect((await book()).status).toBe('booked');
    const webhookLines = lines.filter(
      (l) => l.req?.url?.startsWith('/vapi/') || l.url?.startsWith?.('/vapi/') || l.toolCallId || l.tenant,
    );
    expect(webhookLines.map((l) => [l.msg, l.toolCallId, l.tool, l.status, l.replayed ?? false])).toEqual([
      ['tool call answered', 'log-tc-1', 'check_availability', 'ok', false],
      ['tool call answered', 'log-tc-2', 'book_appointment', 'booked', false],
      ['tool call answered', 'log-tc-2', 'book_appointment', 'booked', true],
    ]);
    for (const l of webhookLines) expect(l).toMatchObject({ level: 30, tenant: 'demo', callId: 'log-call-1' });

    await fetch(`${server.url}/health`);
    expect(lines.filter((l) => l.req?.url === '/health' || l.msg === 'request completed').length).toBeGreaterThan(0);
  });
});

import WebSocket from 'ws';
import type { CallInput } from '../../machines/call-machine.ts';
import { replayCall } from '../calls/replay-call.ts';
import type { Sql } from '../db/client.ts';
import { storedCalls } from '../db/queries/call-replay.ts';
import { callInspector } from '../observability/stately-inspector.ts';
import { CliError } from './context.ts';

export const INSPECTOR_DEFAULT_URL = 'ws://localhost:8080';

/**
 * `inspect:replay`: replays a stored call, from its machine input and recorded events (call_events), into the Stately
 * inspector's WebSocket server at `url`, so a developer can step through what a real call did. Runs no effect: the
 * machine's steps are answered by their recorded results. Resolves once every inspection event was sent.
 */
export async function inspectReplay(sql: Sql, o: { call: string; tenant?: string; url: string }) {
  const found = await storedCalls(sql, o.call, o.tenant ?? null);
  if (found.length === 0)
    throw new CliError(`No stored call with Vapi call id "${o.call}"${o.tenant ? ` at clinic "${o.tenant}"` : ''}.`);
  if (found.length > 1)
    throw new CliError(
      `Clinics ${found.map((c) => c.tenantSlug).join(', ')} each have a call "${o.call}"; name one with --tenant.`,
    );
  const call = found[0]!;

  const socket = new WebSocket(o.url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (err) => reject(new CliError(`Could not reach the inspector at ${o.url}: ${err.message}`)));
  });
  const sent: Promise<void>[] = [];
  const inspector = callInspector((event) => {
    sent.push(
      new Promise((resolve, reject) => socket.send(JSON.stringify(event), (err) => (err ? reject(err) : resolve()))),
    );
  });
  const replayed = replayCall(call.machineInput as CallInput, call.events, inspector.inspect);
  await inspector.settled();
  await Promise.all(sent);
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
  return {
    call: call.vapiCallId,
    clinic: call.tenantSlug,
    events: call.events.length,
    inspectionEvents: sent.length,
    state: replayed.value,
    storedState: call.state,
  };
}

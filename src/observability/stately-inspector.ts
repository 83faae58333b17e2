import { createInspector, createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';

/**
 * The Stately inspector (https://stately.ai/docs/inspector) for call actors: live calls when STATELY_INSPECT_URL is
 * set, and stored calls replayed by `slotkeeper inspect:replay`. It is a developer's tool and may run anywhere, so
 * what it receives is sanitised: phone numbers masked, the digest of a code the caller read never sent.
 */
const PHONE = /\+[1-9]\d{6,14}/g;
const CODE_DIGEST = /"codeDigest":"[^"]*"/g;

/** Applied to every inspection event as a whole (its snapshot, context, input, event, definition alike). */
export const inspectorSanitising = {
  serialize: (event: StatelyInspectionEvent): StatelyInspectionEvent =>
    JSON.parse(
      JSON.stringify(event)
        .replace(PHONE, (p) => `•••• ${p.slice(-4)}`)
        .replace(CODE_DIGEST, '"codeDigest":"(hidden)"'),
    ),
};

export interface LiveInspector {
  inspect: (event: InspectionEvent) => void;
  stop(): void;
}

/** Live call actors to the inspector's WebSocket server at `url`; the library buffers and reconnects by itself. */
export function liveCallInspector(url: string): LiveInspector {
  const inspector = createWebSocketInspector({ url, ...inspectorSanitising });
  return { inspect: (event) => inspector.inspect.next?.(event), stop: () => inspector.stop() };
}

/**
 * An inspector that hands each converted event to `send` (the replay command brings its own socket, so it knows
 * when all was sent). The library converts xstate's events on a later tick: `settled` resolves once it has.
 */
export function callInspector(send: (event: StatelyInspectionEvent) => void) {
  const inspector = createInspector({ send }, inspectorSanitising);
  // Outside a browser the library defers each conversion with setTimeout(0); timers of one delay run in order.
  const settled = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return { inspect: inspector.inspect, settled };
}

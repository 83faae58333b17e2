import { createActor, fromPromise, type InspectionEvent, type Observer } from 'xstate';
import { type CallEvent, type CallInput, callMachine } from '../../machines/call-machine.ts';

// Effects that never finish: in a replay their results come from the recorded xstate.done.actor.* events instead.
const recorded = fromPromise<never, never>(() => new Promise<never>(() => {}));

/**
 * Rebuilds a call from its audit trail: the machine's input, then every recorded event in order (tool events and the
 * recorded results of its effects). Runs no side effect; the result should equal the stored snapshot. An inspector
 * (src/observability/stately-inspector.ts) may watch the replay step by step.
 */
export function replayCall(input: CallInput, events: unknown[], inspect?: Observer<InspectionEvent>) {
  const machine = callMachine.provide({
    actors: {
      reserveSlot: recorded,
      sendCode: recorded,
      verifyCode: recorded,
      confirmHold: recorded,
      resendConfirmation: recorded,
      changeAppointment: recorded,
      releaseHold: recorded,
    } as never,
  });
  const actor = createActor(machine, { input, inspect }).start();
  for (const event of events) actor.send(event as CallEvent);
  const snapshot = actor.getSnapshot();
  actor.stop();
  return { value: snapshot.value, context: snapshot.context, status: snapshot.status };
}

import type { CallService } from '../../calls/call-service.ts';
import { refuse, type ToolAnswer } from '../../domain/answer.ts';
import type { ToolContext } from './tool.ts';

/**
 * Hands a tool call to the call's machine as an event; the machine decides whether it is allowed and what to say.
 * The answer is recorded for a repeated tool-call id with the step, in the call's lock transaction (replay: 'call').
 */
export async function callStep(ctx: ToolContext, build: Parameters<CallService['step']>[2]): Promise<ToolAnswer> {
  if (!ctx.callId) return refuse('no_call', 'I can only do that during a phone call.');
  const call = {
    vapiCallId: ctx.callId,
    callerNumber: ctx.callerNumber,
    requestId: ctx.toolCallId,
    tool: ctx.tool,
    now: ctx.now,
  };
  return ctx.calls.step(ctx.tenant, call, build);
}

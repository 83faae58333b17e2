import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { BookingService } from '../../booking/booking-service.ts';
import type { CallService } from '../../calls/call-service.ts';
import type { ToolAnswer } from '../../domain/answer.ts';
import type { OptOuts } from '../../sms/opt-outs.ts';
import type { TenantContext } from '../../tenants/directory.ts';
import type { WaitlistService } from '../../waitlist/waitlist-service.ts';

export interface ToolContext {
  tenant: TenantContext;
  callId: string | null;
  /** The caller's number from the call's telephony data, as Vapi sent it (not yet normalised). */
  callerNumber: string | null;
  toolCallId: string;
  /** The tool's own name, as its answer is recorded under. */
  tool: string;
  now: number;
  log: FastifyBaseLogger;
  booking: BookingService;
  /** The call's state machine: the two-phase tools (reserve, code, verify, confirm) are steps of it. */
  calls: CallService;
  waitlist: WaitlistService;
  /** Numbers that texted STOP to the clinic: no code, offer or reminder can reach them. */
  optOuts: OptOuts;
}

export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string;
  /** For the model: when to call the tool. Exported with the schema to Vapi's tool definitions. */
  description: string;
  args: S;
  /** What Vapi says while the tool runs (its request-start message); a generic filler when absent. */
  filler?: string;
  /**
   * Who answers a repeated tool-call id with the first answer: 'runner' records it around the tool
   * (run-tool-call.ts), 'call' inside the call's own lock transaction with the step it answers
   * (calls/call-registry.ts); tools that change nothing ('none') simply answer again.
   */
  replay: 'runner' | 'call' | 'none';
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolAnswer>;
}

export const defineTool = <S extends z.ZodType>(tool: Tool<S>): Tool<S> => tool;

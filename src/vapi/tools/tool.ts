import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { BookingService } from '../../booking/booking-service.ts';
import type { CallService } from '../../calls/call-service.ts';
import type { TenantContext } from '../../tenants/directory.ts';
import type { ToolAnswer } from '../answer.ts';

export interface ToolContext {
  tenant: TenantContext;
  callId: string | null;
  /** The caller's number from the call's telephony data, as Vapi sent it (not yet normalised). */
  callerNumber: string | null;
  toolCallId: string;
  now: number;
  log: FastifyBaseLogger;
  booking: BookingService;
  /** The call's state machine: the two-phase tools (reserve, code, verify, confirm) are steps of it. */
  calls: CallService;
}

export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string;
  /** For the model: when to call the tool. Exported with the schema to Vapi's tool definitions. */
  description: string;
  args: S;
  /** What Vapi says while the tool runs (its request-start message); a generic filler when absent. */
  filler?: string;
  /** Tools that change something answer a repeated tool-call id with their first answer. */
  mutates: boolean;
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolAnswer>;
}

export const defineTool = <S extends z.ZodType>(tool: Tool<S>): Tool<S> => tool;

import type { CallContext, Reply, ToolEvent } from '../../machines/call-machine.ts';
import type { TenantContext } from '../tenants/directory.ts';
import { digestForHold } from './call-effects.ts';
import type { CallRegistry } from './call-registry.ts';

type Unstamped = ToolEvent extends infer E ? (E extends ToolEvent ? Omit<E, 'now' | 'requestId'> : never) : never;

/** What the Vapi tools use of the call machinery: send a step, digest a spoken code. */
export class CallService {
  constructor(
    readonly registry: CallRegistry,
    private readonly otpPepper: Buffer,
  ) {}

  step(
    t: TenantContext,
    call: { vapiCallId: string; callerNumber: string | null; requestId: string; tool: string; now: number },
    build: (context: CallContext) => Unstamped,
  ): Promise<Reply> {
    return this.registry.send(
      {
        tenantId: t.tenant.id,
        tenantSlug: t.tenant.slug,
        vapiCallId: call.vapiCallId,
        callerNumber: call.callerNumber,
        otpRequired: t.tenant.otpRequired,
        otpLength: t.tenant.otpLength,
      },
      (context) => ({ ...build(context), now: call.now, requestId: call.requestId }) as ToolEvent,
      { toolCallId: call.requestId, tool: call.tool },
    );
  }

  end(
    t: TenantContext,
    vapiCallId: string,
    callerNumber: string | null,
    reason: string | null,
    now: number,
  ): Promise<Reply> {
    return this.registry.send(
      {
        tenantId: t.tenant.id,
        tenantSlug: t.tenant.slug,
        vapiCallId,
        callerNumber,
        otpRequired: t.tenant.otpRequired,
        otpLength: t.tenant.otpLength,
      },
      { type: 'END', reason, now, requestId: `end:${vapiCallId}` },
    );
  }

  /** The digest of a code for this call's current hold and number, or null when there is nothing to check against. */
  digest(context: CallContext, code: string): string | null {
    return digestForHold(this.otpPepper, context, code);
  }
}

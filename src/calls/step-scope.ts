import type { Sql } from '../db/client.ts';
import { type TenantTx, withTenant } from '../db/tenant-scope.ts';

/**
 * The call's lock transaction while one of its steps runs. A step's effects do their database work in it, so the
 * call's lock, its transitions, the effect and the effect's outbox rows commit together: one transaction per step.
 * What must wait for that commit (telling the coordinator a booking changed, nudging the SMS dispatcher) is queued
 * here and run after it.
 */
export class StepScope {
  private readonly after: (() => void)[] = [];
  private open = true;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(readonly tx: TenantTx) {}

  /**
   * Runs `unit` in the step's transaction, or returns undefined once the step stopped taking work (it answered, or
   * timed out): the unit must then run in a transaction of its own. A unit admitted here always finishes before the
   * transaction commits, so it is never split by the commit.
   */
  async run<T>(unit: (tx: TenantTx) => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.open) return undefined;
    this.inFlight++;
    try {
      return { value: await unit(this.tx) };
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  /** Runs `fn` once the step's transaction has committed (dropped if it does not). */
  afterCommit(fn: () => void): void {
    this.after.push(fn);
  }

  /** Takes no more units and resolves when those under way are done: the transaction may then commit. */
  async close(): Promise<void> {
    this.open = false;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  /** The work queued for after the commit. */
  committed(): void {
    for (const fn of this.after.splice(0)) fn();
  }
}

/** The open step of each call, by tenant and call id; the effects find their call's transaction here. */
export class StepScopes {
  private readonly open = new Map<string, StepScope>();

  constructor(private readonly sql: Sql) {}

  begin(key: string, tx: TenantTx): StepScope {
    const scope = new StepScope(tx);
    this.open.set(key, scope);
    return scope;
  }

  end(key: string, scope: StepScope): void {
    if (this.open.get(key) === scope) this.open.delete(key);
  }

  /**
   * Runs an effect's database work in its call's step transaction, `after` once that commits; or, for an effect
   * outside any step (one that outlasted its step's timeout), in a transaction of its own, `after` once it commits.
   */
  async transact<T>(
    call: { tenantId: string; vapiCallId: string },
    unit: (tx: TenantTx) => Promise<T>,
    after?: (value: T) => void,
  ): Promise<T> {
    const scope = this.open.get(stepKey(call.tenantId, call.vapiCallId));
    const inStep = await scope?.run(unit);
    if (inStep) {
      if (after) scope!.afterCommit(() => after(inStep.value));
      return inStep.value;
    }
    const value = await withTenant(this.sql, call.tenantId, unit);
    after?.(value);
    return value;
  }
}

export const stepKey = (tenantId: string, vapiCallId: string): string => `${tenantId}/${vapiCallId}`;

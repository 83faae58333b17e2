import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { type Actor, createActor, type InspectionEvent, waitFor } from 'xstate';
import {
  BUSY_TAG,
  type CallContext,
  type CallEvent,
  type CallInput,
  machineSentences,
  type Reply,
} from '../../machines/call-machine.ts';
import type { Sql } from '../db/client.ts';
import {
  type CallRow,
  type CallStepSaved,
  type CallTransition,
  insertCall,
  lockCall,
  saveCallStep,
  saveTransitions,
} from '../db/queries/calls.ts';
import { withCommit, withTenant } from '../db/tenant-scope.ts';
import { mustSave, type RecordsNotSaved } from '../observability/metrics.ts';
import type { ProvidedCallMachine } from './call-effects.ts';
import { type StepScope, type StepScopes, stepKey } from './step-scope.ts';

type CallActor = Actor<ProvidedCallMachine>;

/** The version of a copy another instance has overtaken: no stored call has it, so the next step reloads. */
const STALE = -1;

interface Live {
  actor: CallActor;
  row: CallRow;
  /** The version this copy last saved or loaded; another instance may have moved on since. */
  version: number;
  state: string;
  writes: Promise<void>;
  lastUsed: number;
  /** Set before the actor is stopped: stopping is not a transition of the call and is not saved. */
  dropped: boolean;
  /** While a step runs: its transitions so far, saved together in the step's transaction when the step ends. */
  pending?: Transition[];
}

interface Transition extends CallTransition {
  snapshot: unknown;
  flagged: boolean;
}

export interface CallRegistryOptions {
  sql: Sql;
  machine: ProvidedCallMachine;
  /** Where the machine's effects find their step's transaction (the same StepScopes the effects were given). */
  steps: StepScopes;
  log: FastifyBaseLogger;
  now: () => number;
  /** Counts a transition that could not be saved (its event then fails, and the actor is reloaded from Postgres). */
  recordsNotSaved: RecordsNotSaved;
  /** Actors kept in memory; the least recently used beyond this are dropped (they live on in Postgres). */
  maxActors?: number;
  /** An actor idle this long is dropped. */
  idleMs?: number;
  /** Longest a step may take before the tool answers "still working" (Vapi gives up at 20 s). */
  stepTimeoutMs?: number;
  /**
   * Calls handled at once. Each holds one pooled connection for its step's transaction, and a claim (reserving a time)
   * or a change of appointment takes another meanwhile, so this must stay below the pool size or the pool could fill
   * with lock holders waiting for connections.
   */
  maxConcurrent: number;
  /** Also hands every inspection event to this (the opt-in Stately inspector). */
  inspect?: (event: InspectionEvent) => void;
}

/** What a step came to: the machine's answer, or the error that stopped it (thrown once its transitions are saved). */
type StepResult = { reply: Reply } | { failed: unknown };

interface StepOutcome {
  result: StepResult;
  /** Undefined when the step saved nothing (no transition, no answer to record). */
  saved?: CallStepSaved;
}

/** The event, or how to build it from the call's context when its turn comes. */
type EventSource = CallEvent | ((context: CallContext) => CallEvent);

/** A tool call whose answer is kept for a repeated delivery of the same id. */
export interface ReplayKey {
  toolCallId: string;
  tool: string;
}

export interface CallIdentity {
  tenantId: string;
  tenantSlug: string;
  vapiCallId: string;
  callerNumber: string | null;
  otpRequired: boolean;
  otpLength: number;
}

/**
 * The live call actors. One event at a time per call: in memory by a promise chain per call, across instances by
 * a transaction-scoped advisory lock on the call held while the event is handled. After taking the lock the row's
 * version is compared with this copy's; an older copy is replaced by the snapshot from Postgres, so a call moves
 * between instances (or survives a restart) without losing a step. A step is one transaction: the lock, the effect's
 * own statements (step-scope.ts), the step's transitions saved together and its replay record commit at once, or
 * none of them does.
 */
export class CallRegistry {
  private readonly live = new Map<string, Live>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly maxActors: number;
  private readonly idleMs: number;
  private readonly stepTimeoutMs: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly o: CallRegistryOptions) {
    this.maxActors = o.maxActors ?? 2000;
    this.idleMs = o.idleMs ?? 15 * 60_000;
    this.stepTimeoutMs = o.stepTimeoutMs ?? 15_000;
  }

  /**
   * Sends one event to the call's machine and returns what the machine answers. The event may be built from the
   * call's context as it is when its turn comes (verify_otp needs the hold to digest the code). With `replay`, the
   * answer is recorded under the tool-call id in the call's lock transaction, and a repeated id gets that first
   * answer without the event being sent again.
   */
  send(who: CallIdentity, event: EventSource, replay?: ReplayKey): Promise<Reply> {
    const key = stepKey(who.tenantId, who.vapiCallId);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.limited(() => this.handle(key, who, event, replay)));
    this.queues.set(key, run);
    void run
      .finally(() => {
        if (this.queues.get(key) === run) this.queues.delete(key);
      })
      .catch(() => {});
    return run;
  }

  /** Call actors held in memory now. */
  get size(): number {
    return this.live.size;
  }

  /** Drops idle actors and, past the cap, the least recently used ones. Called on the server's housekeeping timer. */
  trim(): void {
    const now = this.o.now();
    const idle = [...this.live.entries()].filter(([key, l]) => !this.queues.has(key) && now - l.lastUsed > this.idleMs);
    for (const [key] of idle) this.drop(key);
    if (this.live.size <= this.maxActors) return;
    const byAge = [...this.live.entries()]
      .filter(([key]) => !this.queues.has(key))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key] of byAge.slice(0, this.live.size - this.maxActors)) this.drop(key);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
    for (const key of [...this.live.keys()]) this.drop(key);
  }

  private drop(key: string): void {
    const live = this.live.get(key);
    if (live) {
      live.dropped = true;
      live.actor.stop();
    }
    this.live.delete(key);
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    // A finishing call hands its slot straight to the next waiting one, so the count never overshoots.
    if (this.active >= this.o.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private async handle(
    key: string,
    who: CallIdentity,
    build: EventSource,
    replay: ReplayKey | undefined,
  ): Promise<Reply> {
    const bound = { tenantId: who.tenantId, callId: who.vapiCallId };
    let scope: StepScope | undefined;
    // Set once the step ran: from then on a failed transaction leaves this copy ahead of what PostgreSQL holds.
    let ran: Live | undefined;
    let saving = false;
    // Transitions made while the step's save is on its way (an effect outlasting the step) wait for it.
    let stepSaved = () => {};
    let outcome: StepOutcome;
    try {
      outcome = await withTenant(this.o.sql, who.tenantId, async (tx) => {
        const { row: stored, earlier } = await lockCall(tx, who.tenantId, who.vapiCallId, replay?.toolCallId ?? null);
        if (earlier !== undefined) {
          this.o.log.debug(
            { ...bound, toolCallId: replay?.toolCallId },
            'repeated tool-call id: replaying the first answer',
          );
          return { result: { reply: earlier as Reply } };
        }
        scope = this.o.steps.begin(key, tx);
        const live = await this.upToDate(key, who, stored, bound);
        ran = live;
        const { result, pending } = await this.step(live, build, scope, bound);
        // Transitions saved on their own before this step (an earlier effect that outlasted its step) come first.
        await live.writes;
        live.writes = new Promise<void>((resolve) => (stepSaved = resolve));
        // A step that could not run is not recorded: the same tool-call id, sent again, must really run. The
        // transitions it did make are saved: they happened.
        const record =
          replay && 'reply' in result && !result.reply.failed
            ? { tenantId: who.tenantId, vapiCallId: who.vapiCallId, ...replay, response: result.reply }
            : undefined;
        const last = pending.at(-1);
        if (!last && !record) return { result };
        saving = true;
        const save = saveCallStep(tx, {
          callRowId: live.row.id,
          expectedVersion: live.version,
          snapshot: last?.snapshot,
          state: last?.after ?? live.state,
          flagged: pending.some((t) => t.flagged),
          transitions: pending,
          ...(record ? { record } : {}),
        });
        return withCommit(save.then((saved): StepOutcome => ({ result, saved })));
      });
    } catch (err) {
      if (saving) this.o.recordsNotSaved.inc({ record: 'call_transition' });
      // The step's transitions are not in PostgreSQL: this copy goes, and the next event starts from the stored call.
      if (ran) this.drop(key);
      stepSaved();
      throw err;
    } finally {
      if (scope) this.o.steps.end(key, scope);
    }
    scope?.committed();
    const { result, saved } = outcome;
    if (ran) {
      if (saved?.version !== undefined) ran.version = saved.version;
      if (ran.actor.getSnapshot().status !== 'active') this.drop(key);
      else if (this.live.size > this.maxActors) this.trim();
    }
    stepSaved();
    if ('failed' in result) throw result.failed;
    return (saved?.recorded as Reply | undefined) ?? result.reply;
  }

  /** The call's actor as PostgreSQL has it: this copy if it is current, else restored from the row, else a new call. */
  private async upToDate(
    key: string,
    who: CallIdentity,
    stored: CallRow | undefined,
    bound: Record<string, string>,
  ): Promise<Live> {
    let live = this.live.get(key);
    if (live && (!stored || stored.version !== live.version)) {
      this.o.log.info(
        { ...bound, mine: live.version, stored: stored?.version },
        'call moved on elsewhere: reloading it',
      );
      this.drop(key);
      live = undefined;
    }
    live ??= stored ? this.restore(key, stored) : await this.create(key, who);
    live.lastUsed = this.o.now();
    return live;
  }

  /**
   * The event's turn, under the call's lock. Its transitions are collected, not saved: the caller saves them with the
   * step's answer, as the transaction's last statement.
   */
  private async step(
    live: Live,
    build: EventSource,
    scope: StepScope,
    bound: Record<string, string>,
  ): Promise<{ result: StepResult; pending: Transition[] }> {
    const pending: Transition[] = [];
    if (live.actor.getSnapshot().status !== 'active') return { result: { reply: machineSentences.ended }, pending };
    live.pending = pending;
    try {
      // A restored actor may be in the middle of an effect: let it finish before the next event.
      await this.settle(live);
      const event = typeof build === 'function' ? build(live.actor.getSnapshot().context) : build;
      live.actor.send(event);
      await this.settle(live);
      this.o.log.debug({ ...bound, event: event.type, state: live.state }, 'call event handled');
      return { result: { reply: live.actor.getSnapshot().context.reply ?? machineSentences.internal }, pending };
    } catch (failed) {
      // The transitions so far did happen: they are saved and committed, no answer is recorded (a repeat of the tool
      // call should run again), and the step fails after the commit.
      return { result: { failed }, pending };
    } finally {
      // An effect still under way (the step timed out) finishes its unit in this transaction or none of it does.
      await scope.close();
      live.pending = undefined;
    }
  }

  private async settle(live: Live): Promise<void> {
    await waitFor(live.actor, (s) => s.status !== 'active' || !s.hasTag(BUSY_TAG), { timeout: this.stepTimeoutMs });
  }

  /**
   * A new call's row commits on its own (one statement) before its first step runs: the call is on record even if
   * that step fails, and an effect working on a connection of its own (a change of appointment texts the patient
   * from the call) can refer to it.
   */
  private async create(key: string, who: CallIdentity): Promise<Live> {
    const input: CallInput = { ...who, callRowId: randomUUID() };
    const live = this.start(key, { input }, null);
    const row = await mustSave(this.o.recordsNotSaved, 'call_transition', () =>
      insertCall(this.o.sql, {
        id: input.callRowId,
        tenantId: who.tenantId,
        vapiCallId: who.vapiCallId,
        callerNumber: who.callerNumber,
        state: live.state,
        snapshot: live.actor.getPersistedSnapshot(),
        input,
      }),
    );
    live.row = row;
    live.version = row.version;
    return live;
  }

  private restore(key: string, row: CallRow): Live {
    const live = this.start(key, { snapshot: row.snapshot as never }, row);
    live.version = row.version;
    return live;
  }

  private start(key: string, from: { input: CallInput } | { snapshot: never }, row: CallRow | null): Live {
    const live: Live = {
      actor: undefined as unknown as CallActor,
      row: row!,
      version: row?.version ?? 0,
      state: row?.state ?? 'idle',
      writes: Promise.resolve(),
      lastUsed: this.o.now(),
      dropped: false,
    };
    const record = (ev: InspectionEvent) => {
      this.o.inspect?.(ev);
      if (
        ev.type !== '@xstate.snapshot' ||
        ev.actorRef !== live.actor ||
        ev.event.type === 'xstate.init' ||
        live.dropped
      )
        return;
      const snapshot = live.actor.getPersistedSnapshot();
      const before = live.state;
      const after = String((ev.snapshot as unknown as { value: unknown }).value);
      live.state = after;
      const flagged = Boolean(
        (ev.snapshot as unknown as { context?: { flaggedForHuman?: boolean } }).context?.flaggedForHuman,
      );
      const event = JSON.parse(JSON.stringify(ev.event)) as { type: string };
      const transition = { event, before, after, snapshot, flagged };
      if (live.pending) {
        live.pending.push(transition);
        return;
      }
      // A transition after its step ended (an effect outlasting the step timeout) is saved alone, in order, as soon as
      // it happened; the next step waits for it (step awaits `writes`).
      live.writes = live.writes.then(async () => {
        const saved = await mustSave(this.o.recordsNotSaved, 'call_transition', () =>
          withTenant(this.o.sql, live.row.tenantId, (tx) =>
            saveTransitions(tx, {
              callRowId: live.row.id,
              expectedVersion: live.version,
              snapshot,
              state: after,
              flagged,
              transitions: [transition],
            }),
          ),
        );
        if (saved !== undefined) {
          live.version = saved;
          return;
        }
        // Another instance moved the call on (it may have ended it): what it saved stands. This copy is out of date;
        // no stored version matches this one, so the call's next step here reloads it.
        this.o.log.info(
          { callId: live.row.vapiCallId, event: event.type, state: after },
          'late call transition not saved: the call moved on elsewhere',
        );
        live.version = STALE;
      });
      // Handled by step's await; this only keeps an event that never got that far from crashing the process.
      live.writes.catch((err: unknown) =>
        this.o.log.error({ err, callId: live.row.vapiCallId }, 'call transition not saved; the event fails'),
      );
    };
    live.actor = createActor(this.o.machine, { ...from, inspect: record } as never) as CallActor;
    live.actor.start();
    this.live.set(key, live);
    return live;
  }
}

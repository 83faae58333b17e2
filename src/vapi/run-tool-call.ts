import type { FastifyBaseLogger } from 'fastify';
import type { ReplayTicket, ToolReplays } from '../coordinator/tool-replays.ts';
import type { Sql } from '../db/client.ts';
import { failure, refuse, type ToolAnswer } from '../domain/answer.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { NormalisedToolCall } from './envelope.ts';
import { describeInvalidArguments } from './tools/args.ts';
import { tools } from './tools/index.ts';
import type { ToolContext } from './tools/tool.ts';

export interface RunDeps {
  sql: Sql;
  metrics: Metrics;
  /** Where 'runner' tools keep the answer a repeated tool-call id gets again. */
  replays: ToolReplays;
}

/** One entry of a tool-calls message: validate, replay or run, record. Never throws: every failure is a sentence. */
export async function runToolCall(
  call: NormalisedToolCall,
  ctx: Omit<ToolContext, 'toolCallId' | 'tool' | 'log'> & { log: FastifyBaseLogger; bound?: Record<string, unknown> },
  deps: RunDeps,
): Promise<ToolAnswer> {
  const { log } = ctx;
  const bound = { ...ctx.bound, callId: ctx.callId, toolCallId: call.id, tool: call.name };
  const stopTimer = deps.metrics.toolDuration.startTimer({ tool: call.name || 'unknown' });
  let replayed = false;
  // The one line a tool call logs at info.
  const done = (a: ToolAnswer) => {
    stopTimer();
    deps.metrics.toolCalls.inc({ tool: tools.has(call.name) ? call.name : 'unknown', status: a.body.status });
    log.info(
      { ...bound, status: a.body.status, failed: a.failed === true, ...(replayed ? { replayed } : {}) },
      'tool call answered',
    );
    return a;
  };

  const tool = tools.get(call.name);
  if (!tool) {
    return done(
      refuse(
        'unknown_tool',
        `I don't have a tool called "${call.name.slice(0, 60)}"; I can use ${[...tools.keys()].join(', ')}.`,
      ),
    );
  }
  if (!call.args.ok) return done(refuse('invalid_arguments', `The arguments for ${tool.name} were not valid JSON.`));
  const args = tool.args.safeParse(call.args.value);
  if (!args.success) return done(refuse('invalid_arguments', describeInvalidArguments(tool.name, args.error)));

  const tenantId = ctx.tenant.tenant.id;
  let ticket: ReplayTicket | undefined;
  try {
    if (tool.replay === 'runner') {
      ticket = await deps.replays.begin(tenantId, call.id);
      if (ticket.kind === 'replay') {
        replayed = true;
        return done(ticket.answer as ToolAnswer);
      }
    }
    const result = await tool.run(args.data, { ...ctx, toolCallId: call.id, tool: tool.name, log });
    if (ticket?.kind !== 'run') return done(result);
    // A step that could not run is not recorded either: a retry of the same id must really run.
    if (result.failed) {
      await deps.replays.abandon(ticket, tenantId, call.id);
      return done(result);
    }
    const first = await deps.replays.finish(ticket, {
      tenantId,
      toolCallId: call.id,
      callId: ctx.callId,
      tool: tool.name,
      response: result,
    });
    return done(first as ToolAnswer);
  } catch (err) {
    log.error({ ...bound, err }, 'tool call failed');
    if (ticket?.kind === 'run') await deps.replays.abandon(ticket, tenantId, call.id);
    // Not recorded: the same tool-call id may be retried and should then really run.
    return done(
      failure('internal_error', 'Sorry, something went wrong on our side; please try that again in a moment.'),
    );
  }
}

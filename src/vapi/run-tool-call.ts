import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../db/client.ts';
import { findToolResult, saveToolResult } from '../db/queries/tool-calls.ts';
import { withTenant } from '../db/tenant-scope.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { NormalisedToolCall } from './envelope.ts';
import { describeInvalidArguments } from './tools/args.ts';
import { tools } from './tools/index.ts';
import type { ToolContext } from './tools/tool.ts';
import { failure, refuse, type ToolAnswer } from '../domain/answer.ts';

export interface RunDeps {
  sql: Sql;
  metrics: Metrics;
}

/** One entry of a tool-calls message: validate, replay or run, record. Never throws: every failure is a sentence. */
export async function runToolCall(
  call: NormalisedToolCall,
  ctx: Omit<ToolContext, 'toolCallId' | 'tool' | 'log'> & { log: FastifyBaseLogger },
  deps: RunDeps,
): Promise<ToolAnswer> {
  const log = ctx.log.child({ callId: ctx.callId, toolCallId: call.id, tool: call.name });
  const stopTimer = deps.metrics.toolDuration.startTimer({ tool: call.name || 'unknown' });
  const done = (a: ToolAnswer) => {
    stopTimer();
    deps.metrics.toolCalls.inc({ tool: tools.has(call.name) ? call.name : 'unknown', status: a.body.status });
    log.info({ status: a.body.status, failed: a.failed === true }, 'tool call answered');
    return a;
  };

  const tool = tools.get(call.name);
  if (!tool) {
    return done(refuse('unknown_tool', `I don't have a tool called "${call.name.slice(0, 60)}"; I can use ${[...tools.keys()].join(', ')}.`));
  }
  if (!call.args.ok) return done(refuse('invalid_arguments', `The arguments for ${tool.name} were not valid JSON.`));
  const args = tool.args.safeParse(call.args.value);
  if (!args.success) return done(refuse('invalid_arguments', describeInvalidArguments(tool.name, args.error)));

  const tenantId = ctx.tenant.tenant.id;
  try {
    if (tool.replay === 'runner') {
      const earlier = await withTenant(deps.sql, tenantId, (tx) => findToolResult(tx, tenantId, call.id));
      if (earlier) {
        log.info('repeated tool-call id: replaying the first answer');
        return done(earlier as ToolAnswer);
      }
    }
    const result = await tool.run(args.data, { ...ctx, toolCallId: call.id, tool: tool.name, log });
    // A step that could not run is not recorded either: a retry of the same id must really run.
    if (tool.replay !== 'runner' || result.failed) return done(result);
    const record = { tenantId, toolCallId: call.id, callId: ctx.callId, tool: tool.name, response: result };
    const first = await withTenant(deps.sql, tenantId, (tx) => saveToolResult(tx, record));
    return done(first as ToolAnswer);
  } catch (err) {
    log.error({ err }, 'tool call failed');
    // Not recorded: the same tool-call id may be retried and should then really run.
    return done(failure('internal_error', 'Sorry, something went wrong on our side; please try that again in a moment.'));
  }
}

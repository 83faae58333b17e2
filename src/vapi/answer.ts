// Vapi's packaging of an answer: one compact JSON line, in `result`, or in `error` only when the step could not run.
import type { ToolAnswer } from '../domain/answer.ts';

export interface VapiToolResult {
  toolCallId: string;
  name: string;
  result?: string;
  error?: string;
}

export function toVapiResult(toolCallId: string, name: string, a: ToolAnswer): VapiToolResult {
  const line = JSON.stringify(a.body);
  return a.failed ? { toolCallId, name, error: line } : { toolCallId, name, result: line };
}

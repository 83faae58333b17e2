/**
 * What a tool says back. `status` is for machines, `say` is one short sentence the assistant can speak; the rest
 * is detail the model may use. Serialised as one compact line, as Vapi requires.
 */
export interface AnswerBody {
  status: string;
  say: string;
  [detail: string]: unknown;
}

export interface ToolAnswer {
  /** false puts the body in Vapi's `error` field: the step did not happen. */
  ok: boolean;
  body: AnswerBody;
}

export const answer = (status: string, say: string, details: Record<string, unknown> = {}): ToolAnswer => ({
  ok: true,
  body: { status, say, ...details },
});

export const refuse = (status: string, say: string, details: Record<string, unknown> = {}): ToolAnswer => ({
  ok: false,
  body: { status, say, ...details },
});

export interface VapiToolResult {
  toolCallId: string;
  name: string;
  result?: string;
  error?: string;
}

export function toVapiResult(toolCallId: string, name: string, a: ToolAnswer): VapiToolResult {
  const line = JSON.stringify(a.body);
  return a.ok ? { toolCallId, name, result: line } : { toolCallId, name, error: line };
}

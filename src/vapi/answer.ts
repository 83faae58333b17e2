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
  /**
   * Set only when the step could not run at all (an internal failure, the clinic switched off): the body goes in
   * Vapi's `error`, and Vapi speaks the tool's request-failed message. Every outcome the tool reached, a refusal
   * included, goes in `result` so that its own sentence is what the caller hears.
   */
  failed?: true;
  body: AnswerBody;
}

export const answer = (status: string, say: string, details: Record<string, unknown> = {}): ToolAnswer => ({
  body: { status, say, ...details },
});

/** An outcome the tool reached that is not what was asked (taken, closed, wrong code…): spoken like any answer. */
export const refuse = answer;

/** The step could not run: the only answers Vapi gets in `error`. */
export const failure = (status: string, say: string): ToolAnswer => ({ failed: true, body: { status, say } });

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

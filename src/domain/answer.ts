// Every answer the product gives a caller's assistant: a status for machines and one sentence to speak.
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

/**
 * Every answer about a day the caller named carries that day (`date`, clinic-local ISO), whatever the outcome, so
 * the model — and anyone reading the call — can see what was understood.
 */
export const withDate = (a: ToolAnswer, date: string | null | undefined): ToolAnswer =>
  date ? { ...a, body: { ...a.body, date } } : a;

// What a finished call tells about the caller, and the score it earns.
/** What one finished call really tells us; built from the end-of-call report and the call's own records. */
export interface LeadSignals {
  /** The service of the appointment confirmed during the call, if one was. */
  booked: { name: string; valueCents: number } | null;
  /** A slot was held at some point in the call. */
  held: boolean;
  codeVerified: boolean;
  escalated: boolean;
  /** What the caller said (their turns only: the assistant asking "is it an emergency?" is no signal). */
  callerText: string;
  /** Vapi's analysis summary, written about the caller. */
  summary: string;
  structuredData: Record<string, unknown> | null;
  /** Vapi sends it as a string whatever the rubric: "true", "false", "8/10", "80%", "B", … */
  successEvaluation: string | null;
  durationSeconds: number | null;
  /** true: not known before this call; false: a returning patient; null: no way to tell (no caller number). */
  newPatient: boolean | null;
}

export interface LeadReason {
  points: number;
  text: string;
}

export interface LeadScore {
  /** 0–100. */
  score: number;
  /** Why, strongest first; only what moved the score. */
  reasons: LeadReason[];
}

/** What the call's own records say (bookings, the machine's path, the patients table), not the model. */
export type CallFacts = Pick<LeadSignals, 'booked' | 'held' | 'codeVerified' | 'escalated' | 'newPatient'>;

// What claim_slot answers, and the patient a booking is made for.
import type { Service } from './tenant.ts';
export type ClaimOutcome =
  | 'created'
  | 'existing'
  | 'conflict'
  | 'past'
  | 'too_soon'
  | 'too_far'
  | 'closed'
  | 'unknown_service'
  | 'unknown_provider';

export interface ClaimRow {
  outcome: ClaimOutcome;
  bookingId: string | null;
  holdToken: string | null;
  status: 'held' | 'confirmed' | null;
  providerId: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  expiresAt: Date | null;
}

export interface PatientDetails {
  phone: string;
  name: string | null;
  email: string | null;
}

/** The provider time one claim asks for: enough for the slot coordinator to queue and lock it by provider-day. */
export interface SlotRequest {
  tenantId: string;
  providerId: string;
  service: Service;
  start: number;
  /** The Vapi call asking, if any: a call asking again for the time it already has is not refused from memory. */
  callId: string | null;
}

/** A patient's text about a change, queued in the change's transaction. */
export interface ChangeText {
  /** The calls row the change came from; null when staff made it. */
  callRowId: string | null;
  body: string;
}

/** An appointment's reminder text and the instants it goes out, queued with the booking that creates it. */
export interface Reminders {
  body: string;
  times: number[];
}

/** Where a tool's answer is recorded for replay, should the claim create a booking (its id is written at `idPath`). */
export interface ClaimRecord {
  toolCallId: string;
  tool: string;
  answer: unknown;
  idPath: string[];
}

/**
 * A claim as data: what the slot gate hands PostgreSQL once its queue and lock let it through, so no layer calls
 * back into the one above it. `claim` takes free time (sql/functions/claim_slot_answered.sql, which also checks and
 * keeps the tool's replay record when `record` is set); `move` takes it for an existing appointment and cancels that
 * one in the same transaction (reschedule_booking).
 */
export type ClaimStatement = PlainClaim | AnsweredClaim | MoveClaim;

export interface PlainClaim {
  kind: 'claim';
  slot: SlotRequest;
  status: 'held' | 'confirmed';
  patient: PatientDetails;
  /** Queued when the claim creates a confirmed booking; null for a hold. */
  reminders: Reminders | null;
  record: null;
}

export type AnsweredClaim = Omit<PlainClaim, 'record'> & { record: ClaimRecord };

export interface MoveClaim {
  kind: 'move';
  slot: SlotRequest;
  oldBookingId: string;
  patientPhone: string;
  text: ChangeText | null;
  reminders: Reminders;
}

/** What a statement came to: the claim function's row, or why it claimed nothing without trying. */
export type ClaimResult<S extends ClaimStatement = ClaimStatement> =
  | { kind: 'row'; row: ClaimRow; recorded: unknown | null }
  | (S extends AnsweredClaim ? { kind: 'replayed'; answer: unknown } : never)
  | (S extends MoveClaim ? { kind: 'not_found' } : never);

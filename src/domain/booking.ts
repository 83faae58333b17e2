// What claim_slot answers, and the patient a booking is made for.
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

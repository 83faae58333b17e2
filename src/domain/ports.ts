// The ports between the booking service and what stands before PostgreSQL (the slot coordinator), and the listener
// of booking changes that caches and other instances hear.
import type { BusyRange } from '../scheduling/types.ts';
import type { ClaimResult, ClaimStatement } from './booking.ts';
import type { Tenant } from './tenant.ts';

/** A provider's time changed (claimed, confirmed, released, cancelled, expired): caches of it must be dropped. */
export interface BookingChange {
  tenantId: string;
  providerId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface BookingChangeListener {
  bookingChanged(change: BookingChange): void;
}

/**
 * What stands between this service and PostgreSQL: the slot coordinator (src/coordinator/) queues and locks claims,
 * may refuse one it knows is taken ('known_taken', no database round trip), and caches busy time.
 */
export interface SlotGate {
  /** Every active booking's busy time that overlaps [from, to), at least. */
  busy(tenant: Tenant, providerIds: string[], from: number, to: number): Promise<BusyRange[]>;
  /**
   * Runs the statement in PostgreSQL once the slot is this caller's turn, reports the change it made, and answers
   * only once other instances can no longer offer that time; 'known_taken' when memory already knows the time is
   * someone else's (nothing ran).
   */
  claim<S extends ClaimStatement>(tenant: Tenant, statement: S): Promise<ClaimResult<S> | 'known_taken'>;
  /** Changes with every change to the clinic's bookings; undefined when that cannot be vouched for. */
  availabilityVersion?(tenantId: string): string | undefined;
}

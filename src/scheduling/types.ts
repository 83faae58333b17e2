export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7; // ISO: Monday = 1

export interface WeeklyHours {
  providerId: string;
  weekday: Weekday;
  start: string; // 'HH:mm'
  end: string; // 'HH:mm', > start, '24:00' allowed
}

export interface DateException {
  providerId: string | null; // null = whole clinic
  date: string; // 'YYYY-MM-DD' local
  kind: 'closed' | 'open';
  start?: string;
  end?: string; // start and end are required when kind = 'open'
}

export interface ServiceSpec {
  id: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

// Occupied time of an active booking INCLUDING its buffers, half-open [start, end).
export interface BusyRange {
  providerId: string;
  start: number;
  end: number;
}

export interface SchedulingRules {
  timeZone: string;
  slotStepMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
}

// Appointment time WITHOUT buffers.
export interface Slot {
  providerId: string;
  start: number;
  end: number;
}

export type TimeOfDay = 'morning' | 'afternoon' | 'evening';

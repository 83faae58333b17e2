import { bookAppointment } from './book-appointment.ts';
import { checkAvailability } from './check-availability.ts';
import type { Tool } from './tool.ts';

export const tools: ReadonlyMap<string, Tool> = new Map<string, Tool>(
  [checkAvailability, bookAppointment].map((t) => [t.name, t as unknown as Tool]),
);

import { bookAppointment } from './book-appointment.ts';
import { confirmBooking, requestHuman, sendConfirmation } from './call-steps.ts';
import { cancelAppointment, rescheduleAppointment } from './change-appointment.ts';
import { checkAvailability } from './check-availability.ts';
import { joinWaitlist } from './join-waitlist.ts';
import { reserveSlot } from './reserve-slot.ts';
import { sendOtp } from './send-otp.ts';
import type { Tool } from './tool.ts';
import { verifyOtp } from './verify-otp.ts';

export const tools: ReadonlyMap<string, Tool> = new Map<string, Tool>(
  [
    checkAvailability,
    bookAppointment,
    reserveSlot,
    sendOtp,
    verifyOtp,
    confirmBooking,
    sendConfirmation,
    cancelAppointment,
    rescheduleAppointment,
    joinWaitlist,
    requestHuman,
  ].map((t) => [t.name, t as unknown as Tool]),
);

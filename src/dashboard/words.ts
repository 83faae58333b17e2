// The words front-desk staff use for what the system records: a call's machine states and transitions, appointment
// states, text messages. The machine's own names stay available behind a details toggle.

/** "•••• 1000": enough to recognise a caller on a screen others can see, not enough to copy. */
export function maskPhone(e164: string | null | undefined): string | null {
  return e164 ? `•••• ${e164.slice(-4)}` : null;
}

/** What a live call is doing, by the call machine's state (machines/call-machine.ts). */
const DOING: Record<string, string> = {
  idle: 'Talking',
  choosing: 'Choosing a time',
  reserving: 'Checking a time',
  held: 'Holding a time',
  sendingCode: 'Texting a code',
  codeSent: 'Waiting for the code',
  verifying: 'Checking the code',
  confirming: 'Booking',
  booked: 'Booked',
  resendingConfirmation: 'Booked',
  changingAppointment: 'Changing an appointment',
  holdExpired: 'Hold ran out',
  escalating: 'Wants a person',
  escalated: 'Wants a person',
  ending: 'Hanging up',
  ended: 'Ended',
};
export const stateWords = (state: string): string => DOING[state] ?? state;

/**
 * An appointment as staff say it. The bookings table has four statuses; staff need five words: a hold given back
 * (released when the caller hung up or asked for a person, or ran out) is not a cancelled appointment, and a booked
 * appointment the patient missed is a no-show.
 */
export type AppointmentWord = 'held' | 'booked' | 'released' | 'cancelled' | 'no-show';

export function appointmentWord(b: {
  status: string;
  confirmedAt: Date | null;
  noShowAt: Date | null;
}): AppointmentWord {
  if (b.status === 'held') return 'held';
  if (b.status === 'confirmed') return b.noShowAt ? 'no-show' : 'booked';
  if (b.status === 'cancelled' && b.confirmedAt) return 'cancelled';
  return 'released';
}

const SMS_KINDS: Record<string, string> = {
  otp: 'Code',
  confirmation: 'Confirmation',
  cancellation: 'Cancellation',
  reschedule: 'Moved',
  alert: 'Hot-lead alert',
  reminder: 'Reminder',
  offer: 'Waitlist offer',
};
export const smsKindWords = (kind: string): string => SMS_KINDS[kind] ?? kind;

/**
 * A text as staff may read it. Codes never appear: a code text is stored sealed and is not opened here (its wording
 * is shown with the code hidden), and any run of 4–8 digits in a code text that is not sealed is hidden too. On
 * screens others can see (`maskNumbers`), phone numbers inside a text are masked like everywhere else there.
 */
export function smsShownText(m: { kind: string; body: string; bodySealed: boolean }, maskNumbers = false): string {
  if (m.kind !== 'otp') return maskNumbers ? m.body.replace(/\+[1-9]\d{6,14}/g, (p) => maskPhone(p)!) : m.body;
  if (m.bodySealed) return 'Booking code text (the code is hidden).';
  return m.body.replace(/\b\d{4,8}\b/g, '••••');
}

export interface TimelineEvent {
  eventType: string;
  stateBefore: string;
  stateAfter: string;
  /** The recorded event; only the fields named below are read, and never a code or its digest. */
  event: Record<string, unknown>;
}

const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** One entry of a call's timeline in a plain sentence, e.g. "Code texted to •••• 2002", "Caller asked for a person". */
export function timelineSentence(e: TimelineEvent): string {
  const output = get(e.event, 'output');
  const kind = text(get(output, 'kind'));
  switch (e.eventType) {
    case 'RESERVE':
      return 'Caller asked for a time';
    case 'SEND_OTP':
      return 'Caller asked for a code';
    case 'VERIFY':
      return 'Caller read a code';
    case 'CONFIRM':
      return 'Caller confirmed';
    case 'SEND_CONFIRMATION':
      return 'Caller asked for the confirmation text again';
    case 'CHANGE_APPOINTMENT':
      return get(e.event, 'change') === 'reschedule'
        ? 'Caller asked to move an appointment'
        : 'Caller asked to cancel an appointment';
    case 'ESCALATE':
      return 'Caller asked for a person';
    case 'END':
      return e.stateBefore === 'ended' || e.stateBefore === 'ending' ? 'Call ended' : 'Caller hung up';
    case 'xstate.done.actor.reserve': {
      if (kind !== 'held')
        return text(get(output, 'reply', 'body', 'say'))
          ? `Time not held: ${get(output, 'reply', 'body', 'say')}`
          : 'Time not held';
      // The label is the time as it was said to the caller, e.g. "consultation with Dr. Moreno Wednesday at 9:30 AM".
      return `Held ${text(get(output, 'hold', 'label')) ?? 'a time'}`;
    }
    case 'xstate.done.actor.sendCode':
      if (kind === 'sent') return `Code texted to ${maskPhone(text(get(output, 'to'))) ?? 'the caller'}`;
      if (kind === 'hold_gone') return 'Code not sent: the hold had run out';
      return 'Code not sent: too many codes asked for';
    case 'xstate.done.actor.verify':
      if (kind === 'booked') return 'Code matched: booked';
      if (kind === 'wrong')
        return e.stateAfter === 'escalating' || e.stateAfter === 'escalated'
          ? 'Code did not match again: handed to staff, hold released'
          : 'Code did not match';
      if (kind === 'no_code') return 'Code had expired';
      return 'Code came too late: the hold had run out';
    case 'xstate.done.actor.confirm':
      return kind === 'booked' ? 'Booked' : 'Not booked: the hold had run out';
    case 'xstate.done.actor.resend':
      return 'Confirmation text sent again';
    case 'xstate.done.actor.change': {
      const status = text(get(output, 'body', 'status'));
      return status === 'cancelled'
        ? 'Appointment cancelled'
        : status === 'rescheduled'
          ? 'Appointment moved'
          : 'Appointment not changed';
    }
    case 'xstate.done.actor.releaseForHuman':
      return 'Hold released for staff to call back';
    case 'xstate.done.actor.releaseAtEnd':
      return 'Call ended';
  }
  if (e.eventType.startsWith('xstate.error.actor.'))
    return 'Something went wrong on our side; the caller was asked to try again';
  return `${e.eventType}`;
}

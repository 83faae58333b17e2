// Message texts. A clinic may set its own with {placeholders}; kept short so most fit one 160-character segment.
import { DateTime } from 'luxon';
import { clinicZone } from '../scheduling/zone.ts';
import type { TenantContext } from '../tenants/directory.ts';

export const DEFAULT_CODE_TEXT = '{clinic}: your booking code is {code}. It expires in {minutes} min. Never share it.';
export const DEFAULT_CONFIRMATION_TEXT = '{clinic}: you are booked for {service} with {provider}, {when}. {cancel}';
export const DEFAULT_CANCEL_INSTRUCTIONS = 'To cancel or change, call us.';
export const CANCELLATION_TEXT =
  '{clinic}: your {service} with {provider}, {when}, is cancelled. To book again, call us.';
export const RESCHEDULE_TEXT = '{clinic}: your {service} with {provider} is moved to {when}. {cancel}';

export interface TextSettings {
  name: string;
  smsCodeText: string | null;
  smsConfirmationText: string | null;
  cancelInstructions: string | null;
}

/** Fills {name} placeholders; an unknown placeholder stays as written so a typo shows instead of vanishing. */
export function fill(template: string, values: Record<string, string>): string {
  return template
    .replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole)
    .replace(/\s+/g, ' ')
    .trim();
}

export const codeText = (t: TextSettings, code: string, minutes: number): string =>
  fill(t.smsCodeText ?? DEFAULT_CODE_TEXT, { clinic: t.name, code, minutes: String(minutes) });

/** What a text says about an appointment. */
export interface AppointmentWords {
  service: string;
  provider: string;
  /** "Tue Nov 24, 9:30 AM" in the clinic's zone (textWhen). */
  when: string;
}

/** An appointment's time as texts say it, in the clinic's zone. */
export const textWhen = (start: number, zone: string): string =>
  DateTime.fromMillis(start, { zone: clinicZone(zone), locale: 'en-US' }).toFormat('ccc LLL d, h:mm a');

/** How a text names an appointment of the clinic; a provider no longer listed is "us". */
export function appointmentWords(
  ctx: TenantContext,
  service: string,
  providerId: string,
  start: number,
): AppointmentWords {
  const provider = ctx.catalog.providers.find((p) => p.id === providerId)?.name ?? 'us';
  return { service, provider, when: textWhen(start, ctx.tenant.timeZone) };
}

export const confirmationText = (t: TextSettings, a: AppointmentWords): string =>
  fill(t.smsConfirmationText ?? DEFAULT_CONFIRMATION_TEXT, {
    clinic: t.name,
    ...a,
    cancel: t.cancelInstructions ?? DEFAULT_CANCEL_INSTRUCTIONS,
  });

export const cancellationText = (t: TextSettings, a: AppointmentWords): string =>
  fill(CANCELLATION_TEXT, { clinic: t.name, ...a });

export const rescheduleText = (t: TextSettings, a: AppointmentWords): string =>
  fill(RESCHEDULE_TEXT, { clinic: t.name, ...a, cancel: t.cancelInstructions ?? DEFAULT_CANCEL_INSTRUCTIONS });

export const REMINDER_TEXT =
  '{clinic}: reminder of your {service} with {provider}, {when}. Reply C to confirm, R to reschedule, CANCEL to cancel.';
export const OFFER_TEXT =
  '{clinic}: a {service} with {provider}, {when}, just opened up. Reply YES within {minutes} min to book it, or NO to pass.';

export const reminderText = (t: TextSettings, a: AppointmentWords): string =>
  fill(REMINDER_TEXT, { clinic: t.name, ...a });

export const offerText = (t: TextSettings, a: AppointmentWords, minutes: number): string =>
  fill(OFFER_TEXT, { clinic: t.name, ...a, minutes: String(minutes) });

// Answers to a patient's text (TwiML replies, src/sms/inbound.ts). STOP/START/HELP wording follows the carriers' rules:
// say who is texting, how to opt back in or out, and where to get help.
export const repliesText = {
  optedOut: (clinic: string) => `${clinic}: you won't get more texts from us. Reply START to get them again.`,
  optedIn: (clinic: string) => `${clinic}: you'll get our texts again. Reply STOP to stop them.`,
  help: (clinic: string, phone: string | null) =>
    `${clinic}${phone ? `, ${phone}` : ''}: appointment texts. Reply C to confirm, R to reschedule, CANCEL to cancel, STOP to stop texts.`,
  reminderHelp: (clinic: string) =>
    `${clinic}: reply C to confirm, R to reschedule or CANCEL to cancel your appointment. HELP for help.`,
  confirmed: (clinic: string, a: AppointmentWords) =>
    `${clinic}: thanks, your ${a.service} with ${a.provider}, ${a.when}, is confirmed.`,
  callBack: (clinic: string) => `${clinic}: we'll call you to find a new time.`,
  cancelQuestion: (clinic: string, a: AppointmentWords) =>
    `${clinic}: reply YES to cancel your ${a.service} with ${a.provider}, ${a.when}, or NO to keep it.`,
  kept: (clinic: string, a: AppointmentWords) =>
    `${clinic}: your ${a.service} with ${a.provider}, ${a.when}, stays booked.`,
  offerHelp: (clinic: string, a: AppointmentWords) =>
    `${clinic}: reply YES to book ${a.service} with ${a.provider}, ${a.when}, or NO to pass.`,
  offerGone: (clinic: string) => `${clinic}: sorry, that time is no longer available. You're still on our waitlist.`,
  offerDeclined: (clinic: string) => `${clinic}: no problem, you're still on our waitlist.`,
};

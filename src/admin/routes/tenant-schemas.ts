import { z } from 'zod';
import type { TenantSettings } from '../../db/queries/tenant-admin.ts';
import { Country, E164, Slug, TimeZone } from '../schemas.ts';

// A clinic's settings: the operator sets them at creation, the clinic edits them later (settings.ts).

/** The reminder lead times a clinic may pick (the database's check on tenants.reminder_hours). */
const REMINDER_HOURS = [1, 2, 3, 4, 6, 12, 24, 48, 72] as const;
const ClockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time like 21:00');

export const SettingsFields = {
  name: z.string().trim().min(1).max(200),
  timeZone: TimeZone,
  country: Country,
  holdTtlSeconds: z.number().int().min(60).max(3600).describe('How long a held slot waits for confirmation.'),
  otpRequired: z.boolean().describe('Whether a booking needs the SMS code.'),
  slotStepMinutes: z.number().int().min(5).max(240),
  minNoticeMinutes: z.number().int().min(0).max(43200),
  horizonDays: z.number().int().min(1).max(730),
  hotLeadThreshold: z.number().int().min(0).max(100),
  ownerAlertPhone: E164.nullable(),
  webhookAuth: z.enum(['bearer', 'hmac']).describe('How Vapi proves itself: a Bearer token or an HMAC signature.'),
  vapiAssistantId: z.string().min(1).max(100).nullable().describe('Answer assistant-request with this assistant.'),
  vapiCredentialId: z
    .string()
    .min(1)
    .max(100)
    .nullable()
    .describe('The Vapi credential that holds the webhook secret.'),
  otpLength: z.number().int().min(4).max(8).describe('Digits in an SMS code.'),
  otpTtlSeconds: z.number().int().min(60).max(600).describe('How long an SMS code is valid.'),
  otpSendsPerHour: z
    .number()
    .int()
    .min(1)
    .max(10000)
    .describe('Codes the clinic may send in any hour (SMS-pumping guard).'),
  allowOtherPhone: z.boolean().describe('Whether a code or booking may go to a number the caller states.'),
  smsCodeText: z
    .string()
    .min(10)
    .max(480)
    .refine((t) => t.includes('{code}'), 'must contain {code}')
    .nullable()
    .describe('null: the built-in text'),
  smsConfirmationText: z.string().min(10).max(480).nullable().describe('null: the built-in text'),
  cancelInstructions: z.string().min(1).max(160).nullable().describe('null: the built-in text'),
  reminderHours: z
    .array(z.union(REMINDER_HOURS.map((h) => z.literal(h)) as [z.ZodLiteral<number>, ...z.ZodLiteral<number>[]]))
    .max(3)
    .refine((hs) => new Set(hs).size === hs.length, 'must not repeat an hour')
    .describe(
      `Hours before an appointment its reminders go out, each one of ${REMINDER_HOURS.join(', ')}; [] sends none.`,
    ),
  quietHoursStart: ClockTime.describe('No reminder or offer from this time (clinic time)…'),
  quietHoursEnd: ClockTime.describe('…until this time; equal times mean no quiet hours.'),
  waitlistOfferMinutes: z.number().int().min(5).max(120).describe('How long a waitlist offer holds a freed slot.'),
};

export const SettingsPatch = z.strictObject(SettingsFields).partial();

export const NewTenantBody = z.strictObject({
  ...SettingsPatch.shape,
  slug: Slug,
  name: SettingsFields.name,
  timeZone: TimeZone,
  country: Country,
});

export const TenantOut = z.object({
  id: z.uuid(),
  slug: z.string(),
  status: z.enum(['active', 'suspended']),
  ...SettingsFields,
  timeZone: z.string(),
  smsCodeText: z.string().nullable(),
  twilioAccountSid: z.string().nullable(),
  twilioFromNumber: z.string().nullable(),
  twilioConfigured: z.boolean().describe('The auth token is write-only: never shown'),
  settingsVersion: z.number().int(),
  createdAt: z.string(),
});

export const tenantOut = (t: TenantSettings): z.infer<typeof TenantOut> => ({
  id: t.id,
  slug: t.slug,
  status: t.status,
  name: t.name,
  timeZone: t.timeZone,
  country: t.country,
  holdTtlSeconds: t.holdTtlSeconds,
  otpRequired: t.otpRequired,
  slotStepMinutes: t.slotStepMinutes,
  minNoticeMinutes: t.minNoticeMinutes,
  horizonDays: t.horizonDays,
  hotLeadThreshold: t.hotLeadThreshold,
  ownerAlertPhone: t.ownerAlertPhone,
  webhookAuth: t.webhookAuth,
  vapiAssistantId: t.vapiAssistantId,
  vapiCredentialId: t.vapiCredentialId,
  otpLength: t.otpLength,
  otpTtlSeconds: t.otpTtlSeconds,
  otpSendsPerHour: t.otpSendsPerHour,
  allowOtherPhone: t.allowOtherPhone,
  smsCodeText: t.smsCodeText,
  smsConfirmationText: t.smsConfirmationText,
  cancelInstructions: t.cancelInstructions,
  reminderHours: t.reminderHours,
  quietHoursStart: t.quietHoursStart,
  quietHoursEnd: t.quietHoursEnd,
  waitlistOfferMinutes: t.waitlistOfferMinutes,
  twilioAccountSid: t.twilioAccountSid,
  twilioFromNumber: t.twilioFromNumber,
  twilioConfigured: t.twilioConfigured,
  settingsVersion: t.settingsVersion,
  createdAt: t.createdAt.toISOString(),
});

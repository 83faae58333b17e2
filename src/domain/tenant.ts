// A clinic and its catalogue, as every layer sees them.
import type { DateException, WeeklyHours } from '../scheduling/types.ts';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  country: string;
  holdTtlSeconds: number;
  otpRequired: boolean;
  slotStepMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  hotLeadThreshold: number;
  ownerAlertPhone: string | null;
  vapiSecretSha256: Buffer;
  otpLength: number;
  otpTtlSeconds: number;
  allowOtherPhone: boolean;
  smsCodeText: string | null;
  smsConfirmationText: string | null;
  cancelInstructions: string | null;
  status: 'active' | 'suspended';
  webhookAuth: 'bearer' | 'hmac';
  /** Sealed with SECRETS_KEY; open it only to check an HMAC signature. */
  vapiSecretSealed: string | null;
  vapiAssistantId: string | null;
  vapiCredentialId: string | null;
  /** Hours before an appointment its reminders go out; empty: none. */
  reminderHours: number[];
  /** "21:00" and "08:00": no reminder or offer between them, clinic time. */
  quietHoursStart: string;
  quietHoursEnd: string;
  waitlistOfferMinutes: number;
}

export interface Provider {
  id: string;
  name: string;
}

export interface Service {
  id: string;
  slug: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  valueCents: number;
  providerIds: string[];
}

export interface Catalog {
  providers: Provider[];
  services: Service[];
  hours: WeeklyHours[];
  exceptions: DateException[];
}

export interface TenantSmsSettings {
  twilioAccountSid: string | null;
  twilioAuthTokenSealed: string | null;
  twilioFromNumber: string | null;
}

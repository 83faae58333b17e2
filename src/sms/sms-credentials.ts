import type { Config } from '../config.ts';
import type { TenantSmsSettings } from '../domain/tenant.ts';
import type { SecretBox } from '../security/secret-box.ts';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  from: string;
}

/**
 * The clinic's own Twilio account, else the deployment's (TWILIO_*); null means no provider is configured and the
 * simulated phone takes the message.
 */
export function twilioCredentials(
  tenant: TenantSmsSettings,
  config: Config,
  secrets: SecretBox,
): TwilioCredentials | null {
  const from = tenant.twilioFromNumber ?? config.TWILIO_FROM_NUMBER;
  if (tenant.twilioAccountSid && tenant.twilioAuthTokenSealed && from) {
    return { accountSid: tenant.twilioAccountSid, authToken: secrets.open(tenant.twilioAuthTokenSealed), from };
  }
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && from) {
    return { accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from };
  }
  return null;
}

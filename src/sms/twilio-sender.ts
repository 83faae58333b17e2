import twilio from 'twilio';
import type { TwilioCredentials } from './sms-credentials.ts';
import { type OutgoingSms, SmsSendError, type SmsSender } from './sms-sender.ts';

// Connection failures that happen before the request leaves: Twilio cannot have received the message.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Twilio through its official SDK. `baseUrl` (TWILIO_API_BASE_URL) points it at a proxy or a test double. */
export class TwilioSender implements SmsSender {
  private readonly client: twilio.Twilio;

  constructor(
    private readonly creds: TwilioCredentials,
    baseUrl?: string,
  ) {
    this.client = twilio(creds.accountSid, creds.authToken);
    if (baseUrl) this.client.api.baseUrl = baseUrl.replace(/\/$/, '');
  }

  async send(m: OutgoingSms): Promise<{ providerMessageId: string }> {
    try {
      const msg = await this.client.messages.create({
        to: m.to,
        from: this.creds.from,
        body: m.body,
        ...(m.statusCallback ? { statusCallback: m.statusCallback } : {}),
      });
      return { providerMessageId: msg.sid };
    } catch (err) {
      throw classify(err);
    }
  }
}

function classify(err: unknown): SmsSendError {
  const e = err as { status?: number; code?: number | string; message?: string };
  const text = `${e.code ?? ''} ${e.message ?? String(err)}`.trim();
  if (typeof e.status === 'number') {
    return new SmsSendError(
      `Twilio answered ${e.status}: ${text}`,
      e.status === 429 || e.status >= 500 ? 'retry' : 'permanent',
    );
  }
  if (typeof e.code === 'string' && NOT_SENT.has(e.code))
    return new SmsSendError(`Twilio unreachable: ${text}`, 'retry');
  return new SmsSendError(`Twilio request interrupted: ${text}`, 'unknown');
}

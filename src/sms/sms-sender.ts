/** The one way out for text messages; adapters: Twilio (twilio-sender.ts) and the simulated phone (simulated-phone.ts). */
export interface SmsSender {
  /** Sends one message; resolves with the provider's message id once the provider has accepted it. */
  send(message: OutgoingSms): Promise<{ providerMessageId: string }>;
}

export interface OutgoingSms {
  to: string;
  body: string;
  /** Where the provider should report delivery; absent when the server has no public URL. */
  statusCallback?: string;
}

/**
 * Why a send failed. `retry`: the provider did not take the message (5xx, 429, no connection) — safe to try again.
 * `permanent`: it refused it (bad number, bad credentials). `unknown`: the request may have reached it; sending again
 * could deliver twice, so the outbox does not.
 */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'retry' | 'permanent' | 'unknown',
  ) {
    super(message);
  }
}

import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Sql } from '../db/client.ts';
import {
  type ClaimedSms,
  claimDueSms,
  markSmsFailed,
  markSmsSent,
  suppressOptedOut,
} from '../db/queries/sms-outbox.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { SimulatedPhone } from './simulated-phone.ts';
import { twilioCredentials } from './sms-credentials.ts';
import { SmsSendError, type SmsSender } from './sms-sender.ts';
import { TwilioSender } from './twilio-sender.ts';

const BATCH = 20;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Sends what the outbox holds. Each row is marked 'sending' (committed) before the provider is called, so a message
 * is sent at most once even if this process dies mid-send; retries happen only when the provider surely did not
 * take it. Runs on a timer in every instance (rows are claimed with SKIP LOCKED) and is nudged right after a write.
 */
export class OutboxDispatcher {
  readonly simulatedPhone = new SimulatedPhone();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly twilioSenders = new Map<string, TwilioSender>();

  constructor(
    private readonly sql: Sql,
    private readonly config: Config,
    private readonly secrets: SecretBox,
    private readonly log: FastifyBaseLogger,
    /** Decides when a scheduled message (a reminder) is due. */
    private readonly now: () => number = Date.now,
    /** Told how each send attempt ended (the app counts them for /metrics). */
    private readonly observe: (kind: string, outcome: 'sent' | 'retry' | 'failed' | 'unknown') => void = () => {},
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.kick(), this.config.SMS_DISPATCH_INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs a pass now (or right after the one under way). */
  kick(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /**
   * One pass: the opted-out numbers' messages suppressed while the first batch is claimed, each batch sent at once and
   * marked sent in one statement; another batch only when this one was full (what is queued meanwhile kicks a new
   * pass).
   */
  private async drain(): Promise<void> {
    try {
      const due = () => claimDueSms(this.sql, BATCH, this.now());
      const [suppressed, first] = await Promise.all([suppressOptedOut(this.sql, this.now()), due()]);
      if (suppressed > 0) this.log.info({ suppressed }, 'sms outbox: messages to opted-out numbers suppressed');
      for (let batch = first; batch.length > 0; batch = await due()) {
        const sent = (await Promise.all(batch.map((m) => this.deliver(m)))).filter((m) => m !== undefined);
        await markSmsSent(this.sql, sent);
        for (const m of sent) {
          this.observe(m.kind, 'sent');
          this.log.info({ ...logFields(m), providerMessageId: m.providerMessageId }, 'sms sent');
        }
        if (batch.length < BATCH) break;
      }
    } catch (err) {
      this.log.error({ err }, 'sms outbox: pass failed');
    }
  }

  /** Sends one message: what the provider took is returned to be marked sent; a failure is recorded here. */
  private async deliver(m: ClaimedSms): Promise<(ClaimedSms & { providerMessageId: string }) | undefined> {
    try {
      const body = m.bodySealed ? this.secrets.open(m.body) : m.body;
      const statusCallback = this.config.PUBLIC_URL
        ? `${this.config.PUBLIC_URL.replace(/\/$/, '')}/twilio/status?outbox=${m.id}`
        : undefined;
      const { providerMessageId } = await this.senderFor(m).send({ to: m.toE164, body, statusCallback });
      return { ...m, providerMessageId };
    } catch (err) {
      const e = err instanceof SmsSendError ? err : new SmsSendError(String(err), 'retry');
      const retry = e.kind === 'retry' && m.attempts < this.config.SMS_MAX_ATTEMPTS;
      const retryInMs = retry ? Math.min(this.config.SMS_RETRY_BASE_MS * 2 ** (m.attempts - 1), MAX_BACKOFF_MS) : null;
      await markSmsFailed(this.sql, m.id, { error: e.message, retryInMs, unknown: e.kind === 'unknown' });
      this.observe(m.kind, e.kind === 'unknown' ? 'unknown' : retry ? 'retry' : 'failed');
      this.log.warn(
        { ...logFields(m), error: e.message, errorKind: e.kind, retryInMs },
        retry ? 'sms send failed; will retry' : 'sms send failed',
      );
      return undefined;
    }
  }

  private senderFor(m: ClaimedSms): SmsSender {
    const creds = twilioCredentials(m, this.config, this.secrets);
    if (!creds) return this.simulatedPhone;
    const key = `${creds.accountSid}/${creds.from}/${creds.authToken}`;
    let sender = this.twilioSenders.get(key);
    if (!sender) {
      sender = new TwilioSender(creds, this.config.TWILIO_API_BASE_URL);
      this.twilioSenders.set(key, sender);
    }
    return sender;
  }
}

/** What every log line about a message carries. */
const logFields = (m: ClaimedSms) => ({ tenantId: m.tenantId, smsId: m.id, kind: m.kind, attempt: m.attempts });

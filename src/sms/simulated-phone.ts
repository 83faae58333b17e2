import { randomUUID } from 'node:crypto';
import type { OutgoingSms, SmsSender } from './sms-sender.ts';

export interface SimulatedMessage extends OutgoingSms {
  id: string;
  at: Date;
}

/**
 * The development adapter, used only when no SMS provider is configured: the message is printed to the server's
 * console as a simulated phone and kept in memory (the last `keep`). It is the one place a code may be printed.
 */
export class SimulatedPhone implements SmsSender {
  readonly received: SimulatedMessage[] = [];

  constructor(
    private readonly print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly keep = 100,
  ) {}

  async send(m: OutgoingSms): Promise<{ providerMessageId: string }> {
    const msg = { ...m, id: `SIMULATED-${randomUUID()}`, at: new Date() };
    this.received.push(msg);
    if (this.received.length > this.keep) this.received.shift();
    this.print(`[SIMULATED PHONE ${m.to} — no SMS provider configured, nothing was sent] ${m.body}`);
    return { providerMessageId: msg.id };
  }
}

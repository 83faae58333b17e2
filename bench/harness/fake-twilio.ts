import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * Stands in for Twilio's Messages API (the server's real Twilio SDK is pointed here with TWILIO_API_BASE_URL), so a
 * full-call scenario can read the code a virtual caller was texted, as the caller would.
 */
export class FakeTwilio {
  private readonly waiting = new Map<string, (body: string) => void>();
  private readonly inbox = new Map<string, string[]>();
  private server?: Server;
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  readonly authToken = randomBytes(16).toString('hex');
  readonly from = '+12125550100';
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        if (req.method !== 'POST' || !req.url?.endsWith('/Messages.json')) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
          return;
        }
        const form = new URLSearchParams(raw);
        const to = form.get('To') ?? '';
        const body = form.get('Body') ?? '';
        this.deliver(to, body);
        const sid = `SM${randomBytes(16).toString('hex')}`;
        res.writeHead(201, { 'content-type': 'application/json' }).end(
          JSON.stringify({ sid, account_sid: this.accountSid, to, from: form.get('From'), body, status: 'queued' }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}`;
  }

  /** The next message texted to `to` (one already received and not yet read counts). */
  nextMessage(to: string, timeoutMs: number): Promise<string> {
    const queued = this.inbox.get(to)?.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(to);
        reject(new Error(`no SMS to ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(to, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private deliver(to: string, body: string): void {
    const waiter = this.waiting.get(to);
    if (waiter) {
      this.waiting.delete(to);
      waiter(body);
    } else {
      this.inbox.set(to, [...(this.inbox.get(to) ?? []), body]);
    }
  }
}

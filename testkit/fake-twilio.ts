// A small stand-in for Twilio's REST API on a loopback port, for the real `twilio` SDK to talk to
// (TWILIO_API_BASE_URL), in tests and benchmarks. It checks the account's Basic auth, parses the form body like
// Twilio, records messages, can refuse the first N attempts or cut the connection before answering, and posts signed
// status callbacks like Twilio does.
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import twilio from 'twilio';

export const FAKE_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const FAKE_AUTH_TOKEN = 'fake-twilio-auth-token-0001';
export const FAKE_FROM = '+12125550199';

export interface FakeMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | undefined;
}

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  from: string;
  /** Messages accepted, in order. */
  messages: FakeMessage[];
  /** Every create request, accepted or refused. */
  attempts: number;
  /** The next `n` create requests are answered with `status` and a Twilio error body. */
  failNext(n: number, status?: number): void;
  /** The next `n` messages are accepted but the connection is cut before the answer: the sender cannot know. */
  dropAnswerNext(n: number): void;
  /** Waits until `count` messages to `to` were accepted; resolves with all of them. */
  waitFor(to: string, count: number, timeoutMs?: number): Promise<FakeMessage[]>;
  /** The body of the next message to `to` not yet read this way (as the caller's phone would show it). */
  nextMessage(to: string, timeoutMs: number): Promise<string>;
  /** Posts a status callback for the message, signed with the account's token (or `signWith`). */
  postStatus(m: FakeMessage, status: string, signWith?: string): Promise<number>;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const messages: FakeMessage[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 503 };
  let attempts = 0;
  let dropAnswers = 0;
  const arrivals = new EventEmitter().setMaxListeners(0);
  const read = new Map<string, number>();
  const to = (number: string) => messages.filter((m) => m.to === number);
  const expectedAuth = `Basic ${Buffer.from(`${FAKE_ACCOUNT_SID}:${FAKE_AUTH_TOKEN}`).toString('base64')}`;

  const waitFor = async (number: string, count: number, timeoutMs = 10_000): Promise<FakeMessage[]> => {
    const signal = AbortSignal.timeout(timeoutMs);
    while (to(number).length < count) {
      await once(arrivals, 'message', { signal }).catch(() => {
        throw new Error(`fake Twilio: ${to(number).length} of ${count} messages to ${number} arrived`);
      });
    }
    return to(number);
  };

  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const match = req.method === 'POST' && req.url?.match(/^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/);
    if (!match) return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (req.headers.authorization !== expectedAuth || match[1] !== FAKE_ACCOUNT_SID) {
      return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return reply(400, { code: 20001, message: 'Expected a form body', status: 400 });
    }
    const form = new URLSearchParams(await readBody(req));
    attempts++;
    if (failures.left > 0) {
      failures.left--;
      return reply(failures.status, { code: 20500, message: 'Internal Server Error (fake)', status: failures.status });
    }
    const [recipient, from, body] = [form.get('To'), form.get('From'), form.get('Body')];
    if (!recipient || !from || !body)
      return reply(400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
    const m: FakeMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to: recipient,
      from,
      body,
      statusCallback: form.get('StatusCallback') ?? undefined,
    };
    messages.push(m);
    arrivals.emit('message');
    if (dropAnswers > 0) {
      dropAnswers--;
      return req.socket.destroy();
    }
    reply(201, {
      sid: m.sid,
      account_sid: FAKE_ACCOUNT_SID,
      to: recipient,
      from,
      body,
      status: 'queued',
      num_segments: '1',
      date_created: new Date().toUTCString(),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid: FAKE_ACCOUNT_SID,
    authToken: FAKE_AUTH_TOKEN,
    from: FAKE_FROM,
    messages,
    get attempts() {
      return attempts;
    },
    failNext(n, status = 503) {
      failures = { left: n, status };
    },
    dropAnswerNext(n) {
      dropAnswers = n;
    },
    waitFor,
    async nextMessage(number, timeoutMs) {
      const seen = read.get(number) ?? 0;
      const mine = await waitFor(number, seen + 1, timeoutMs);
      read.set(number, seen + 1);
      return mine[seen]!.body;
    },
    async postStatus(m, status, signWith = FAKE_AUTH_TOKEN) {
      if (!m.statusCallback) throw new Error('the message was sent without a StatusCallback');
      const params = { MessageSid: m.sid, MessageStatus: status, AccountSid: FAKE_ACCOUNT_SID, To: m.to, From: m.from };
      const res = await fetch(m.statusCallback, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(signWith, m.statusCallback, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      return res.status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

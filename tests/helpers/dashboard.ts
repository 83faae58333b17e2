// Signing in to the dashboard and reading its event stream, as a browser would but from Node.
import { get, type IncomingMessage } from 'node:http';
import { signInLink } from '../../src/dashboard/link.ts';
import { DashboardTokens } from '../../src/dashboard/tokens.ts';

/** Passed to startServer's env so tests can sign links with the server's key. */
export const DASHBOARD_SIGNING_KEY = 'test-dashboard-signing-key-0123456789abcdef';
export const testTokens = new DashboardTokens(Buffer.from(DASHBOARD_SIGNING_KEY, 'utf8'));

export const linkFor = (baseUrl: string, tenantId: string, hours = 1) =>
  signInLink(baseUrl, testTokens, tenantId, Date.now(), hours);

/** Follows a sign-in link and returns the session cookie it set ("name=value"). */
export async function signIn(baseUrl: string, tenantId: string): Promise<string> {
  const res = await fetch(linkFor(baseUrl, tenantId), { redirect: 'manual' });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

export interface EventStream {
  /** Events received so far, in order. */
  events: { event: string; data: any }[];
  /** Resolves with the first event (already received or still to come) that matches. */
  next(match: (e: { event: string; data: any }) => boolean): Promise<{ event: string; data: any }>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens the event stream on a connection of its own (node:http, no agent) rather than through fetch: closing an
 * aborted fetch makes its pooled client dial the server again with nothing to send, and the server's close then waits
 * until the client's keep-alive timeout (about 4 s) drops that empty connection.
 */
export async function openStream(url: string, cookie: string): Promise<EventStream> {
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    get(url, { agent: false, headers: { cookie, accept: 'text/event-stream' } }, resolve).on('error', reject),
  );
  if (res.statusCode !== 200) {
    res.destroy();
    throw new Error(`stream answered ${res.statusCode}`);
  }
  const events: EventStream['events'] = [];
  const waiters: { match: (e: any) => boolean; resolve: (e: any) => void }[] = [];
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!event || data === undefined) continue;
      const e = { event, data: JSON.parse(data) };
      events.push(e);
      for (const w of waiters.filter((w) => w.match(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  res.on('error', () => {});
  const ended = new Promise<void>((resolve) => res.on('end', () => resolve()));
  return {
    events,
    ended,
    next(match) {
      const seen = events.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () => res.destroy(),
  };
}

/** The CSRF token the dashboard page carries for this session. */
export async function csrfFor(baseUrl: string, cookie: string): Promise<string> {
  const page = await (await fetch(`${baseUrl}/dashboard`, { headers: { cookie } })).text();
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1];
  if (!token) throw new Error('the dashboard page carries no CSRF token');
  return token;
}

/** A staff action as the page sends it: JSON, the session cookie and (unless left out) the CSRF token. */
export async function staffAction(
  baseUrl: string,
  cookie: string,
  csrf: string | null,
  action: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${baseUrl}/dashboard/actions/${action}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

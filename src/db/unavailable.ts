/** postgres.js's own codes for a connection lost or never made, and the socket errors beneath them. */
const CONNECTION_LOST = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Whether an error says PostgreSQL could not be reached or would not take the connection (too many clients, shutting
 * down, starting up, a fail-over), rather than that a statement failed: the request may succeed if sent again.
 * SQLSTATE class 08 is connection exceptions, 53 insufficient resources (53300: too many connections), 57P01–57P03
 * an administrator or crash shutdown and "cannot connect now".
 */
export function databaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return CONNECTION_LOST.has(code) || /^(08|53)/.test(code) || /^57P0[123]$/.test(code);
}

import type { DashboardTokens } from './tokens.ts';

/** How long a sign-in link works unless the operator says otherwise. */
export const LINK_DEFAULT_HOURS = 24 * 7;
/** The longest a link may work: 90 days. */
export const LINK_MAX_HOURS = 24 * 90;

/** A link that signs one clinic's staff in to the dashboard until it expires (reusable until then). */
export function signInLink(
  baseUrl: string,
  tokens: DashboardTokens,
  tenantId: string,
  now: number,
  hours = LINK_DEFAULT_HOURS,
): string {
  const token = tokens.sign('link', tenantId, now + hours * 3_600_000);
  return `${baseUrl.replace(/\/$/, '')}/dashboard/signin?token=${encodeURIComponent(token)}`;
}

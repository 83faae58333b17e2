// What the admin API's routes are given, in a file of its own so the plugin and its routes do not import each other.
import type { BookingService } from '../booking/booking-service.ts';
import type { DashboardTokens } from '../dashboard/tokens.ts';
import type { Sql } from '../db/client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { TenantDirectory } from '../tenants/directory.ts';
import type { WaitlistService } from '../waitlist/waitlist-service.ts';

export interface AdminDeps {
  sql: Sql;
  secrets: SecretBox;
  tenants: TenantDirectory;
  booking: BookingService;
  waitlist: WaitlistService;
  now: () => number;
  adminToken?: string;
  /** How Vapi reaches this server, for the webhook URLs the API hands out. */
  publicUrl?: string;
  /** Signs the dashboard sign-in links the API hands out. */
  dashboardTokens: DashboardTokens;
  limits: { perTenant: number; perIp: number; windowSeconds: number };
}

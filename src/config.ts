import { z } from 'zod';
import { SecretBox } from './security/secret-box.ts';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1–64 letters, digits or : _ . -')
    .default('slotkeeper:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.slotkeeper'),
  SEED_DEMO: boolean.default(true),
  DEMO_VAPI_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  DEMO_OWNER_PHONE: z
    .string()
    .regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number like +12125550143')
    .optional(),
  SECRETS_KEY: z
    .string()
    .refine((v) => {
      try {
        SecretBox.fromString(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be one or more comma-separated 32-byte keys in base64 or hex (the first one encrypts)')
    .optional(),
  /** Signs dashboard links and sessions; unset, a key derived from SECRETS_KEY is used. */
  DASHBOARD_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // Opt-in: live call actors are sent to the Stately inspector's WebSocket server here (docs/dashboard.md).
  STATELY_INSPECT_URL: z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' }).optional(),
  /** How often an open event stream gets a keep-alive and has its session checked again (revoked key, suspension). */
  DASHBOARD_HEARTBEAT_MS: z.coerce.number().int().min(50).max(300_000).default(20_000),
  OTP_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  TWILIO_FROM_NUMBER: z
    .string()
    .regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number like +12125550143')
    .optional(),
  TWILIO_API_BASE_URL: url(['http:', 'https:']).optional(),
  SMS_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  SMS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  SMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  HOLD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  // Slow clients (docs/operations.md): a request's headers, and the whole request, must arrive within these; a socket
  // idle this long is closed (above the dashboard heartbeat and the longest tool step); keep-alive between requests.
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(72_000),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  // 0 leaves V8's own heap sizing (fastest); see src/heap-growth.ts and docs/performance.md for the trade.
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(400).default(0),
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_WEBHOOK_PER_TENANT: z.coerce.number().int().min(1).default(3000),
  RATE_LIMIT_WEBHOOK_PER_IP: z.coerce.number().int().min(1).default(12000),
  RATE_LIMIT_API_PER_TENANT: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_API_PER_IP: z.coerce.number().int().min(1).default(1200),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(1).default(1000),
  // The event-loop histogram samples every 10 ms: a shorter window can hold no sample, which reads as infinite lag.
  PRESSURE_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Reads the configuration; an invalid value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

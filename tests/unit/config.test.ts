import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('has working defaults with no environment at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', SEED_DEMO: true, LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('stops with a message naming each bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SEED_DEMO: 'maybe' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SEED_DEMO: 'maybe' });
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/PORT:/);
      expect(message).toMatch(/DATABASE_URL: must be a URL starting with postgres:/);
      expect(message).toMatch(/SEED_DEMO:/);
    }
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', REDIS_URL: '' });
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('reads booleans and numbers', () => {
    expect(loadConfig({ SEED_DEMO: 'false', PORT: '8080' })).toMatchObject({ SEED_DEMO: false, PORT: 8080 });
  });

  it('checks the SMS and OTP settings', () => {
    const message = (() => {
      try {
        loadConfig({
          TWILIO_ACCOUNT_SID: 'SK123',
          TWILIO_FROM_NUMBER: '555-0100',
          OTP_PEPPER: 'short',
          TWILIO_API_BASE_URL: 'ftp://x',
        });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/TWILIO_ACCOUNT_SID: must look like AC/);
    expect(message).toMatch(/TWILIO_FROM_NUMBER: must be an E.164 number/);
    expect(message).toMatch(/OTP_PEPPER: must be at least 32 characters/);
    expect(message).toMatch(/TWILIO_API_BASE_URL: must be a URL/);
    expect(loadConfig({})).toMatchObject({
      SMS_DISPATCH_INTERVAL_MS: 1000,
      SMS_RETRY_BASE_MS: 2000,
      SMS_MAX_ATTEMPTS: 6,
      HOLD_SWEEP_INTERVAL_MS: 15_000,
    });
  });
});

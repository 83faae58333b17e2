import { defineConfig } from 'vitest/config';

// Three projects: unit tests need no service at all; integration and browser tests get the real PostgreSQL and
// Redis (tests/setup/services.ts) and a database cloned per file.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/setup/services.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], globalSetup: ['tests/setup/services.ts'] },
      },
    ],
  },
});

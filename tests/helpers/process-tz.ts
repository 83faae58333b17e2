import { afterAll } from 'vitest';

/** For a test file that moves `process.env.TZ` to prove the server's zone never matters: puts it back afterwards. */
export function restoreProcessTzAfterAll(): void {
  const original = process.env.TZ;
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });
}

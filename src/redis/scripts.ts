import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';

// Each atomic Redis operation is one Lua file in scripts/ beside this module, with a header saying its keys,
// arguments and outcomes. `npm run build` copies the files next to the compiled module.
function redisScript(name: string): string {
  return readFileSync(new URL(`./scripts/${name}.lua`, import.meta.url), 'utf8');
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** scripts/fill-if-unchanged.lua */
    fillIfUnchanged(
      valueKey: string,
      versionKey: string,
      stamp: string,
      value: string,
      ttlMs: number,
    ): Result<'OK' | 0, Context>;
    /** scripts/invalidate-days.lua: the key count, the keys, then the TTL, channel and announcement. */
    invalidateDays(keyCount: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
  }
}

/**
 * Teaches a connection the scripts as commands: ioredis sends EVALSHA (the script's hash, not its text) and falls
 * back to EVAL only when the server has not seen it yet.
 */
export function defineScripts(redis: Redis): void {
  redis.defineCommand('fillIfUnchanged', { numberOfKeys: 2, lua: redisScript('fill-if-unchanged') });
  // The number of keys varies with the days a change touches, so the caller gives it first.
  redis.defineCommand('invalidateDays', { lua: redisScript('invalidate-days') });
}

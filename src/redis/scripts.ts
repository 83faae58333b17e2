import { readFileSync } from 'node:fs';

// Each atomic Redis operation is one Lua file in src/redis/scripts/, with a header saying its keys, arguments and
// outcomes. Resolved from the project root, so the compiled build (dist/redis/) finds the same files.
export function redisScript(name: 'fill-if-unchanged'): string {
  return readFileSync(new URL(`../../src/redis/scripts/${name}.lua`, import.meta.url), 'utf8');
}

import { readFileSync } from 'node:fs';

// Each atomic Redis operation is one Lua file in scripts/ beside this module, with a header saying its keys,
// arguments and outcomes. `npm run build` copies the files next to the compiled module.
export function redisScript(name: 'fill-if-unchanged'): string {
  return readFileSync(new URL(`./scripts/${name}.lua`, import.meta.url), 'utf8');
}

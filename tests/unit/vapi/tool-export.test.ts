// The exported Vapi tool definitions against the webhook's own zod schemas: the two must never drift apart.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { vapiToolDefinitions } from '../../../src/vapi/tool-export.ts';
import { tools } from '../../../src/vapi/tools/index.ts';
import { STATIC_PARAMETERS } from '../../../src/vapi/tools/static-parameters.ts';

const exported = vapiToolDefinitions({ webhookUrl: 'https://sk.example.com/vapi/demo', credentialId: 'cred_1' });

type Prop = {
  type?: string;
  enum?: string[];
  anyOf?: Prop[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  description?: string;
};

/** Values a model could send for one property of the exported schema (fast-check, from the JSON schema alone). */
function arbitraryFor(prop: Prop): fc.Arbitrary<unknown> {
  if (prop.enum) return fc.constantFrom(...prop.enum);
  if (prop.anyOf) return fc.oneof(...prop.anyOf.map(arbitraryFor));
  if (prop.type === 'string') return fc.string({ minLength: Math.max(prop.minLength ?? 0, 1), maxLength: Math.min(prop.maxLength ?? 40, 40) }).filter((s) => s.trim().length > 0);
  if (prop.type === 'integer') return fc.integer({ min: prop.minimum ?? -1e9, max: Math.min(prop.maximum ?? 1e9, Number.MAX_SAFE_INTEGER) });
  if (prop.type === 'number') return fc.double({ min: prop.minimum ?? -1e9, max: prop.maximum ?? 1e9, noNaN: true });
  if (prop.type === 'boolean') return fc.boolean();
  throw new Error(`no arbitrary for ${JSON.stringify(prop)}`);
}

describe('exported Vapi tools', () => {
  it('cover every tool in the registry, in order', () => {
    expect(exported.map((t) => t.function.name)).toEqual([...tools.keys()]);
  });

  for (const def of exported) {
    const tool = tools.get(def.function.name)!;
    const params = def.function.parameters as { type: string; properties: Record<string, Prop>; required?: string[] };

    describe(def.function.name, () => {
      it('has exactly the zod schema’s fields, required where zod requires them', () => {
        const shape = (tool.args as z.ZodObject).shape as Record<string, z.ZodType>;
        expect(Object.keys(params.properties).sort()).toEqual(Object.keys(shape).sort());
        const requiredByZod = Object.entries(shape).filter(([, s]) => !s.safeParse(undefined).success).map(([k]) => k);
        expect((params.required ?? []).sort()).toEqual(requiredByZod.sort());
        for (const [k, p] of Object.entries(params.properties)) {
          expect(p.description, k).toBeTruthy();
          expect(p.type ?? p.enum ?? p.anyOf, k).toBeDefined();
        }
      });

      it('every value the JSON schema allows for a field is accepted by the webhook', () => {
        for (const [key, prop] of Object.entries(params.properties)) {
          fc.assert(
            fc.property(arbitraryFor(prop), (value) => {
              const base = Object.fromEntries((params.required ?? []).map((r) => [r, 'Ann Lee']));
              const parsed = tool.args.safeParse({ ...base, [key]: value });
              return parsed.success;
            }),
            { numRuns: 50 },
          );
        }
      });

      it('a whole sample generated from the JSON schema, static parameters included, parses', () => {
        const required = new Set(params.required ?? []);
        const sample = fc.record(Object.fromEntries(Object.entries(params.properties).map(([k, p]) => [k, arbitraryFor(p)])), {
          requiredKeys: [...required],
        });
        fc.assert(
          fc.property(sample, (args) => tool.args.safeParse({ ...args, caller_number: '+16175550100', vapi_call_id: 'call-1' }).success),
          { numRuns: 100 },
        );
      });

      it('a sample missing a required field is refused by the webhook', () => {
        for (const r of params.required ?? []) expect(tool.args.safeParse({}).success, r).toBe(false);
      });

      it('injects the caller’s number and call id as static parameters, not as model-visible fields', () => {
        expect(def.parameters).toEqual(Object.entries(STATIC_PARAMETERS).map(([key, value]) => ({ key, value })));
        expect(def.parameters.find((p) => p.key === 'caller_number')!.value).toBe('{{customer.number}}');
        for (const p of def.parameters) expect(params.properties).not.toHaveProperty(p.key);
      });

      it('points at the clinic’s webhook with its credential, says a filler while waiting, and lets the model phrase the result', () => {
        expect(def.server).toEqual({ url: 'https://sk.example.com/vapi/demo', timeoutSeconds: 20, credentialId: 'cred_1' });
        expect(def.async).toBe(false);
        expect(def.messages.find((m) => m.type === 'request-start')?.content).toBeTruthy();
        expect(def.messages.some((m) => (m.type as string) === 'request-complete')).toBe(false);
        expect(JSON.parse(JSON.stringify(def))).toEqual(def);
      });
    });
  }
});

// The exported Vapi tool definitions against the webhook's own zod schemas: the two must never drift apart.
import type { Vapi } from '@vapi-ai/server-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  REQUEST_FAILED,
  toolParameters,
  type VapiJsonSchema,
  vapiToolDefinitions,
} from '../../../src/vapi/tool-export.ts';
import { tools } from '../../../src/vapi/tools/index.ts';
import { STATIC_PARAMETERS } from '../../../src/vapi/tools/static-parameters.ts';
import { defineTool, type Tool } from '../../../src/vapi/tools/tool.ts';
import { notVapiJsonSchema } from '../../../testkit/vapi-sdk.ts';

// Type-checked against Vapi's own SDK: what tools:export prints is what POST /tool and an assistant's model.tools take.
const exported: Vapi.CreateToolsRequest.Function[] & Vapi.OpenAiModelToolsItem.Function[] = vapiToolDefinitions({
  webhookUrl: 'https://sk.example.com/vapi/demo',
  credentialId: 'cred_1',
});

/** The limits the description states in words ("Up to 200 characters.", "From 1 to 9."), which zod enforces. */
function statedLimits(description = '') {
  const chars = description.match(/(?:Up to (\d+)|(\d+) to (\d+)|At least (\d+)) characters\./);
  const range = description.match(/(?:From (-?\d+) to (-?\d+)|At least (-?\d+)|At most (-?\d+))\.$/);
  const n = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  return {
    minLength: n(chars?.[2] ?? chars?.[4]),
    maxLength: n(chars?.[1] ?? chars?.[3]),
    minimum: n(range?.[1] ?? range?.[3]),
    maximum: n(range?.[2] ?? range?.[4]),
  };
}

/** Values a model could send for one property, from what the exported schema and its description say. */
function arbitraryFor(prop: VapiJsonSchema): fc.Arbitrary<unknown> {
  const limits = statedLimits(prop.description);
  if (prop.enum) return fc.constantFrom(...prop.enum);
  if (prop.type === 'string') {
    return fc
      .string({ minLength: Math.max(limits.minLength ?? 0, 1), maxLength: Math.min(limits.maxLength ?? 40, 40) })
      .filter((s) => s.trim().length > 0);
  }
  if (prop.type === 'integer') return fc.integer({ min: limits.minimum ?? -1e9, max: limits.maximum ?? 1e9 });
  if (prop.type === 'number')
    return fc.double({ min: limits.minimum ?? -1e9, max: limits.maximum ?? 1e9, noNaN: true });
  if (prop.type === 'boolean') return fc.boolean();
  throw new Error(`no arbitrary for ${JSON.stringify(prop)}`);
}

describe('exported Vapi tools', () => {
  it('cover every tool in the registry, in order', () => {
    expect(exported.map((t) => t.function!.name)).toEqual([...tools.keys()]);
  });

  it('use only what Vapi’s JsonSchema knows: a plain type on every property, no anyOf, lengths or ranges', () => {
    expect(exported.flatMap((t) => notVapiJsonSchema(t.function!.parameters, t.function!.name))).toEqual([]);
    const code = exported.find((t) => t.function!.name === 'verify_otp')!.function!.parameters!.properties.code!;
    expect(code.type).toBe('string');
  });

  it('put a limit Vapi cannot express into the description, in words zod holds to', () => {
    const sized = defineTool({
      name: 'sized',
      description: 'A test tool.',
      replay: 'none',
      args: z.object({
        n: z.number().int().min(1).max(9).describe('How many'),
        word: z.string().min(2).max(5).describe('A word.'),
      }),
      run: async () => ({ body: { status: 'ok', say: 'ok' } }),
    });
    const params = toolParameters(sized as unknown as Tool);
    expect(params.properties).toEqual({
      n: { type: 'integer', description: 'How many. From 1 to 9.' },
      word: { type: 'string', description: 'A word. 2 to 5 characters.' },
    });
    expect(notVapiJsonSchema(params, 'sized')).toEqual([]);
  });

  it('refuse to export a keyword that has no place in Vapi’s schema or in words', () => {
    const patterned = defineTool({
      name: 'patterned',
      description: 'A test tool.',
      replay: 'none',
      args: z.object({ when: z.iso.date().describe('A day.') }),
      run: async () => ({ body: { status: 'ok', say: 'ok' } }),
    });
    expect(() => toolParameters(patterned as unknown as Tool)).toThrow(
      /patterned\.when: no Vapi equivalent for (format|pattern)/,
    );
  });

  it('say the request-failed message only for a step that could not run', () => {
    for (const def of exported) {
      expect(def.messages!.filter((m) => m.type === 'request-failed')).toEqual([
        { type: 'request-failed', content: REQUEST_FAILED },
      ]);
    }
    expect(REQUEST_FAILED).toMatch(/can't reach the booking system/);
  });

  for (const def of exported) {
    const tool = tools.get(def.function!.name)!;
    const params = def.function!.parameters as {
      type: 'object';
      properties: Record<string, VapiJsonSchema>;
      required?: string[];
    };

    describe(def.function!.name, () => {
      it('has exactly the zod schema’s fields, required where zod requires them', () => {
        const shape = (tool.args as z.ZodObject).shape as Record<string, z.ZodType>;
        expect(Object.keys(params.properties).sort()).toEqual(Object.keys(shape).sort());
        const requiredByZod = Object.entries(shape)
          .filter(([, s]) => !s.safeParse(undefined).success)
          .map(([k]) => k);
        expect((params.required ?? []).sort()).toEqual(requiredByZod.sort());
        for (const [k, p] of Object.entries(params.properties)) {
          expect(p.description, k).toBeTruthy();
          expect(p.type, k).toBeDefined();
        }
      });

      it('states each length limit exactly as zod enforces it', () => {
        for (const [key, prop] of Object.entries(params.properties)) {
          const { maxLength } = statedLimits(prop.description);
          if (prop.type !== 'string' || maxLength === undefined) continue;
          const base = Object.fromEntries((params.required ?? []).map((r) => [r, 'Ann Lee']));
          expect(tool.args.safeParse({ ...base, [key]: '7'.repeat(maxLength) }).success, key).toBe(true);
          expect(tool.args.safeParse({ ...base, [key]: '7'.repeat(maxLength + 1) }).success, key).toBe(false);
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
        const sample = fc.record(
          Object.fromEntries(Object.entries(params.properties).map(([k, p]) => [k, arbitraryFor(p)])),
          {
            requiredKeys: [...required],
          },
        );
        fc.assert(
          fc.property(
            sample,
            (args) => tool.args.safeParse({ ...args, caller_number: '+16175550100', vapi_call_id: 'call-1' }).success,
          ),
          { numRuns: 100 },
        );
      });

      it('a sample missing a required field is refused by the webhook', () => {
        for (const r of params.required ?? []) expect(tool.args.safeParse({}).success, r).toBe(false);
      });

      it('injects the caller’s number and call id as static parameters, not as model-visible fields', () => {
        expect(def.parameters).toEqual(Object.entries(STATIC_PARAMETERS).map(([key, value]) => ({ key, value })));
        expect(def.parameters!.find((p) => p.key === 'caller_number')!.value).toBe('{{customer.number}}');
        for (const p of def.parameters!) expect(params.properties).not.toHaveProperty(p.key);
      });

      it('points at the clinic’s webhook with its credential, says a filler while waiting, and lets the model phrase the result', () => {
        expect(def.server).toEqual({
          url: 'https://sk.example.com/vapi/demo',
          timeoutSeconds: 20,
          credentialId: 'cred_1',
        });
        expect(def.async).toBe(false);
        expect(def.messages!.find((m) => m.type === 'request-start')?.content).toBeTruthy();
        expect(def.messages!.some((m) => (m.type as string) === 'request-complete')).toBe(false);
        expect(JSON.parse(JSON.stringify(def))).toEqual(def);
      });
    });
  }
});

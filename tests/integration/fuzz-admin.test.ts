// Property-based fuzzing of every admin API route, driven from the routes' own zod schemas as the OpenAPI document
// publishes them (/docs/json): path parameters, query strings and bodies generated from each schema, ids of things that
// exist mixed with random ones, any leaf sometimes hostile, a body sometimes not JSON at all. Asserted for every
// request: never a 5xx, an answer within 2 s, and nothing written by a refusal or a read.
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ADMIN_TOKEN, newTenant, type TenantHandle } from '../helpers/admin.ts';
import { integrationTest } from '../helpers/fixtures.ts';
import { answered, changed, FUZZ_RUNS, FUZZ_SEED, fromSchema, hostileString, rowCounts } from '../helpers/fuzz.ts';

let fuzzed: TenantHandle;
const known = { uuids: [] as string[] };
const seen = { requests: 0, routes: 0, byStatus: {} as Record<number, number> };

interface Operation {
  method: string;
  path: string;
  operator: boolean;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body?: unknown;
}
let operations: Operation[] = [];

const it = integrationTest({
  env: { ADMIN_TOKEN, RATE_LIMIT_API_PER_TENANT: '1000000', RATE_LIMIT_API_PER_IP: '1000000' },
});

// Two clinics made through the API, and the routes read from the server's own OpenAPI document.
it.beforeAll(async ({ db, server }) => {
  fuzzed = await newTenant(server.url, 'fuzzclinic');
  await newTenant(server.url, 'fuzzother');
  // The fuzzed clinic's own id is left out, so the operator routes suspend or change the other clinic, not the one
  // whose key every clinic route uses.
  const ids = await db.sql<{ id: string }[]>`
    select id from tenants where id <> ${fuzzed.id} union all select id from providers union all select id from services
    union all select id from bookings`;
  known.uuids = ids.map((r) => r.id);
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, any>> };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const parameters = (op.parameters ?? []) as { in: string; name: string; required?: boolean; schema: unknown }[];
      const pick = (where: string) =>
        Object.fromEntries(parameters.filter((p) => p.in === where).map((p) => [p.name, p]));
      return {
        method: method.toUpperCase(),
        path,
        operator: JSON.stringify(op.security ?? []).includes('operatorToken'),
        params: pick('path'),
        query: pick('query'),
        body: op.requestBody?.content?.['application/json']?.schema,
      };
    }),
  );
  seen.routes = operations.length;
});
it.afterAll(() => {
  console.info(
    `fuzz-admin: ${seen.requests} requests over ${seen.routes} routes, answers ${JSON.stringify(seen.byStatus)}`,
  );
});

type Param = { name: string; required?: boolean; schema: never };
const paramsOf = (ps: Record<string, unknown>, required: boolean) =>
  fc.record(Object.fromEntries(Object.entries(ps).map(([k, p]) => [k, fromSchema((p as Param).schema, known)])), {
    requiredKeys: required
      ? Object.keys(ps)
      : Object.values(ps)
          .filter((p) => (p as Param).required)
          .map((p) => (p as Param).name),
  });

const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

const request = fc.integer({ min: 0, max: 10_000 }).chain((i) => {
  const op = operations[i % operations.length]!;
  return fc.record({
    op: fc.constant(op),
    params: paramsOf(op.params, true),
    query: paramsOf(op.query, false),
    body: op.body
      ? fc.oneof(
          { weight: 8, arbitrary: fromSchema(op.body as never, known).map((b) => JSON.stringify(b)) },
          { weight: 1, arbitrary: hostileString },
        )
      : fc.constant(undefined),
  });
});

describe('admin API fuzz', () => {
  it(`never a 5xx, never a hang, nothing written by a refusal or a read (${FUZZ_RUNS} requests, seed ${FUZZ_SEED})`, async ({
    db,
    server,
  }) => {
    expect(operations.length).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(request, async ({ op, params, query, body }) => {
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
          encodeURIComponent(text(params[name]).toWellFormed()),
        );
        const qs = new URLSearchParams(
          Object.entries(query).map(([k, v]): [string, string] => [k, text(v)]),
        ).toString();
        const before = await rowCounts(db.sql);
        const res = await answered(`${server.url}${path}${qs ? `?${qs}` : ''}`, {
          method: op.method,
          headers: {
            authorization: `Bearer ${op.operator ? ADMIN_TOKEN : fuzzed.key}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body,
        });
        const after = await rowCounts(db.sql);
        seen.requests++;
        seen.byStatus[res.status] = (seen.byStatus[res.status] ?? 0) + 1;
        expect(res.status, `${op.method} ${path}: ${res.text}`).toBeLessThan(500);
        if (res.status >= 400 || op.method === 'GET')
          expect(changed(before, after), `${op.method} ${path} → ${res.status}`).toEqual([]);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
  }, 600_000);
});

describe('found by the admin fuzz', () => {
  it('a NUL in a query string (GET /tenants?after=%00) is refused with a sentence naming it, not a 500', async ({
    server,
  }) => {
    const res = await answered(`${server.url}/api/v1/tenants?after=%00`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toMatch(/"after" contains a NUL character/);
  });

  it('a NUL in a body field is refused with the field named, and nothing is created', async ({ db, server }) => {
    const res = await answered(`${server.url}/api/v1/providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fuzzed.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Dr. \u0000Null' }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toMatch(/"name" contains a NUL character/);
    expect(await db.sql`select 1 from providers where name like 'Dr. %Null'`).toHaveLength(0);
  });
});

import Tokenizer from '@streamparser/json/tokenizer.js';
import TokenType from '@streamparser/json/utils/types/tokenType.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';

/**
 * The hygiene gate every external input passes before anything else reads it (docs/webhook-and-tools.md, "Bad
 * input"). PostgreSQL refuses a NUL in text and a lone UTF-16 surrogate in json; JavaScript's recursive walkers
 * (JSON.stringify, zod, postgres.js) overflow the stack on deep nesting. So, at the edge:
 *  - JSON nested deeper than a limit is refused before it is parsed, counted by a streaming tokenizer (no recursion);
 *  - prototype poisoning (`__proto__`, `constructor.prototype`) is refused by secure-json-parse;
 *  - every string and key is checked, and either refused with a sentence (`reject`: a person can fix and resend)
 *    or cleaned (`clean`: NUL removed, a lone surrogate becomes U+FFFD — for machine senders whose message must be
 *    kept, such as Vapi's end-of-call report);
 *  - a number JSON cannot hold exactly (1e400 reads as Infinity) is refused, or becomes null when cleaning.
 * Ranges of particular numbers and dates are the schemas' business, next to the fields they describe.
 */

export type TextPolicy = 'reject' | 'clean';

export interface JsonGate {
  /** Most levels of objects and arrays; deeper is refused before parsing, unless `keepWhenTooDeep` says otherwise. */
  maxDepth: number;
  text: TextPolicy;
  /**
   * For a sender whose message must not be lost: a body nested too deep is not refused, but reduced to these fields
   * (paths of object keys; only strings, numbers and booleans are kept, gated like the rest), with a sentence at `note`
   * saying so. Everything else of that body is dropped before anything recursive can touch it.
   */
  keepWhenTooDeep?: { paths: readonly (readonly string[])[]; note: readonly string[] };
  /**
   * An empty body is no body (undefined) rather than a refusal: `Content-Type: application/json` with nothing after
   * it is what curl with -H but no -d, and most HTTP clients, send for a body-less PUT; a route that needs a body
   * then says which fields are missing.
   */
  emptyIsNone?: boolean;
}

export class BadInput extends Error {
  readonly statusCode = 400;
  readonly code = 'SK_BAD_INPUT';
}

// One pattern for both faults: a NUL, or a surrogate half without its other half.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the NUL is what PostgreSQL refuses in text.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What a JSON text needs to decode to a NUL, a lone surrogate or a number too large for a double: a \u0000 or
 * surrogate escape, a raw surrogate, an exponent of three digits, or a run of 200 digits (with an exponent under 100,
 * a number needs more than 209 integer digits to pass 1.8e308). A text without any of these decodes to nothing the
 * gate would change; a false alarm only costs the slow path.
 */
const MAY_NEED_GATE = /\\u(?:0000|[dD][89a-fA-F])|[\uD800-\uDFFF]|[eE][+-]?\d{3}|\d{200}/;

/** What is wrong with a string for PostgreSQL, or undefined when nothing is. */
export function textFault(s: string): string | undefined {
  const m = UNSAFE.exec(s);
  if (!m) return undefined;
  return m[0] === '\u0000' ? 'a NUL character' : 'half of a Unicode character (a lone surrogate)';
}

/** The string with NULs removed and lone surrogates replaced by U+FFFD (String.prototype.toWellFormed). */
export function cleanText(s: string): string {
  return UNSAFE.test(s) ? s.replaceAll('\u0000', '').toWellFormed() : s;
}

/** One string under the policy: refused with a sentence naming the field, or cleaned. */
export function gateText(s: string, policy: TextPolicy, field: string): string {
  if (policy === 'clean') return cleanText(s);
  const fault = textFault(s);
  if (fault)
    throw new BadInput(`The field "${cleanText(field).slice(0, 60)}" contains ${fault}; remove it and send again.`);
  return s;
}

/**
 * Flat string inputs (query strings, path parameters, form bodies such as Twilio's) under the policy: values that
 * are strings or arrays of strings. Returns the cleaned record; refuses under `reject`.
 */
export function gateFlat<T extends Record<string, unknown>>(record: T, policy: TextPolicy): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const k = gateText(key, policy, key);
    out[k] =
      typeof value === 'string'
        ? gateText(value, policy, k)
        : Array.isArray(value)
          ? value.map((v) => (typeof v === 'string' ? gateText(v, policy, k) : v))
          : value;
  }
  return out as T;
}

/** An application/x-www-form-urlencoded body (an HTML form, Twilio's callbacks) read and gated. */
export function parseForm(text: string, policy: TextPolicy): Record<string, string> {
  return gateFlat(Object.fromEntries(new URLSearchParams(text)), policy);
}

/** True when the JSON text nests no deeper than `maxDepth`; counted token by token, so depth costs no stack. */
export function depthWithin(text: string, maxDepth: number): boolean {
  // Nesting can never exceed the number of '{' and '[' in the text (strings included): most bodies are settled by
  // this count alone, without tokenizing.
  let openers = 0;
  for (let i = 0; i < text.length && openers <= maxDepth; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) openers++;
  }
  if (openers <= maxDepth) return true;
  const tokenizer = new Tokenizer();
  let depth = 0;
  let within = true;
  tokenizer.onToken = ({ token }) => {
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      if (++depth > maxDepth) {
        within = false;
        throw new BadInput('stop');
      }
    } else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) depth--;
  };
  // Malformed JSON is not this check's to report: JSON.parse says it next, with its own sentence.
  tokenizer.onError = () => {};
  tokenizer.write(text);
  return within;
}

/** Parses a JSON body through the gate. Throws BadInput (400) with a sentence for anything it refuses. */
export function parseJson(text: string, gate: JsonGate): unknown {
  if (text.trim() === '') {
    if (gate.emptyIsNone) return undefined;
    throw new BadInput('The request body is empty; send a JSON object.');
  }
  if (!depthWithin(text, gate.maxDepth)) {
    const tooDeep = `The request body is nested more than ${gate.maxDepth} levels deep`;
    if (!gate.keepWhenTooDeep) throw new BadInput(`${tooDeep}; flatten it and send again.`);
    return keepFields(text, gate, `${tooDeep}: only the fields the server reads were kept.`);
  }
  try {
    // The per-value gate makes JSON.parse several times slower; a text that cannot hold what it looks for skips it.
    const reviver = MAY_NEED_GATE.test(text)
      ? (key: string, value: unknown) => gateValue(key, value, gate.text)
      : undefined;
    return secureJson.parse(text, reviver, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    if (err instanceof BadInput) throw err;
    throw new BadInput(
      err instanceof SyntaxError && /prototype/i.test(err.message)
        ? 'The request body has a forbidden property (__proto__ or constructor.prototype).'
        : 'The request body is not valid JSON.',
    );
  }
}

/**
 * The fields `keepWhenTooDeep` names, read by property access along each path from JSON.parse's result (V8 parses
 * any depth without recursion); nothing else of the value survives, so no recursive walker ever sees the deep part.
 */
function keepFields(text: string, gate: JsonGate, note: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadInput('The request body is not valid JSON.');
  }
  const kept: Record<string, unknown> = {};
  const put = (path: readonly string[], value: unknown) => {
    let at = kept;
    for (const key of path.slice(0, -1)) {
      at[key] ??= {};
      at = at[key] as Record<string, unknown>;
    }
    at[path.at(-1)!] = value;
  };
  for (const path of gate.keepWhenTooDeep!.paths) {
    let at: unknown = parsed;
    for (const key of path)
      at =
        at !== null && typeof at === 'object' && Object.hasOwn(at, key)
          ? (at as Record<string, unknown>)[key]
          : undefined;
    if (typeof at === 'string') put(path, gateText(at, gate.text, path.at(-1)!));
    else if ((typeof at === 'number' && Number.isFinite(at)) || typeof at === 'boolean') put(path, at);
  }
  put(gate.keepWhenTooDeep!.note, note);
  return kept;
}

// JSON.parse calls this bottom-up for every value: strings are gated, objects have their keys gated.
function gateValue(key: string, value: unknown, policy: TextPolicy): unknown {
  if (typeof value === 'string') return gateText(value, policy, key || 'body');
  if (typeof value === 'number' && !Number.isFinite(value)) {
    if (policy === 'clean') return null;
    throw new BadInput(`The field "${cleanText(key).slice(0, 60)}" holds a number too large to read.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (!keys.some((k) => UNSAFE.test(k))) return value;
  return Object.fromEntries(keys.map((k) => [gateText(k, policy, k), (value as Record<string, unknown>)[k]]));
}

/**
 * Makes `app`'s JSON parser the gate (for its encapsulation context), and, with `flat`, checks query strings and path
 * parameters under the same policy before any handler or schema sees them.
 */
export function installJsonGate(app: FastifyInstance, gate: JsonGate, o: { flat?: boolean } = {}): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJson(body as string, gate));
    } catch (err) {
      done(err as BadInput, undefined);
    }
  });
  if (o.flat) app.addHook('preValidation', async (request) => gateRequestFlat(request, gate.text));
}

function gateRequestFlat(request: FastifyRequest, policy: TextPolicy): void {
  if (request.query && typeof request.query === 'object')
    request.query = gateFlat(request.query as Record<string, unknown>, policy);
  if (request.params && typeof request.params === 'object')
    request.params = gateFlat(request.params as Record<string, unknown>, policy);
}

/** Limits for each kind of sender. Vapi's reports run a few levels deep; 64 leaves room for any assistant's schema. */
export const WEBHOOK_GATE: JsonGate = { maxDepth: 64, text: 'clean' };
export const API_GATE: JsonGate = { maxDepth: 32, text: 'reject' };

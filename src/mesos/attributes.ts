/**
 * Agent attributes: the `--attributes` flag and their classic JSON form.
 *
 * Mirrors `Attributes::parse` in `src/common/attributes.cpp`: tokens
 * `name:value` separated by `;` (or newlines); numbers become SCALAR, `[a-b]`
 * RANGES, `{x,y}` SET, anything else TEXT.
 */
import type { Attribute } from './types.js';
import { formatRanges, formatSet, parseValue, roundScalar, ValueParseError } from './values.js';

/** A malformed `--attributes` value; `part` is the offending `name:value` token. */
export class AttributesParseError extends Error {
  readonly code = 'ATTRIBUTES_MALFORMED';
  constructor(
    message: string,
    readonly part: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AttributesParseError';
  }
}

function parseToken(token: string): Attribute {
  const fail = (why: string, cause?: unknown): never => {
    throw new AttributesParseError(`Failed to parse attribute '${token}': ${why}`, token, { cause });
  };
  const colon = token.indexOf(':');
  if (colon < 0 || token.indexOf(':', colon + 1) >= 0) fail("missing or extra ':'");
  const name = token.slice(0, colon).trim();
  if (name === '') fail('empty attribute name');
  if (/[\s[\]{}(),]/.test(name)) fail(`bad attribute name '${name}'`);
  let parsed;
  try {
    parsed = parseValue(token.slice(colon + 1));
  } catch (err) {
    if (err instanceof ValueParseError) return fail(err.message, err);
    throw err;
  }
  switch (parsed.type) {
    case 'SCALAR':
      return { name, type: 'SCALAR', scalar: { value: parsed.scalar } };
    case 'RANGES':
      return { name, type: 'RANGES', ranges: { range: parsed.ranges } };
    case 'SET':
      return { name, type: 'SET', set: { item: parsed.items } };
    case 'TEXT':
      return { name, type: 'TEXT', text: { value: parsed.text } };
  }
}

/**
 * Parses `--attributes=rack:r1;zone:west;level:10;keys:[1000-1500];os:{linux,x86}`
 * into v1 Attributes in the given order (TEXT, TEXT, SCALAR, RANGES, SET).
 * Empty text gives `[]`. Throws `AttributesParseError` on a token without
 * exactly one `:`, an empty name, or a malformed range/set.
 */
export function parseAttributes(text: string): Attribute[] {
  return text
    .split(/[;\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map(parseToken);
}

/**
 * Classic JSON attributes object (`/master/slaves`, `/master/state`):
 * scalar → number, ranges → `"[a-b, c-d]"`, set → `"{x, y}"`, text → string.
 * A name given twice keeps its last value, as a JSON object must.
 * Mirrors `model(const Attributes&)` in `src/common/http.cpp`.
 */
export function summarizeAttributes(a: readonly Attribute[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const attr of a) {
    switch (attr.type) {
      case 'SCALAR':
        out[attr.name] = roundScalar(attr.scalar?.value ?? 0);
        break;
      case 'RANGES':
        out[attr.name] = formatRanges(attr.ranges?.range ?? []);
        break;
      case 'SET':
        out[attr.name] = formatSet(attr.set?.item ?? []);
        break;
      case 'TEXT':
        out[attr.name] = attr.text?.value ?? '';
        break;
    }
  }
  return out;
}

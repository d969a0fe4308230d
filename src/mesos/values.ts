/**
 * Mesos `Value` text forms and arithmetic shared by resources and attributes.
 *
 * Mirrors `src/common/values.cpp` (`Values::parse`, operators on
 * `Value::Scalar`, `Value::Ranges`, `Value::Set`): scalars are fixed-point with
 * three decimals, ranges are inclusive `[begin-end]` intervals, sets are
 * unordered string collections. Everything here is pure.
 */
import type { Range } from './types.js';

/** A parsed `Value` text, discriminated by Mesos's `Value.Type`. */
export type ParsedValue =
  | { type: 'SCALAR'; scalar: number }
  | { type: 'RANGES'; ranges: Range[] }
  | { type: 'SET'; items: string[] }
  | { type: 'TEXT'; text: string };

/** A malformed value text; `message` says what was wrong, without the enclosing context. */
export class ValueParseError extends Error {
  readonly code = 'VALUE_MALFORMED';
  constructor(
    message: string,
    /** The offending text. */
    readonly text: string,
  ) {
    super(message);
    this.name = 'ValueParseError';
  }
}

/** Scalars are stored by Mesos as integer thousandths (`Value::Scalar` fixed-point). */
export const SCALAR_SCALE = 1000;

/** A scalar as integer thousandths (rounded half away from zero, as `llround`). */
export function toFixed(value: number): number {
  const scaled = value * SCALAR_SCALE;
  return scaled < 0 ? -Math.round(-scaled) : Math.round(scaled);
}

/** Integer thousandths back to a float. */
export function fromFixed(fixed: number): number {
  return fixed / SCALAR_SCALE;
}

/** Rounds a scalar to Mesos's 0.001 resolution. */
export function roundScalar(value: number): number {
  return fromFixed(toFixed(value));
}

/**
 * Formats a scalar with up to three decimals and no trailing zeros
 * (`2`, `0.5`, `1961`, `0.333`), as Mesos prints resource values.
 */
export function formatScalar(value: number): string {
  const rounded = roundScalar(value);
  // Integers print plainly; large values must not switch to exponent form.
  if (Number.isInteger(rounded)) return BigInt(rounded).toString();
  return rounded.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a decimal number (`2`, `0.5`, `1e3`); undefined when `text` is not one. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses a `Value` text the way `Values::parse` does: `[a-b, c-d]` → RANGES,
 * `{x,y}` → SET, a number → SCALAR, anything else without `[]{},` → TEXT.
 * Ranges must have integer bounds with begin ≤ end; they come back coalesced.
 * Throws `ValueParseError` on malformed text.
 */
export function parseValue(text: string): ParsedValue {
  const t = text.trim();
  if (t.startsWith('[')) return { type: 'RANGES', ranges: parseRangesText(t) };
  if (t.startsWith('{')) return { type: 'SET', items: parseSetText(t) };
  const n = parseNumber(t);
  if (n !== undefined) return { type: 'SCALAR', scalar: n };
  if (t === '') throw new ValueParseError('empty value', text);
  if (/[[\]{},\n]/.test(t)) {
    throw new ValueParseError(`expected a number, '[a-b, ...]' or '{a, ...}', got '${t}'`, text);
  }
  return { type: 'TEXT', text: t };
}

/** Parses `[a-b, c-d]` (separators `,` with optional spaces). Throws `ValueParseError`. */
export function parseRangesText(text: string): Range[] {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) {
    throw new ValueParseError(`expected ranges '[a-b, ...]', got '${t}'`, text);
  }
  const inner = t.slice(1, -1).trim();
  if (inner === '') return [];
  const ranges: Range[] = [];
  for (const part of inner.split(',')) {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (!m) throw new ValueParseError(`bad range '${part.trim()}', expected 'begin-end'`, text);
    const begin = Number(m[1]);
    const end = Number(m[2]);
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end)) {
      throw new ValueParseError(`range '${part.trim()}' out of bounds`, text);
    }
    if (begin > end) {
      throw new ValueParseError(`bad range '${part.trim()}': begin ${begin} > end ${end}`, text);
    }
    ranges.push({ begin, end });
  }
  return coalesceRanges(ranges);
}

/** Parses `{a, b}`; items are trimmed, empty items rejected, duplicates dropped. */
export function parseSetText(text: string): string[] {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) {
    throw new ValueParseError(`expected a set '{a, ...}', got '${t}'`, text);
  }
  const inner = t.slice(1, -1).trim();
  if (inner === '') return [];
  const items: string[] = [];
  for (const raw of inner.split(',')) {
    const item = raw.trim();
    if (item === '' || /[[\]{}]/.test(item)) {
      throw new ValueParseError(`bad set item '${item}'`, text);
    }
    if (!items.includes(item)) items.push(item);
  }
  return items;
}

/** `[31000-32000, 33000-34000]` — the Mesos output form (`", "` separator). */
export function formatRanges(ranges: readonly Range[]): string {
  return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
}

/** `{a, b}` — the Mesos output form. */
export function formatSet(items: readonly string[]): string {
  return `{${items.join(', ')}}`;
}

/**
 * Sorts and merges overlapping or adjacent ranges (`[1-2, 3-5]` → `[1-5]`),
 * as `Value::Ranges` coalescing does. Returns new objects; input untouched.
 * The list returned has no spare capacity (see {@link exactly}).
 */
export function coalesceRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges
    .filter((r) => r.begin <= r.end)
    .map((r) => ({ begin: r.begin, end: r.end }))
    .sort((x, y) => x.begin - y.begin || x.end - y.end);
  let merged = 0;
  for (let i = 1; i < sorted.length; i++) {
    const last = sorted[merged]!;
    const r = sorted[i]!;
    if (r.begin <= last.end + 1) {
      if (r.end > last.end) last.end = r.end;
    } else {
      sorted[++merged] = r;
    }
  }
  // `map` sized the list exactly: kept when nothing merged, else its merged head copied.
  return merged + 1 >= sorted.length ? sorted : sorted.slice(0, merged + 1);
}

/** `a − b` on inclusive integer ranges; result coalesced, with no spare capacity. */
export function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const whole = coalesceRanges(a);
  let out = whole;
  for (const cut of coalesceRanges(b)) {
    const next: Range[] = [];
    for (const r of out) {
      if (cut.end < r.begin || cut.begin > r.end) {
        next.push(r);
        continue;
      }
      if (cut.begin > r.begin) next.push({ begin: r.begin, end: cut.begin - 1 });
      if (cut.end < r.end) next.push({ begin: cut.end + 1, end: r.end });
    }
    out = next;
  }
  return out === whole ? out : exactly(out);
}

/**
 * `list` without spare capacity: V8 gives an array grown by `push` (or made
 * by `filter`) room for ~17 elements, ~130 bytes more than a list of one to
 * four needs, and resource and range lists are held by the master for every
 * agent, offer and allocation. A copy: for lists built by `push`; those made
 * by `slice`, `map`, `concat` or a literal are exact already.
 */
export function exactly<T>(list: T[]): T[] {
  return list.length === 0 ? [] : list.slice();
}

/** True when every value of `b` lies in `a`. */
export function rangesContain(a: readonly Range[], b: readonly Range[]): boolean {
  const outer = coalesceRanges(a);
  return coalesceRanges(b).every((r) => outer.some((o) => o.begin <= r.begin && r.end <= o.end));
}

/** Number of integer values covered (`[31000-32000]` → 1001); overlaps counted once. */
export function countRanges(ranges: readonly Range[]): number {
  return coalesceRanges(ranges).reduce((n, r) => n + (r.end - r.begin + 1), 0);
}

/** Set union keeping first-seen order. */
export function unionSet(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}

/** Set difference `a − b`, order of `a` kept. */
export function subtractSet(a: readonly string[], b: readonly string[]): string[] {
  return a.filter((x) => !b.includes(x));
}

/** True when every item of `b` is in `a`. */
export function setContains(a: readonly string[], b: readonly string[]): boolean {
  return b.every((x) => a.includes(x));
}

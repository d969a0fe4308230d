/**
 * Duration and byte-size strings as Mesos flags and endpoints use them
 * (`--executor_registration_timeout=1mins`, `--fetcher_cache_size=2GB`).
 *
 * Mirrors stout's `Duration::parse` / `operator<<` and `Bytes::parse` /
 * `operator<<`. Durations are handled internally as whole nanoseconds, as
 * stout stores them in an int64.
 */

/** A malformed duration string; `text` is the input as given. */
export class DurationParseError extends Error {
  readonly code = 'DURATION_MALFORMED';
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
    this.name = 'DurationParseError';
  }
}

/** A malformed byte-size string; `text` is the input as given. */
export class BytesParseError extends Error {
  readonly code = 'BYTES_MALFORMED';
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
    this.name = 'BytesParseError';
  }
}

const NS_PER = {
  ns: 1,
  us: 1e3,
  ms: 1e6,
  secs: 1e9,
  mins: 60e9,
  hrs: 3600e9,
  days: 86400e9,
  weeks: 604800e9,
} as const;
type DurationUnit = keyof typeof NS_PER;
const DURATION_UNITS = Object.keys(NS_PER) as DurationUnit[];

/**
 * Parses `15secs`, `1mins`, `0.5secs`, `500ms`, `1weeks` into milliseconds
 * (fractional below 1 ms: `1us` → 0.001). A non-negative decimal number followed
 * directly by one of `ns us ms secs mins hrs days weeks`; surrounding blanks
 * are ignored. Sub-nanosecond precision is rounded away.
 * Throws `DurationParseError` (`Invalid duration '15x': ...`) otherwise.
 */
export function parseDuration(text: string): number {
  const t = text.trim();
  const m = /^(\d+\.?\d*|\.\d+)([a-z]+)$/.exec(t);
  if (!m) {
    throw new DurationParseError(
      `Invalid duration '${text}': expected a number followed by a unit (${DURATION_UNITS.join(', ')})`,
      text,
    );
  }
  const unit = m[2] as string;
  if (!(unit in NS_PER)) {
    throw new DurationParseError(
      `Invalid duration '${text}': unknown unit '${unit}' (expected ${DURATION_UNITS.join(', ')})`,
      text,
    );
  }
  const ns = Math.round(Number(m[1]) * NS_PER[unit as DurationUnit]);
  if (!Number.isFinite(ns)) throw new DurationParseError(`Invalid duration '${text}': too large`, text);
  return ns / 1e6;
}

function inUnit(ns: number, unit: DurationUnit): string {
  // stout prints with 15 significant digits (digits10 of a double).
  return `${Number((ns / NS_PER[unit]).toPrecision(15))}${unit}`;
}

/**
 * Mesos output form of a duration given in milliseconds: the largest unit not
 * exceeding the value, unless the value is not whole in it but whole in the
 * next smaller unit (60 s → `1mins`, 90 s → `90secs`, 5400 s → `90mins`,
 * 10 days → `10days`, 1.5 s → `1500ms`); when neither is whole, a fraction
 * in the larger unit with up to 15 significant digits (1.0000005 s →
 * `1.0000005secs`). Unit names are always plural (`1mins`). Negative values get
 * a `-` prefix. Input is rounded to whole nanoseconds first.
 */
export function formatDuration(ms: number): string {
  const total = Math.round(ms * 1e6);
  const sign = total < 0 ? '-' : '';
  const ns = Math.abs(total);
  // Buckets from small to large; each pairs a unit with the next smaller one.
  const order: DurationUnit[] = ['ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', 'weeks'];
  let bucket = 0;
  while (bucket + 1 < order.length && ns >= NS_PER[order[bucket + 1]!]) bucket++;
  const unit = order[bucket]!;
  if (bucket > 0) {
    const smaller = order[bucket - 1]!;
    if (ns % NS_PER[unit] !== 0 && ns % NS_PER[smaller] === 0) return sign + inUnit(ns, smaller);
  }
  return sign + inUnit(ns, unit);
}

const BYTES_PER = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 } as const;
type BytesUnit = keyof typeof BYTES_PER;

/**
 * Parses `2GB`, `4KB`, `512MB`, `100B` into bytes (units binary, 1KB = 1024B,
 * case-insensitive as stout upper-cases them). Fractions are rejected, as in
 * stout. Throws `BytesParseError` (`Invalid bytes '2XB': ...`).
 */
export function parseBytes(text: string): number {
  const t = text.trim();
  if (/^\d*\.\d*[a-zA-Z]*$/.test(t) && /\d/.test(t)) {
    throw new BytesParseError(`Invalid bytes '${text}': fractional bytes are not allowed`, text);
  }
  const m = /^(\d+)([a-zA-Z]+)$/.exec(t);
  if (!m) throw new BytesParseError(`Invalid bytes '${text}': expected an integer followed by B, KB, MB, GB or TB`, text);
  const unit = (m[2] as string).toUpperCase();
  if (!(unit in BYTES_PER)) {
    throw new BytesParseError(`Invalid bytes '${text}': unknown unit '${m[2]}' (expected B, KB, MB, GB, TB)`, text);
  }
  return Number(m[1]) * BYTES_PER[unit as BytesUnit];
}

/**
 * Mesos output form of a byte count: the largest unit that divides it exactly
 * (`2048` → `2KB`, `1536` → `1536B`, `0` → `0B`). Non-integers are rounded
 * to whole bytes first.
 */
export function formatBytes(bytes: number): string {
  const b = Math.round(bytes);
  if (b === 0) return '0B';
  const units: BytesUnit[] = ['TB', 'GB', 'MB', 'KB'];
  for (const unit of units) {
    if (b % BYTES_PER[unit] === 0) return `${b / BYTES_PER[unit]}${unit}`;
  }
  return `${b}B`;
}

/**
 * ISO 8601 periods (`PnYnMnWnDTnHnMnS`) as Chronos reads and prints them
 * (Joda's `ISOPeriodFormat.standard`): fields kept as written, never
 * normalised (`PT60M` stays sixty minutes, not one hour), so the stored
 * schedule string round-trips. Pure.
 */

/** A period's fields. All non-negative integers; `millis` holds the fraction of `seconds` (`PT1.5S`). */
export interface Period {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  millis: number;
}

const PERIOD =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?$/;

/**
 * Parses `P1D`, `PT2H`, `P1Y2M3W4DT5H6M7.5S`, …; undefined when the text is not
 * a standard ISO period (no field at all, a dangling `T`, negative or
 * fractional values other than seconds, lower-case letters).
 */
export function parsePeriod(text: string): Period | undefined {
  const m = PERIOD.exec(text);
  if (!m) return undefined;
  // `P` alone or `P…T` with nothing after the T are not periods.
  if (m.slice(1).every((g) => g === undefined)) return undefined;
  if (text.endsWith('T')) return undefined;
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const frac = m[8] === undefined ? 0 : Number(m[8].padEnd(3, '0'));
  const period: Period = {
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
    millis: frac,
  };
  if (Object.values(period).some((v) => !Number.isSafeInteger(v))) return undefined;
  return period;
}

/** True when every field is zero (`PT0S`): such a schedule never moves forward. */
export function isZeroPeriod(p: Period): boolean {
  return Object.values(p).every((v) => v === 0);
}

/** True when the period has calendar fields (years, months, weeks, days) whose length depends on the date and zone. */
export function isCalendarPeriod(p: Period): boolean {
  return p.years !== 0 || p.months !== 0 || p.weeks !== 0 || p.days !== 0;
}

/** Exact length in ms of a period without calendar fields. */
export function fixedPeriodMs(p: Period): number {
  return ((p.hours * 60 + p.minutes) * 60 + p.seconds) * 1000 + p.millis;
}

/** Prints a period as Joda's standard ISO printer does: non-zero fields only; `PT0S` for zero. */
export function formatPeriod(p: Period): string {
  if (isZeroPeriod(p)) return 'PT0S';
  let out = 'P';
  if (p.years) out += `${p.years}Y`;
  if (p.months) out += `${p.months}M`;
  if (p.weeks) out += `${p.weeks}W`;
  if (p.days) out += `${p.days}D`;
  if (p.hours || p.minutes || p.seconds || p.millis) {
    out += 'T';
    if (p.hours) out += `${p.hours}H`;
    if (p.minutes) out += `${p.minutes}M`;
    if (p.seconds || p.millis) {
      out += p.millis ? `${p.seconds}.${String(p.millis).padStart(3, '0').replace(/0+$/, '')}S` : `${p.seconds}S`;
    }
  }
  return out;
}

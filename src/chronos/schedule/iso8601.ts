/**
 * Chronos's repeating-interval expressions `R[n]/<start>/<period>`
 * (`Iso8601Expressions.scala`): parsing, printing and period arithmetic in the
 * start's time zone, with luxon for the calendar (DST-aware days, months with
 * clamped month ends, leap years). Pure: `now` is an argument.
 *
 *   R/2014-03-08T20:00:00.000Z/PT2H     every 2 h forever          (recurrences −1)
 *   R10/2012-10-01T05:52:00Z/PT2S       ten more runs               (recurrences 10)
 *   R1//PT24H                           once, now (start = now − 1 s)
 *   R0/…                                no runs left
 */
import { DateTime, IANAZone } from 'luxon';
import { fixedPeriodMs, formatPeriod, isCalendarPeriod, isZeroPeriod, parsePeriod, type Period } from './period.js';

/** A parsed schedule. `recurrences` −1 = forever (`R`); `startMs` is epoch ms; `zone` is a luxon zone name. */
export interface Schedule {
  recurrences: number;
  startMs: number;
  /** Zone the start is expressed in, and in which calendar periods are added (`UTC`, `UTC+1`, `America/Los_Angeles`). */
  zone: string;
  period: Period;
}

const EXPRESSION = /^(R[0-9]*)\/(.*)\/(P.*)$/s;
const JAVA_CUSTOM_ZONE = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** Earliest start Chronos accepts: 1970-01-01T00:00:01Z. */
export const EARLIEST_START_MS = 1000;

/**
 * The luxon zone for a `scheduleTimeZone` as `java.util.TimeZone.getTimeZone`
 * reads it: tz ids and the legacy three-letter ids (`PST` = Los Angeles, `EST`
 * fixed −05:00), `GMT+2`/`GMT-05:30` custom ids; anything unknown becomes UTC
 * (Java silently answers GMT).
 */
export function resolveZone(timeZone: string): string {
  const custom = JAVA_CUSTOM_ZONE.exec(timeZone);
  if (custom) {
    const hours = Number(custom[2]);
    const minutes = custom[3] === undefined ? 0 : Number(custom[3]);
    return minutes === 0 ? `UTC${custom[1]}${hours}` : `UTC${custom[1]}${hours}:${String(minutes).padStart(2, '0')}`;
  }
  if (timeZone === 'GMT' || timeZone === 'UTC') return 'UTC';
  return IANAZone.isValidZone(timeZone) ? timeZone : 'UTC';
}

/**
 * Parses `text` as Chronos does. `timeZone` (the job's `scheduleTimeZone`),
 * when non-empty, re-reads the start's wall-clock fields in that zone
 * (`withZoneRetainFields`). A start without an offset is read in UTC (Chronos
 * uses the JVM's zone; ours is fixed so that results do not depend on the
 * host). An empty start means `nowMs − 1 s` (due at once). Returns undefined
 * when the text does not match `(R[0-9]*)/(.*)/(P.*)` or a part is unreadable.
 */
export function parseSchedule(text: string, timeZone: string, nowMs: number): Schedule | undefined {
  const m = EXPRESSION.exec(text);
  if (!m) return undefined;
  const [, repeat = 'R', startText = '', periodText = ''] = m;
  const recurrences = repeat.length === 1 ? -1 : Number(repeat.slice(1));
  if (!Number.isSafeInteger(recurrences)) return undefined;
  const period = parsePeriod(periodText);
  if (!period) return undefined;
  let start: DateTime;
  if (startText === '') {
    start = DateTime.fromMillis(nowMs - 1000, { zone: 'UTC' });
  } else {
    start = DateTime.fromISO(startText, { setZone: true, zone: 'UTC' });
    if (!start.isValid) return undefined;
  }
  if (timeZone !== '') start = start.setZone(resolveZone(timeZone), { keepLocalTime: true });
  if (!start.isValid) return undefined;
  return { recurrences, startMs: start.toMillis(), zone: zoneName(start), period };
}

function zoneName(dt: DateTime): string {
  // Fixed offsets print as `UTC+1`; a zero fixed offset as `UTC`.
  return dt.zoneName ?? 'UTC';
}

/** Prints the start as Joda's `ISODateTimeFormat.dateTime`: `2014-03-08T20:00:00.000Z`, or `…-08:00` in the start's zone. */
export function formatStart(startMs: number, zone: string): string {
  const dt = DateTime.fromMillis(startMs, { zone });
  const offset = dt.offset;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const suffix = offset === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${dt.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}${suffix}`;
}

/** Prints a schedule as Chronos stores it: `R5/2014-03-08T20:00:00.000Z/PT2H`, `R/…` for forever. */
export function formatSchedule(schedule: Schedule): string {
  const repeat = schedule.recurrences === -1 ? 'R' : `R${schedule.recurrences}`;
  return `${repeat}/${formatStart(schedule.startMs, schedule.zone)}/${formatPeriod(schedule.period)}`;
}

/**
 * `startMs + k × period` in `zone`: calendar fields move the wall clock (a day
 * is 23 or 25 hours across DST; Jan 31 + P1M = Feb 28/29), time fields add
 * exact milliseconds — Joda's `DateTime.plus(Period)`.
 */
export function addPeriods(startMs: number, zone: string, period: Period, k: number): number {
  if (!isCalendarPeriod(period)) return startMs + k * fixedPeriodMs(period);
  return DateTime.fromMillis(startMs, { zone })
    .plus({
      years: period.years * k,
      months: period.months * k,
      weeks: period.weeks * k,
      days: period.days * k,
      hours: period.hours * k,
      minutes: period.minutes * k,
      seconds: period.seconds * k,
      milliseconds: period.millis * k,
    })
    .toMillis();
}

/**
 * How many periods move `start` strictly past `nowMs` (`JobUtils.calculateSkips`):
 * 0 when the start is not before now or the period is zero, else the
 * smallest k ≥ 1 with start + k × period > now. Exact for calendar periods
 * (Chronos approximates months by their length measured from now).
 */
export function periodsToSkip(schedule: Schedule, nowMs: number): number {
  const { startMs, zone, period } = schedule;
  if (startMs >= nowMs || isZeroPeriod(period)) return 0;
  if (!isCalendarPeriod(period)) return Math.floor((nowMs - startMs) / fixedPeriodMs(period)) + 1;
  const firstStep = addPeriods(startMs, zone, period, 1) - startMs;
  let k = Math.max(1, Math.floor((nowMs - startMs) / Math.max(1, firstStep)));
  // The estimate is off by at most a few steps (month lengths, DST); walk to the exact answer.
  while (addPeriods(startMs, zone, period, k) <= nowMs) k++;
  while (k > 1 && addPeriods(startMs, zone, period, k - 1) > nowMs) k--;
  return k;
}

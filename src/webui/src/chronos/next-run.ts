/**
 * When a Chronos job runs next, for display, from its stored `schedule`
 * (`R[n]/<start>/<period>`) and `scheduleTimeZone`. Chronos moves the stored
 * start past "now" each time it launches the job, so the start *is* the next
 * run while it lies ahead; a start in the past means the job is due (it runs
 * as soon as an offer fits). Pure: `nowMs` is an argument; luxon does the
 * calendar (periods with days/months keep the wall clock across DST).
 *
 *   R/2030-01-01T00:00:00Z/PT2H   →  at 2030-01-01T00:00Z, then every 2 hours
 *   R3/<past>/P1D                →  due now (3 runs left)
 *   R0/…                          →  none (exhausted)
 */
import { DateTime, Duration, IANAZone } from 'luxon';

/** A schedule as read for display. `recurrences` −1 = forever; `startMs` epoch ms. */
export interface ParsedSchedule {
  recurrences: number;
  startMs: number;
  /** Luxon zone name the start is read in and periods are added in. */
  zone: string;
  /** The ISO 8601 period text (`PT2H`). */
  period: string;
}

/** What the UI says about a job's next run. */
export type NextRun =
  | { kind: 'at'; atMs: number }
  | { kind: 'due'; sinceMs: number }
  | { kind: 'none'; reason: 'disabled' | 'exhausted' | 'invalid' }
  | { kind: 'after-parents'; parents: string[] };

/** The job fields next-run reads (a job from `GET /scheduler/jobs`). */
export interface ScheduleFields {
  schedule?: string;
  scheduleTimeZone?: string;
  parents?: string[];
  disabled?: boolean;
}

const EXPRESSION = /^(R\d*)\/([^/]*)\/(P.+)$/;
const GMT_OFFSET = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/;

/**
 * The luxon zone for a `scheduleTimeZone`: IANA ids, `UTC`/`GMT`,
 * `GMT+2`/`GMT-05:30`; anything else is read as UTC (as Java's TimeZone does
 * for unknown ids).
 */
export function zoneFor(timeZone: string): string {
  const offset = GMT_OFFSET.exec(timeZone);
  if (offset) return `UTC${offset[1]}${Number(offset[2])}${offset[3] && offset[3] !== '00' ? `:${offset[3]}` : ''}`;
  if (timeZone === '' || timeZone === 'UTC' || timeZone === 'GMT') return 'UTC';
  return IANAZone.isValidZone(timeZone) ? timeZone : 'UTC';
}

function periodOf(text: string): Duration | undefined {
  const d = Duration.fromISO(text);
  return d.isValid ? d : undefined;
}

/**
 * Parses `schedule` as Chronos does: an empty start is `nowMs − 1 s`; a start
 * without an offset is UTC; a non-empty `timeZone` re-reads the start's wall
 * clock in that zone. Undefined when unreadable.
 */
export function parseSchedule(schedule: string, timeZone: string, nowMs: number): ParsedSchedule | undefined {
  const m = EXPRESSION.exec(schedule.trim());
  if (!m) return undefined;
  const [, repeat = 'R', startText = '', period = ''] = m;
  if (!periodOf(period)) return undefined;
  const recurrences = repeat === 'R' ? -1 : Number(repeat.slice(1));
  let start = startText === '' ? DateTime.fromMillis(nowMs - 1000, { zone: 'UTC' }) : DateTime.fromISO(startText, { setZone: true, zone: 'UTC' });
  if (!start.isValid) return undefined;
  if (timeZone !== '') start = start.setZone(zoneFor(timeZone), { keepLocalTime: true });
  return { recurrences, startMs: start.toMillis(), zone: start.zoneName ?? 'UTC', period };
}

/** `startMs + k × period` in the schedule's zone (calendar-aware). */
export function occurrence(s: ParsedSchedule, k: number): number {
  const period = periodOf(s.period)!;
  const shifted = Duration.fromObject(Object.fromEntries(Object.entries(period.toObject()).map(([unit, n]) => [unit, (n ?? 0) * k])));
  return DateTime.fromMillis(s.startMs, { zone: s.zone }).plus(shifted).toMillis();
}

/** The job's next run at `nowMs`. */
export function nextRun(job: ScheduleFields, nowMs: number): NextRun {
  if (job.parents !== undefined) return { kind: 'after-parents', parents: job.parents };
  if (job.disabled) return { kind: 'none', reason: 'disabled' };
  const s = parseSchedule(job.schedule ?? '', job.scheduleTimeZone ?? '', nowMs);
  if (!s) return { kind: 'none', reason: 'invalid' };
  if (s.recurrences === 0) return { kind: 'none', reason: 'exhausted' };
  return s.startMs > nowMs ? { kind: 'at', atMs: s.startMs } : { kind: 'due', sinceMs: s.startMs };
}

/** The smallest k ≥ 0 with `occurrence(s, k) > nowMs`; undefined for a zero period with a start not ahead. */
export function firstAfter(s: ParsedSchedule, nowMs: number): number | undefined {
  if (s.startMs > nowMs) return 0;
  const step = occurrence(s, 1) - s.startMs;
  if (step <= 0) return undefined;
  // Calendar periods vary in length (months, DST): estimate, then walk to the exact answer.
  let k = Math.max(1, Math.floor((nowMs - s.startMs) / step));
  while (occurrence(s, k) <= nowMs) k++;
  while (k > 1 && occurrence(s, k - 1) > nowMs) k--;
  return k;
}

/**
 * Up to `count` coming runs strictly after `nowMs` (epoch ms). A start ahead
 * is the first of them; a due start is the run happening now (not listed),
 * after which Chronos jumps the schedule past now and counts one recurrence
 * however many periods it skipped.
 */
export function upcomingRuns(job: ScheduleFields, nowMs: number, count: number): number[] {
  if (job.parents !== undefined || job.disabled) return [];
  const s = parseSchedule(job.schedule ?? '', job.scheduleTimeZone ?? '', nowMs);
  if (!s || s.recurrences === 0) return [];
  if (occurrence(s, 1) === s.startMs) return s.startMs > nowMs ? [s.startMs] : [];
  const first = firstAfter(s, nowMs);
  if (first === undefined) return [];
  const left = s.recurrences < 0 ? Infinity : s.startMs > nowMs ? s.recurrences : s.recurrences - 1;
  const out: number[] = [];
  for (let i = 0; i < Math.min(count, left); i++) out.push(occurrence(s, first + i));
  return out;
}

const UNITS: Array<[keyof ReturnType<Duration['toObject']>, string]> = [
  ['years', 'year'],
  ['months', 'month'],
  ['weeks', 'week'],
  ['days', 'day'],
  ['hours', 'hour'],
  ['minutes', 'minute'],
  ['seconds', 'second'],
];

/** `PT2H` → `every 2 hours`, `P1D` → `every day`, `P1DT12H` → `every 1 day 12 hours`; the text itself when unreadable. */
export function describePeriod(period: string): string {
  const d = periodOf(period);
  if (!d) return period;
  const parts = UNITS.flatMap(([unit, word]) => {
    const n = d.toObject()[unit] ?? 0;
    return n ? [`${n} ${word}${n === 1 ? '' : 's'}`] : [];
  });
  if (parts.length === 0) return 'no period';
  if (parts.length === 1 && parts[0]!.startsWith('1 ')) return `every ${parts[0]!.slice(2)}`;
  return `every ${parts.join(' ')}`;
}

/** `R` → `forever`, `R5` → `5 more runs`, `R1` → `once`, `R0` → `no runs left`. */
export function describeRepeats(schedule: string): string {
  const m = EXPRESSION.exec(schedule.trim());
  if (!m) return '';
  const n = m[1] === 'R' ? -1 : Number(m[1]!.slice(1));
  return n < 0 ? 'forever' : n === 0 ? 'no runs left' : n === 1 ? 'once' : `${n} more runs`;
}

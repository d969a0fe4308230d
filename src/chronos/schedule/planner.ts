/**
 * The schedule planner: Chronos 3.x's decisions about scheduled jobs, as pure
 * functions of the stored schedule strings and `now` (epoch ms).
 *
 *   tick(now) ──► planTick: due jobs (enqueue a task, due = now) + when to wake next
 *   task launched ──► advanceAtLaunch: start moves strictly past now, Rn → Rn−1
 *   task finished ──► exhausted: R0 after a success → the job is disabled
 *
 * Missed occurrences (scheduler down, no offers) are never replayed one by
 * one: the job is due once, and the launch jumps the start past now.
 */
import { formatSchedule, parseSchedule, periodsToSkip, addPeriods } from './iso8601.js';

/** What the planner needs of a scheduled job. */
export interface PlannedJob {
  name: string;
  schedule: string;
  scheduleTimeZone: string;
  disabled: boolean;
}

/** Result of one planning pass. */
export interface TickPlan {
  /** Jobs to enqueue now (a task due at `now`), in start order then name. */
  due: string[];
  /** ms until the next job becomes due, capped at `maxSleepMs`; 0 = wake at once. */
  sleepMs: number;
}

/** Chronos's main loop sleeps at most this long when nothing is due sooner (ms). */
export const MAX_SLEEP_MS = 60_000;

/**
 * True when the job should run now: enabled, recurrences left (≠ 0), and its
 * start strictly before `nowMs` (`JobScheduler.getJobsToRun`). Unparseable
 * schedules are never due.
 */
export function isDue(job: PlannedJob, nowMs: number): boolean {
  if (job.disabled) return false;
  const s = parseSchedule(job.schedule, job.scheduleTimeZone, nowMs);
  return s !== undefined && s.recurrences !== 0 && s.startMs < nowMs;
}

/**
 * One pass of the main loop: which jobs are due, and how long to sleep until
 * the earliest enabled job with recurrences left becomes due (≤ `maxSleepMs`).
 */
export function planTick(jobs: readonly PlannedJob[], nowMs: number, maxSleepMs = MAX_SLEEP_MS): TickPlan {
  const candidates: Array<{ name: string; startMs: number }> = [];
  for (const job of jobs) {
    if (job.disabled) continue;
    const s = parseSchedule(job.schedule, job.scheduleTimeZone, nowMs);
    if (!s || s.recurrences === 0) continue;
    candidates.push({ name: job.name, startMs: s.startMs });
  }
  candidates.sort((a, b) => a.startMs - b.startMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const due = candidates.filter((c) => c.startMs < nowMs).map((c) => c.name);
  const next = candidates.find((c) => c.startMs >= nowMs);
  // A start equal to now becomes due one millisecond later (strictly-before rule).
  const sleepMs = next === undefined ? maxSleepMs : Math.min(maxSleepMs, Math.max(1, next.startMs - nowMs));
  return { due, sleepMs };
}

/**
 * The schedule after a task of the job was launched (`JobUtils.skipForward`):
 * the start moves by the number of periods that puts it strictly after
 * `nowMs` (none if it is already in the future, e.g. a manual run), and a
 * finite count drops by one however many periods were skipped. Returns the
 * new schedule string, or undefined when `schedule` does not parse.
 */
export function advanceAtLaunch(schedule: string, scheduleTimeZone: string, nowMs: number): string | undefined {
  const s = parseSchedule(schedule, scheduleTimeZone, nowMs);
  if (!s) return undefined;
  const skip = periodsToSkip(s, nowMs);
  return formatSchedule({
    ...s,
    startMs: skip === 0 ? s.startMs : addPeriods(s.startMs, s.zone, s.period, skip),
    recurrences: s.recurrences === -1 ? -1 : s.recurrences - 1,
  });
}

/** True when the schedule has no runs left (`R0`): after a success Chronos disables the job. */
export function isExhausted(schedule: string, scheduleTimeZone: string, nowMs: number): boolean {
  return parseSchedule(schedule, scheduleTimeZone, nowMs)?.recurrences === 0;
}

/** The next time (epoch ms) the job would be due, or undefined (disabled, R0, unparseable). For the UI and summaries. */
export function nextRunMs(job: PlannedJob, nowMs: number): number | undefined {
  if (job.disabled) return undefined;
  const s = parseSchedule(job.schedule, job.scheduleTimeZone, nowMs);
  if (!s || s.recurrences === 0) return undefined;
  return s.startMs;
}

/**
 * The ISO 8601 schedule planner: parsing, printing, period arithmetic across
 * time zones and DST, and Chronos 3.x's evolution of the stored schedule
 * (advance at launch, finite counts, R0, one catch-up run). Pure: every
 * `now` is given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPeriod, parsePeriod } from '../../../src/chronos/schedule/period.js';
import {
  addPeriods,
  formatSchedule,
  formatStart,
  parseSchedule,
  periodsToSkip,
  resolveZone,
} from '../../../src/chronos/schedule/iso8601.js';
import { advanceAtLaunch, isDue, isExhausted, nextRunMs, planTick } from '../../../src/chronos/schedule/planner.js';

const t = (iso: string): number => Date.parse(iso);
const NOW = t('2024-01-10T12:00:00.000Z');

test('periods: every kind parses and prints as Joda does', () => {
  const cases: Array<[string, string]> = [
    ['PT1S', 'PT1S'],
    ['PT2S', 'PT2S'],
    ['PT90S', 'PT90S'],
    ['PT1.5S', 'PT1.5S'],
    ['PT0.25S', 'PT0.25S'],
    ['PT10M', 'PT10M'],
    ['PT60M', 'PT60M'],
    ['PT2H', 'PT2H'],
    ['P1D', 'P1D'],
    ['P1W', 'P1W'],
    ['P10M', 'P10M'],
    ['P1Y', 'P1Y'],
    ['P1Y2M3W4DT5H6M7S', 'P1Y2M3W4DT5H6M7S'],
    ['P1DT12H', 'P1DT12H'],
    ['PT0S', 'PT0S'],
    ['P0D', 'PT0S'],
  ];
  for (const [input, printed] of cases) {
    const p = parsePeriod(input);
    assert.ok(p, input);
    assert.equal(formatPeriod(p), printed, input);
  }
  assert.deepEqual(parsePeriod('PT10M'), { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 10, seconds: 0, millis: 0 });
  assert.deepEqual(parsePeriod('P10M'), { years: 0, months: 10, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0, millis: 0 });
});

test('periods: malformed text is refused', () => {
  for (const bad of ['P', 'PT', 'P1DT', '1D', 'p1d', 'P1.5D', 'PT-1S', 'P1H', 'PT1D', 'P1S', 'P1M1Y', '', 'PXD']) {
    assert.equal(parsePeriod(bad), undefined, bad);
  }
});

test('expressions: R, Rn, R0, empty start, offsets', () => {
  const forever = parseSchedule('R/2014-03-08T20:00:00.000Z/PT2H', '', NOW);
  assert.equal(forever?.recurrences, -1);
  assert.equal(forever?.startMs, t('2014-03-08T20:00:00.000Z'));
  assert.equal(parseSchedule('R10/2012-10-01T05:52:00Z/PT2S', '', NOW)?.recurrences, 10);
  assert.equal(parseSchedule('R0/2012-10-01T05:52:00Z/PT2S', '', NOW)?.recurrences, 0);
  // Empty start: now − 1 s, so due at once.
  assert.equal(parseSchedule('R1//PT24H', '', NOW)?.startMs, NOW - 1000);
  const offset = parseSchedule('R/2014-03-08T20:00:00+01:00/P1D', '', NOW)!;
  assert.equal(offset.startMs, t('2014-03-08T19:00:00Z'));
  assert.equal(formatSchedule(offset), 'R/2014-03-08T20:00:00.000+01:00/P1D');
  // No offset: read in UTC.
  assert.equal(parseSchedule('R/2014-03-08T20:00:00/PT1H', '', NOW)?.startMs, t('2014-03-08T20:00:00Z'));
  // A date alone is midnight.
  assert.equal(parseSchedule('R/2014-03-08/P1D', '', NOW)?.startMs, t('2014-03-08T00:00:00Z'));
});

test('expressions: unparseable ones', () => {
  for (const bad of ['', 'garbage', 'R/2014-03-08T20:00:00Z', 'X/2014-03-08T20:00:00Z/PT1H', 'R1/not-a-date/PT1H', 'R/2014-03-08T20:00:00Z/1H', 'Rx/2014-03-08T20:00:00Z/PT1H', 'R/2014-13-08T20:00:00Z/PT1H']) {
    assert.equal(parseSchedule(bad, '', NOW), undefined, bad);
  }
});

test('printing: Joda dateTime format with millis and Z or ±hh:mm', () => {
  assert.equal(formatStart(t('2014-03-08T20:00:00Z'), 'UTC'), '2014-03-08T20:00:00.000Z');
  assert.equal(formatStart(t('2014-03-08T20:00:00.507Z'), 'America/Los_Angeles'), '2014-03-08T12:00:00.507-08:00');
  assert.equal(formatStart(t('2014-07-08T20:00:00Z'), 'America/Los_Angeles'), '2014-07-08T13:00:00.000-07:00');
  assert.equal(formatStart(t('2014-07-08T20:00:00Z'), 'Asia/Kolkata'), '2014-07-09T01:30:00.000+05:30');
  // Zero offset prints Z even for a named zone (London in winter).
  assert.equal(formatStart(t('2014-01-08T20:00:00Z'), 'Europe/London'), '2014-01-08T20:00:00.000Z');
  assert.equal(formatSchedule({ recurrences: 3, startMs: t('2014-03-08T20:00:00Z'), zone: 'UTC', period: parsePeriod('PT2H')! }), 'R3/2014-03-08T20:00:00.000Z/PT2H');
});

test('scheduleTimeZone keeps the wall clock and re-reads it in the zone', () => {
  // Chronos's doc example: 18:32 Pacific, hourly.
  const s = parseSchedule('R/2014-10-10T18:32:00Z/PT60M', 'PST', NOW)!;
  assert.equal(s.startMs, t('2014-10-11T01:32:00Z')); // 18:32 PDT = 01:32Z next day
  assert.equal(formatSchedule(s), 'R/2014-10-10T18:32:00.000-07:00/PT60M');
  // Round trip: the printed schedule parses to the same instant with the same zone.
  assert.equal(parseSchedule(formatSchedule(s), 'PST', NOW)!.startMs, s.startMs);
  // Berlin, named zone.
  assert.equal(parseSchedule('R/2024-01-01T02:00:00Z/P1D', 'Europe/Berlin', NOW)!.startMs, t('2024-01-01T01:00:00Z'));
  // Unknown zone: Java answers GMT.
  assert.equal(parseSchedule('R/2024-01-01T02:00:00+05:00/P1D', 'Not/AZone', NOW)!.startMs, t('2024-01-01T02:00:00Z'));
  assert.equal(resolveZone('GMT+2'), 'UTC+2');
  assert.equal(resolveZone('GMT-05:30'), 'UTC-5:30');
  assert.equal(resolveZone('UTC'), 'UTC');
});

test('periods in a zone: days keep the wall clock across DST, hours do not', () => {
  const zone = 'America/New_York';
  // 2024-03-10 is the spring-forward day in New York (02:00 → 03:00).
  const start = parseSchedule('R/2024-03-09T09:00:00Z/P1D', zone, NOW)!;
  const oneDay = addPeriods(start.startMs, zone, start.period, 1);
  assert.equal(formatStart(oneDay, zone), '2024-03-10T09:00:00.000-04:00');
  assert.equal(oneDay - start.startMs, 23 * 3600_000);
  const hours24 = addPeriods(start.startMs, zone, parsePeriod('PT24H')!, 1);
  assert.equal(formatStart(hours24, zone), '2024-03-10T10:00:00.000-04:00');
  // Fall back (2024-11-03): a day is 25 hours.
  const fall = parseSchedule('R/2024-11-02T09:00:00Z/P1D', zone, NOW)!;
  assert.equal(addPeriods(fall.startMs, zone, fall.period, 1) - fall.startMs, 25 * 3600_000);
  // A week across the change keeps 09:00 too.
  assert.equal(formatStart(addPeriods(start.startMs, zone, parsePeriod('P1W')!, 1), zone), '2024-03-16T09:00:00.000-04:00');
  // Europe: last Sunday of March 2024 is the 31st.
  const berlin = parseSchedule('R/2024-03-30T02:30:00Z/P1D', 'Europe/Berlin', NOW)!;
  assert.equal(formatStart(addPeriods(berlin.startMs, 'Europe/Berlin', berlin.period, 2), 'Europe/Berlin'), '2024-04-01T02:30:00.000+02:00');
});

test('periods: months clamp at month ends, years at leap days', () => {
  const jan31 = t('2024-01-31T10:00:00Z');
  assert.equal(formatStart(addPeriods(jan31, 'UTC', parsePeriod('P1M')!, 1), 'UTC'), '2024-02-29T10:00:00.000Z');
  assert.equal(formatStart(addPeriods(jan31, 'UTC', parsePeriod('P1M')!, 2), 'UTC'), '2024-03-31T10:00:00.000Z');
  assert.equal(formatStart(addPeriods(jan31, 'UTC', parsePeriod('P1M')!, 13), 'UTC'), '2025-02-28T10:00:00.000Z');
  const leap = t('2024-02-29T00:00:00Z');
  assert.equal(formatStart(addPeriods(leap, 'UTC', parsePeriod('P1Y')!, 1), 'UTC'), '2025-02-28T00:00:00.000Z');
  assert.equal(formatStart(addPeriods(leap, 'UTC', parsePeriod('P1Y')!, 4), 'UTC'), '2028-02-29T00:00:00.000Z');
  // Combined calendar and time fields.
  assert.equal(formatStart(addPeriods(t('2024-01-01T00:00:00Z'), 'UTC', parsePeriod('P1DT2H30M')!, 2), 'UTC'), '2024-01-03T05:00:00.000Z');
});

test('skips: the smallest k that moves the start strictly past now', () => {
  const s = (text: string, tz = ''): NonNullable<ReturnType<typeof parseSchedule>> => parseSchedule(text, tz, NOW)!;
  assert.equal(periodsToSkip(s('R/2024-01-10T13:00:00Z/PT1H'), NOW), 0); // future
  assert.equal(periodsToSkip(s('R/2024-01-10T12:00:00Z/PT1H'), NOW), 0); // exactly now: not before now
  assert.equal(periodsToSkip(s('R/2024-01-10T11:59:59Z/PT1H'), NOW), 1);
  assert.equal(periodsToSkip(s('R/2024-01-10T11:00:00Z/PT1H'), NOW), 2); // 11:00 + 1h = now, not past it
  assert.equal(periodsToSkip(s('R/2024-01-10T09:30:00Z/PT1H'), NOW), 3);
  assert.equal(periodsToSkip(s('R/2024-01-10T11:59:58Z/PT2S'), NOW), 2);
  assert.equal(periodsToSkip(s('R/2024-01-10T12:00:00Z/PT0S'), NOW + 5), 0); // zero period never moves
  // Months: from Jan 31 2023, P1M: the first start after now (2024-01-10) is 2024-01-31 (k = 12... clamped path).
  const monthly = s('R/2023-01-31T00:00:00Z/P1M');
  const k = periodsToSkip(monthly, NOW);
  assert.equal(formatStart(addPeriods(monthly.startMs, 'UTC', monthly.period, k), 'UTC'), '2024-01-31T00:00:00.000Z');
  assert.ok(addPeriods(monthly.startMs, 'UTC', monthly.period, k - 1) <= NOW);
  // Years, long ago.
  const yearly = s('R/1990-06-15T00:00:00Z/P1Y');
  assert.equal(formatStart(addPeriods(yearly.startMs, 'UTC', yearly.period, periodsToSkip(yearly, NOW)), 'UTC'), '2024-06-15T00:00:00.000Z');
  // Days in a DST zone, many periods behind.
  const daily = s('R/2023-03-01T08:00:00Z/P1D', 'America/New_York');
  const dk = periodsToSkip(daily, NOW);
  assert.equal(formatStart(addPeriods(daily.startMs, 'America/New_York', daily.period, dk), 'America/New_York'), '2024-01-10T08:00:00.000-05:00'); // 13:00Z, the first slot after 12:00Z
});

test('due: enabled, recurrences left, start strictly before now', () => {
  const job = (schedule: string, disabled = false): { name: string; schedule: string; scheduleTimeZone: string; disabled: boolean } => ({
    name: 'j',
    schedule,
    scheduleTimeZone: '',
    disabled,
  });
  assert.equal(isDue(job('R/2024-01-10T11:00:00Z/PT1H'), NOW), true);
  assert.equal(isDue(job('R/2024-01-10T12:00:00Z/PT1H'), NOW), false);
  assert.equal(isDue(job('R/2024-01-10T13:00:00Z/PT1H'), NOW), false);
  assert.equal(isDue(job('R5/2024-01-10T11:00:00Z/PT1H'), NOW), true);
  assert.equal(isDue(job('R0/2024-01-10T11:00:00Z/PT1H'), NOW), false);
  assert.equal(isDue(job('R/2024-01-10T11:00:00Z/PT1H', true), NOW), false);
  assert.equal(isDue(job('R1//PT24H'), NOW), true);
  assert.equal(isDue(job('garbage'), NOW), false);
});

test('planTick: due jobs in start order, sleep until the next, capped at 60 s', () => {
  const jobs = [
    { name: 'b', schedule: 'R/2024-01-10T11:00:00Z/PT1H', scheduleTimeZone: '', disabled: false },
    { name: 'a', schedule: 'R/2024-01-10T10:00:00Z/PT1H', scheduleTimeZone: '', disabled: false },
    { name: 'later', schedule: 'R/2024-01-10T12:00:30Z/PT1H', scheduleTimeZone: '', disabled: false },
    { name: 'off', schedule: 'R/2024-01-10T12:00:01Z/PT1H', scheduleTimeZone: '', disabled: true },
    { name: 'done', schedule: 'R0/2024-01-10T12:00:02Z/PT1H', scheduleTimeZone: '', disabled: false },
  ];
  assert.deepEqual(planTick(jobs, NOW), { due: ['a', 'b'], sleepMs: 30_000 });
  assert.deepEqual(planTick([{ name: 'far', schedule: 'R/2024-02-01T00:00:00Z/P1D', scheduleTimeZone: '', disabled: false }], NOW), { due: [], sleepMs: 60_000 });
  assert.deepEqual(planTick([], NOW), { due: [], sleepMs: 60_000 });
  // A start equal to now is due a millisecond later.
  assert.deepEqual(planTick([{ name: 'x', schedule: 'R/2024-01-10T12:00:00Z/PT1H', scheduleTimeZone: '', disabled: false }], NOW), { due: [], sleepMs: 1 });
});

test('advance at launch: R stays R, Rn → Rn−1 however many periods were missed', () => {
  // On time: one period forward.
  assert.equal(advanceAtLaunch('R/2024-01-10T11:59:59.000Z/PT2S', '', NOW), 'R/2024-01-10T12:00:01.000Z/PT2S');
  assert.equal(advanceAtLaunch('R5/2024-01-10T11:59:59.000Z/PT2S', '', NOW), 'R4/2024-01-10T12:00:01.000Z/PT2S');
  // Missed many (scheduler down 3 h): one catch-up run, then the next future slot; count drops by one only.
  assert.equal(advanceAtLaunch('R10/2024-01-10T09:00:00.000Z/PT1H', '', NOW), 'R9/2024-01-10T13:00:00.000Z/PT1H');
  assert.equal(advanceAtLaunch('R/2024-01-01T02:00:00.000Z/P1D', '', NOW), 'R/2024-01-11T02:00:00.000Z/P1D');
  // Manual run while the start is in the future: start kept, count still drops.
  assert.equal(advanceAtLaunch('R3/2024-01-10T15:00:00.000Z/PT1H', '', NOW), 'R2/2024-01-10T15:00:00.000Z/PT1H');
  assert.equal(advanceAtLaunch('R/2024-01-10T15:00:00.000Z/PT1H', '', NOW), 'R/2024-01-10T15:00:00.000Z/PT1H');
  // Empty start (run once now): becomes now − 1 s + period.
  assert.equal(advanceAtLaunch('R1//PT24H', '', NOW), 'R0/2024-01-11T11:59:59.000Z/PT24H');
  // In a zone: printed with the zone's offset, wall clock kept across DST.
  assert.equal(
    advanceAtLaunch('R/2024-03-09T04:00:00.000-05:00/P1D', 'America/New_York', t('2024-03-10T12:00:00Z')),
    'R/2024-03-11T04:00:00.000-04:00/P1D',
  );
  assert.equal(advanceAtLaunch('garbage', '', NOW), undefined);
});

test('a job every 2 s over a simulated minute: due, launch, advance — never two runs for one slot', () => {
  let schedule = 'R/2024-01-10T12:00:00.000Z/PT2S';
  const runs: number[] = [];
  for (let now = NOW; now <= NOW + 60_000; now += 250) {
    const job = { name: 'j', schedule, scheduleTimeZone: '', disabled: false };
    if (isDue(job, now)) {
      runs.push(now);
      schedule = advanceAtLaunch(schedule, '', now)!;
    }
  }
  // Slots at +0 (due a tick later), +2 s, …: 30 runs in 60 s, each ≥ 2 s apart.
  assert.equal(runs.length, 30);
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]! - runs[i - 1]! >= 2000);
});

test('R3 runs three times then is exhausted', () => {
  let schedule = 'R3/2024-01-10T11:59:00.000Z/PT1M';
  let runs = 0;
  for (let now = NOW; now <= NOW + 10 * 60_000; now += 1000) {
    const job = { name: 'j', schedule, scheduleTimeZone: '', disabled: false };
    if (isDue(job, now)) {
      runs++;
      schedule = advanceAtLaunch(schedule, '', now)!;
    }
  }
  assert.equal(runs, 3);
  assert.equal(isExhausted(schedule, '', NOW), true);
  assert.equal(nextRunMs({ name: 'j', schedule, scheduleTimeZone: '', disabled: false }, NOW), undefined);
  assert.equal(isExhausted('R0//PT1S', '', NOW), true);
  assert.equal(isExhausted('R//PT1S', '', NOW), false);
});

test('nextRunMs: the stored start of an enabled job', () => {
  assert.equal(nextRunMs({ name: 'j', schedule: 'R/2024-01-10T15:00:00Z/PT1H', scheduleTimeZone: '', disabled: false }, NOW), t('2024-01-10T15:00:00Z'));
  assert.equal(nextRunMs({ name: 'j', schedule: 'R/2024-01-10T15:00:00Z/PT1H', scheduleTimeZone: '', disabled: true }, NOW), undefined);
});

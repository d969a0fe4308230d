/** The Chronos UI's next-run display: stored start ahead / due / exhausted / dependent, coming runs, period words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePeriod, describeRepeats, firstAfter, nextRun, parseSchedule, upcomingRuns, zoneFor } from '../../../src/webui/src/chronos/next-run.js';

const NOW = Date.parse('2024-03-09T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

describe('Chronos next run', () => {
  it('a start ahead is the next run; a start behind is due now', () => {
    assert.deepEqual(nextRun({ schedule: 'R/2024-03-10T00:00:00.000Z/PT2H' }, NOW), { kind: 'at', atMs: Date.parse('2024-03-10T00:00:00Z') });
    assert.deepEqual(nextRun({ schedule: 'R5/2024-03-01T00:00:00Z/P1D' }, NOW), { kind: 'due', sinceMs: Date.parse('2024-03-01T00:00:00Z') });
  });

  it('disabled, R0, unreadable and dependent jobs', () => {
    assert.deepEqual(nextRun({ schedule: 'R/2030-01-01T00:00:00Z/PT1H', disabled: true }, NOW), { kind: 'none', reason: 'disabled' });
    assert.deepEqual(nextRun({ schedule: 'R0/2030-01-01T00:00:00Z/PT1H' }, NOW), { kind: 'none', reason: 'exhausted' });
    assert.deepEqual(nextRun({ schedule: 'every day' }, NOW), { kind: 'none', reason: 'invalid' });
    assert.deepEqual(nextRun({ schedule: 'R/2030-01-01T00:00:00Z/PXX' }, NOW), { kind: 'none', reason: 'invalid' });
    assert.deepEqual(nextRun({ parents: ['a', 'b'] }, NOW), { kind: 'after-parents', parents: ['a', 'b'] });
  });

  it('a start without an offset is UTC; scheduleTimeZone re-reads its wall clock there', () => {
    assert.equal(parseSchedule('R/2024-03-10T08:00:00/P1D', '', NOW)!.startMs, Date.parse('2024-03-10T08:00:00Z'));
    assert.equal(parseSchedule('R/2024-03-10T08:00:00Z/P1D', 'America/New_York', NOW)!.startMs, Date.parse('2024-03-10T12:00:00Z'));
    assert.equal(parseSchedule('R/2024-03-10T08:00:00Z/P1D', 'GMT+2', NOW)!.startMs, Date.parse('2024-03-10T06:00:00Z'));
    assert.equal(zoneFor('Not/AZone'), 'UTC');
    // An empty start: now − 1 s (due at once).
    assert.deepEqual(nextRun({ schedule: 'R1//PT24H' }, NOW), { kind: 'due', sinceMs: NOW - 1000 });
  });

  it('coming runs: from a start ahead, Rn counts them', () => {
    const runs = upcomingRuns({ schedule: 'R3/2024-03-09T13:00:00Z/PT30M' }, NOW, 5).map(iso);
    assert.deepEqual(runs, ['2024-03-09T13:00:00.000Z', '2024-03-09T13:30:00.000Z', '2024-03-09T14:00:00.000Z']);
  });

  it('coming runs: a due start runs now, then the schedule jumps past now with one recurrence used', () => {
    const runs = upcomingRuns({ schedule: 'R3/2024-03-01T00:00:00Z/P1D' }, NOW, 5).map(iso);
    assert.deepEqual(runs, ['2024-03-10T00:00:00.000Z', '2024-03-11T00:00:00.000Z']);
    assert.deepEqual(upcomingRuns({ schedule: 'R1/2024-03-01T00:00:00Z/P1D' }, NOW, 5), []);
    assert.equal(upcomingRuns({ schedule: 'R/2023-03-09T12:00:00Z/PT1S' }, NOW, 3).length, 3, 'a year of seconds behind is not walked one by one');
  });

  it('days keep the wall clock across DST in the job zone', () => {
    const runs = upcomingRuns({ schedule: 'R/2024-03-09T02:30:00Z/P1D', scheduleTimeZone: 'America/Los_Angeles' }, Date.parse('2024-03-09T00:00:00Z'), 3);
    // 02:30 local: PST (−8) before 10 March, PDT (−7) after; 10 March 02:30 does not exist and moves to 03:30 PDT.
    assert.deepEqual(runs.map(iso), ['2024-03-09T10:30:00.000Z', '2024-03-10T10:30:00.000Z', '2024-03-11T09:30:00.000Z']);
  });

  it('firstAfter finds the first occurrence strictly after now for months', () => {
    const s = parseSchedule('R/2024-01-31T00:00:00Z/P1M', '', NOW)!;
    assert.equal(firstAfter(s, NOW), 2);
  });

  it('periods and repeats in words', () => {
    assert.equal(describePeriod('PT2H'), 'every 2 hours');
    assert.equal(describePeriod('P1D'), 'every day');
    assert.equal(describePeriod('PT30S'), 'every 30 seconds');
    assert.equal(describePeriod('P1DT12H'), 'every 1 day 12 hours');
    assert.equal(describeRepeats('R/x/P1D'), 'forever');
    assert.equal(describeRepeats('R1/x/P1D'), 'once');
    assert.equal(describeRepeats('R7/x/P1D'), '7 more runs');
  });
});

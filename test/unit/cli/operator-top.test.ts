import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cpuPercent, renderTopTable, topRows, type AgentSample } from '../../../src/cli/operator/cpu-usage.js';
import type { MonitorEntry } from '../../../src/cli/operator/classic-json.js';
import { AGENT_1, FW_A, MASTER_STATE } from './operator-fixture.js';

function entry(executor: string, timestamp: number, user: number, system: number, extra: Partial<MonitorEntry['statistics']> = {}): MonitorEntry {
  return {
    framework_id: FW_A,
    executor_id: executor,
    statistics: { timestamp, cpus_user_time_secs: user, cpus_system_time_secs: system, ...extra },
  };
}

test('cpu%: 100 × Δ(user+system) ÷ Δtimestamp', () => {
  // 0.3 s user + 0.2 s system over 2 s of wall time: a quarter of one core.
  assert.equal(cpuPercent(entry('e', 100, 1, 1), entry('e', 102, 1.3, 1.2)), 25);
  // Two cores flat out for a second.
  assert.equal(cpuPercent(entry('e', 10, 0, 0), entry('e', 11, 1.5, 0.5)), 200);
  assert.equal(cpuPercent(entry('e', 10, 5, 5), entry('e', 11, 5, 5)), 0);
});

test('cpu%: unknown without a previous sample, without time passing, or when counters go back', () => {
  assert.equal(cpuPercent(undefined, entry('e', 1, 1, 1)), undefined);
  assert.equal(cpuPercent(entry('e', 5, 1, 1), entry('e', 5, 2, 2)), undefined);
  assert.equal(cpuPercent(entry('e', 5, 3, 3), entry('e', 6, 0.1, 0)), undefined);
  const noCpu: MonitorEntry = { framework_id: FW_A, executor_id: 'e', statistics: { timestamp: 6 } };
  assert.equal(cpuPercent(entry('e', 5, 1, 1), noCpu), undefined);
});

test('cpu%: never negative, and equal to the busy share for any interval (property)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.double({ min: 0.001, max: 3600, noNaN: true }),
      fc.double({ min: 0, max: 64, noNaN: true }),
      (t0, dt, cores) => {
        const before = entry('e', t0, 10, 5);
        const after = entry('e', t0 + dt, 10 + cores * dt, 5);
        const pct = cpuPercent(before, after);
        if (pct === undefined) return (t0 + dt) - t0 <= 0;
        return pct >= 0 && Math.abs(pct - cores * 100) < 1e-6 * Math.max(1, cores * 100) + 1e-3;
      },
    ),
  );
});

test('top rows: joined with task and framework names, sorted by cpu% then executor', () => {
  const before: AgentSample[] = [{ agentId: AGENT_1, hostname: 'host-a', entries: [entry('web.1', 100, 1, 0), entry('custom-ex', 100, 0, 0)] }];
  const after: AgentSample[] = [
    {
      agentId: AGENT_1,
      hostname: 'host-a',
      entries: [
        entry('web.1', 102, 1.1, 0.1, { cpus_limit: 0.6, mem_rss_bytes: 64 * 1024 * 1024, mem_limit_bytes: 128 * 1024 * 1024 }),
        entry('custom-ex', 102, 1, 0),
        entry('new-ex', 102, 9, 9),
      ],
    },
  ];
  const rows = topRows(before, after, MASTER_STATE);
  assert.deepEqual(
    rows.map((r) => [r.executor_id, r.tasks, r.framework_name, r.cpu_percent]),
    [
      ['custom-ex', ['job'], 'marathon', 50],
      ['web.1', ['web'], 'marathon', 10.000000000000009],
      ['new-ex', [], 'marathon', null],
    ],
  );
  const text = renderTopTable(rows);
  assert.match(text.split('\n')[0]!, /^EXECUTOR\s+TASKS\s+FRAMEWORK\s+AGENT\s+CPU%\s+CPUS\s+MEM\s+MEM LIMIT\s+MEM%$/);
  assert.match(text, /web\.1\s+web\s+marathon\s+host-a\s+10\.0%\s+0\.6\s+64MB\s+128MB\s+50\.0%\n/);
  assert.match(text, /new-ex\s+-\s+marathon\s+host-a\s+-\s+-\s+-\s+-\s+-\n/);
});

test('top rows: one sample only gives unknown cpu%', () => {
  const rows = topRows(undefined, [{ agentId: AGENT_1, hostname: 'host-a', entries: [entry('web.1', 1, 1, 1)] }], MASTER_STATE);
  assert.equal(rows[0]!.cpu_percent, null);
});

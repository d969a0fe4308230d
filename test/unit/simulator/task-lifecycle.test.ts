import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lifecycleStep, taskDurationMs } from '../../../src/simulator/task-lifecycle.js';
import type { TaskInfo } from '../../../src/mesos/types.js';

const task = (labels?: Array<{ key: string; value?: string }>): TaskInfo => ({
  name: 't',
  task_id: { value: 't' },
  agent_id: { value: 'a' },
  ...(labels ? { labels: { labels } } : {}),
});

describe('task lifecycle', () => {
  it('reads the duration label in seconds, then sim_duration, else the default', () => {
    assert.equal(taskDurationMs(task(), 10_000), 10_000);
    assert.equal(taskDurationMs(task([{ key: 'duration', value: '2.5' }]), 10_000), 2500);
    assert.equal(taskDurationMs(task([{ key: 'sim_duration', value: '0' }]), 10_000), 0);
    assert.equal(taskDurationMs(task([{ key: 'sim_duration', value: '3' }, { key: 'duration', value: '1' }]), 10_000), 1000);
  });

  it('ignores labels that are not non-negative numbers', () => {
    for (const value of ['', 'ten', '-1', 'NaN', 'Infinity', undefined]) {
      assert.equal(taskDurationMs(task([{ key: 'duration', value }]), 7000), 7000, String(value));
    }
  });

  it('walks STARTING → RUNNING → FINISHED, the run time counted from RUNNING', () => {
    const timing = { startingDelayMs: 5, runningDelayMs: 20 };
    assert.deepEqual(lifecycleStep(0, 1000, 10_000, timing), { state: 'TASK_STARTING', at: 1005 });
    assert.deepEqual(lifecycleStep(1, 1000, 10_000, timing), { state: 'TASK_RUNNING', at: 1025 });
    assert.deepEqual(lifecycleStep(2, 1000, 10_000, timing), { state: 'TASK_FINISHED', at: 11_025, message: 'Command exited with status 0' });
    assert.equal(lifecycleStep(3, 1000, 10_000, timing), undefined);
  });

  it('by default starts and runs at launch time', () => {
    assert.equal(lifecycleStep(0, 500, 100)!.at, 500);
    assert.equal(lifecycleStep(1, 500, 100)!.at, 500);
    assert.equal(lifecycleStep(2, 500, 100)!.at, 600);
  });
});

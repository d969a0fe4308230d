/** Views over a /master/state document: resource rows, task rows, filters, sandbox paths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  agentCounts, filterTasks, pollIntervalMs, resourceRows, sandboxPath, taskRows, taskStateCounts,
} from '../../../src/webui/src/master/cluster-model.js';
import { STATE } from './state-fixture.js';

describe('cluster model', () => {
  it('resource rows come from the metrics, idle = total − used − offered', () => {
    const rows = resourceRows({ 'master/cpus_total': 4, 'master/cpus_used': 1, 'master/cpus_offered': 2.5, 'master/mem_total': 100 }, STATE);
    assert.deepEqual(rows[0], { name: 'cpus', total: 4, used: 1, offered: 2.5, idle: 0.5 });
    // mem_used and mem_offered missing from the metrics: summed from the agents.
    assert.deepEqual(rows[1], { name: 'mem', total: 100, used: 96, offered: 0, idle: 4 });
  });

  it('without metrics, resources and agent counts come from the state', () => {
    const rows = resourceRows(undefined, STATE);
    assert.equal(rows[0]!.total, 3);
    assert.equal(rows[0]!.used, 0.6);
    assert.deepEqual(agentCounts(undefined, STATE), { active: 2, inactive: 0, unreachable: 0 });
    assert.deepEqual(agentCounts({ 'master/slaves_active': 1, 'master/slaves_inactive': 1, 'master/slaves_unreachable': 3 }, STATE), { active: 1, inactive: 1, unreachable: 3 });
    assert.equal(taskStateCounts({ 'master/tasks_running': 7 }).find((t) => t.state === 'TASK_RUNNING')!.count, 7);
  });

  it('task rows: active first (newest first), then completed; joined to framework and agent', () => {
    const rows = taskRows(STATE);
    assert.deepEqual(rows.map((r) => [r.task.id, r.active]), [
      ['web-2', true],
      ['web-1', true],
      ['lost-1', true],
      ['done-1', false],
      ['old-1', false],
    ]);
    assert.equal(rows[0]!.agent?.hostname, 'a2.example');
    assert.equal(rows[0]!.framework.name, 'marathon');
  });

  it('filters by text, state, framework and agent', () => {
    const rows = taskRows(STATE);
    const ids = (f: Partial<Parameters<typeof filterTasks>[1]>): string[] =>
      filterTasks(rows, { text: '', state: '', frameworkId: '', agentId: '', ...f }).map((r) => r.task.id);
    assert.deepEqual(ids({ text: 'WEB' }), ['web-2', 'web-1']);
    assert.deepEqual(ids({ state: 'TASK_FINISHED' }), ['done-1']);
    assert.deepEqual(ids({ state: 'completed' }), ['done-1', 'old-1']);
    assert.deepEqual(ids({ state: 'active', agentId: 'S1' }), ['web-1', 'lost-1']);
    assert.deepEqual(ids({ frameworkId: 'F2' }), ['old-1']);
  });

  it('sandbox paths use the task id for command tasks', () => {
    assert.equal(sandboxPath({ framework_id: 'F1', executor_id: '', id: 't1' }), '/frameworks/F1/executors/t1/runs/latest');
    assert.equal(sandboxPath({ framework_id: 'F1', executor_id: 'ex', id: 't1' }), '/frameworks/F1/executors/ex/runs/latest');
  });

  it('polls more slowly as the cluster grows, within 2–30 s', () => {
    assert.equal(pollIntervalMs(1), 2000);
    assert.equal(pollIntervalMs(1000), 12_000);
    assert.equal(pollIntervalMs(50_000), 30_000);
  });
});

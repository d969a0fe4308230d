/**
 * The master's task record (src/master/task.ts) keeps less than the launch and
 * the agent's updates carry, and shares what repeats — but what it reports must
 * be the same: the v1 `Task` (GET_TASKS, GET_STATE) and the classic JSON of
 * `/master/state` are compared here with what the unshared inputs say.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MasterTask } from '../../../src/master/task.js';
import { taskJson } from '../../../src/master/http/state-json.js';
import { v1Task } from '../../../src/master/http/v1-json.js';
import type { Resource, TaskInfo, TaskStatus } from '../../../src/mesos/types.js';

const AGENT = 'b6f2c1de-0001-S7';
const FW = 'b6f2c1de-0001-0003';
const RESOURCES: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*', allocation_info: { role: '*' } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*', allocation_info: { role: '*' } },
];

/** A launch as a scheduler sends it (wire JSON, parsed: nothing shared). */
function launched(): TaskInfo {
  return JSON.parse(
    JSON.stringify({
      name: 'web-1',
      task_id: { value: 'web.1' },
      agent_id: { value: AGENT },
      resources: RESOURCES,
      command: { value: 'sleep 10', user: 'nobody' },
      data: 'aGVsbG8=',
      labels: { labels: [{ key: 'tier', value: 'front' }] },
      health_check: { type: 'COMMAND', command: { value: 'true' } },
      kill_policy: { grace_period: { nanoseconds: 3e9 } },
    }),
  ) as TaskInfo;
}

/** An agent's update as parsed from its STATUS_UPDATE call. */
function update(state: TaskStatus['state'], timestamp: number, uuid: string, extra: Partial<TaskStatus> = {}): TaskStatus {
  return JSON.parse(
    JSON.stringify({
      task_id: { value: 'web.1' },
      state,
      source: 'SOURCE_EXECUTOR',
      agent_id: { value: AGENT },
      executor_id: { value: 'web.1' },
      timestamp,
      uuid,
      ...extra,
    }),
  ) as TaskStatus;
}

function recordAll(task: MasterTask, statuses: TaskStatus[]): void {
  for (const s of statuses) task.record(s);
}

describe('MasterTask', () => {
  it('reports the same v1 Task and classic JSON as its unshared inputs', () => {
    const updates = [
      update('TASK_STARTING', 1700000000.5, 'dXVpZC0x'),
      update('TASK_RUNNING', 1700000001.25, 'dXVpZC0y', { healthy: true, container_status: { executor_pid: 42 } }),
      update('TASK_FAILED', 1700000002, 'dXVpZC0z', { reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1' }),
    ];
    const expected = JSON.parse(JSON.stringify(updates)) as TaskStatus[];
    const task = new MasterTask(launched(), FW, AGENT, '', '*', RESOURCES, 'nobody');
    recordAll(task, updates);
    task.statusUpdateState = 'TASK_FAILED';
    task.statusUpdateUuid = 'dXVpZC0z';

    assert.deepEqual(JSON.parse(JSON.stringify(v1Task(task))), {
      name: 'web-1',
      task_id: { value: 'web.1' },
      framework_id: { value: FW },
      agent_id: { value: AGENT },
      state: 'TASK_FAILED',
      resources: RESOURCES,
      statuses: expected,
      status_update_state: 'TASK_FAILED',
      status_update_uuid: 'dXVpZC0z',
      labels: { labels: [{ key: 'tier', value: 'front' }] },
      health_check: { type: 'COMMAND', command: { value: 'true' } },
      kill_policy: { grace_period: { nanoseconds: 3e9 } },
      user: 'nobody',
    });
    // Key order too: the wire JSON is byte-for-byte what it was.
    assert.equal(JSON.stringify(task.statuses), JSON.stringify(expected));
    const classic = taskJson(task);
    assert.deepEqual(classic.statuses, [
      { state: 'TASK_STARTING', timestamp: 1700000000.5 },
      { state: 'TASK_RUNNING', timestamp: 1700000001.25, healthy: true, container_status: { executor_pid: 42 } },
      { state: 'TASK_FAILED', timestamp: 1700000002 },
    ]);
    assert.equal(classic.name, 'web-1');
    assert.deepEqual(classic.labels, [{ key: 'tier', value: 'front' }]);
  });

  it('keeps only the reported TaskInfo fields (no command, resources copy or data)', () => {
    const task = new MasterTask(launched(), FW, AGENT, '', '*', RESOURCES, undefined);
    assert.deepEqual(Object.keys(task.info).sort(), ['health_check', 'kill_policy', 'labels', 'name', 'task_id']);
  });

  it('shares repeated ids and enum strings between statuses', () => {
    const task = new MasterTask(launched(), FW, AGENT, '', '*', RESOURCES, undefined);
    recordAll(task, [update('TASK_STARTING', 1, 'a'), update('TASK_RUNNING', 2, 'b')]);
    const [starting, running] = task.statuses;
    assert.equal(starting!.task_id, task.info.task_id);
    assert.equal(running!.task_id, task.info.task_id);
    assert.equal(running!.agent_id, starting!.agent_id);
    assert.equal(running!.executor_id, task.info.task_id, 'a command task: executor id = task id');
    assert.equal(task.state, 'TASK_RUNNING');
    assert.equal(task.latestStatus, running);
  });

  it('keeps a custom executor id and a different agent id as reported', () => {
    const task = new MasterTask(launched(), FW, AGENT, 'exec-A', '*', RESOURCES, undefined);
    task.record(update('TASK_RUNNING', 1, 'a', { executor_id: { value: 'exec-A' }, agent_id: { value: 'other-S1' } }));
    task.record(update('TASK_FINISHED', 2, 'b', { executor_id: { value: 'exec-A' } }));
    assert.deepEqual(task.statuses[0]!.executor_id, { value: 'exec-A' });
    assert.equal(task.statuses[1]!.executor_id, task.statuses[0]!.executor_id);
    assert.deepEqual(task.statuses[0]!.agent_id, { value: 'other-S1' });
    assert.deepEqual(task.statuses[1]!.agent_id, { value: AGENT });
  });

  it('bounds the history at 32: the first status and the latest 31, each list exactly as long', () => {
    const task = new MasterTask(launched(), FW, AGENT, '', '*', RESOURCES, undefined);
    for (let i = 0; i < 40; i++) task.record(update(i === 0 ? 'TASK_STARTING' : 'TASK_RUNNING', i, `u${i}`));
    assert.equal(task.statuses.length, 32);
    assert.deepEqual(
      task.statuses.map((s) => s.timestamp),
      [0, ...Array.from({ length: 31 }, (_, i) => i + 9)],
    );
  });

  it('records a status of a launch rejected without a task id', () => {
    const info = { name: 'x' } as unknown as TaskInfo;
    const task = new MasterTask(info, FW, AGENT, '', '*', [], undefined);
    task.record({ task_id: { value: '' }, state: 'TASK_ERROR', source: 'SOURCE_MASTER', reason: 'REASON_TASK_INVALID', timestamp: 1 });
    assert.equal(task.state, 'TASK_ERROR');
  });
});

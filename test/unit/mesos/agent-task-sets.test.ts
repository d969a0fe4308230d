import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentTask, ReregisterInfo } from '../../../src/mesos/agent-protocol.js';
import { forEachReportedTask, packAgentTasks, reportedTaskCount, reportedTasks } from '../../../src/mesos/agent-task-sets.js';
import type { Resource } from '../../../src/mesos/types.js';

const cpus = (value: number): Resource[] => [{ name: 'cpus', type: 'SCALAR', scalar: { value }, role: '*', allocation_info: { role: '*' } }];
const task = (id: string, framework: string, resources: Resource[], extra: Partial<AgentTask> = {}): AgentTask => ({
  name: id,
  task_id: { value: id },
  framework_id: { value: framework },
  state: 'TASK_RUNNING',
  resources,
  ...extra,
});
const body = (tasks: AgentTask[], sets = packAgentTasks([])): ReregisterInfo => ({
  agent_info: { id: { value: 'S1' }, hostname: 'h' },
  version: '1.11.0',
  pid: 'slave(1)@h:5051',
  frameworks: [],
  executors: [],
  tasks,
  task_sets: sets,
});

describe('task sets of a reregistration', () => {
  it('puts the tasks of one framework with equal resources (equal JSON, not the same list) in one set, in first-seen order', () => {
    const sets = packAgentTasks([
      task('a1', 'F1', cpus(0.1)),
      task('b1', 'F1', cpus(0.5)),
      task('a2', 'F1', cpus(0.1)),
      task('c1', 'F2', cpus(0.1)),
      task('b2', 'F1', cpus(0.5)),
      task('a3', 'F1', cpus(0.1)),
    ]);
    assert.deepEqual(
      sets.map((s) => [s.framework_id.value, s.resources[0]!.scalar!.value, s.tasks.map((t) => t.task_id.value)]),
      [
        ['F1', 0.1, ['a1', 'a2', 'a3']],
        ['F1', 0.5, ['b1', 'b2']],
        ['F2', 0.1, ['c1']],
      ],
    );
  });

  it('puts consecutive tasks whose resources differ only in the order of their keys in one set, and tells apart ones that differ in a value', () => {
    const reordered: Resource[] = [{ allocation_info: { role: '*' }, role: '*', scalar: { value: 0.1 }, type: 'SCALAR', name: 'cpus' }];
    const sets = packAgentTasks([
      task('a1', 'F1', cpus(0.1)),
      task('a2', 'F1', reordered),
      task('a3', 'F1', [{ ...cpus(0.1)[0]!, allocation_info: { role: 'web' } }]),
      task('a4', 'F1', cpus(0.1)),
    ]);
    assert.deepEqual(
      sets.map((s) => [s.resources[0]!.allocation_info?.role, s.tasks.map((t) => t.task_id.value)]),
      [
        ['*', ['a1', 'a2', 'a4']],
        ['web', ['a3']],
      ],
    );
  });

  it('finds a task its set among more sets than it compares in place: interleaved frameworks and sizes', () => {
    const tasks: AgentTask[] = [];
    for (let round = 1; round <= 3; round++) {
      for (let f = 1; f <= 6; f++) {
        for (const size of [0.1, 0.2]) tasks.push(task(`F${f}-${size}-${round}`, `F${f}`, cpus(size)));
      }
    }
    const sets = packAgentTasks(tasks);
    assert.equal(sets.length, 12);
    for (const set of sets) {
      const size = set.resources[0]!.scalar!.value;
      assert.deepEqual(
        set.tasks.map((t) => t.task_id.value),
        [1, 2, 3].map((round) => `${set.framework_id.value}-${size}-${round}`),
      );
    }
    assert.deepEqual(
      sets.map((s) => s.tasks[0]!.task_id.value),
      tasks.slice(0, 12).map((t) => t.task_id.value),
    );
  });

  it('leaves the framework id and resources to the set and keeps every other field of a task', () => {
    const status = { task_id: { value: 't' }, state: 'TASK_RUNNING' as const, uuid: 'dXVpZA==' };
    const labels = { labels: [{ key: 'k', value: 'v' }] };
    const [set] = packAgentTasks([task('t', 'F1', cpus(1), { executor_id: { value: 'e' }, statuses: [status], user: 'nobody', labels })]);
    assert.deepEqual(set!.tasks, [{ name: 't', task_id: { value: 't' }, state: 'TASK_RUNNING', labels, executor_id: { value: 'e' }, statuses: [status], user: 'nobody' }]);
    assert.equal(JSON.stringify(set!.tasks[0]).includes('framework_id'), false);
  });

  it('gives back every task, those sent one by one first, with its set’s framework id and resources', () => {
    const original = [task('a', 'F1', cpus(0.1)), task('b', 'F2', cpus(0.2), { state: 'TASK_STAGING' }), task('c', 'F1', cpus(0.1))];
    const loose = task('z', 'F3', cpus(2));
    const reregister = JSON.parse(JSON.stringify(body([loose], packAgentTasks(original)))) as ReregisterInfo;
    assert.equal(reportedTaskCount(reregister), 4);
    assert.deepEqual(reportedTasks(reregister), [loose, original[0], original[2], original[1]]);
    const lists = new Set<Resource[]>();
    forEachReportedTask(reregister, (_task, _framework, resources) => lists.add(resources));
    assert.equal(lists.size, 3, 'a set’s tasks are visited with its one resource list');
  });

  it('reads a reregistration without task sets (an agent that sends its tasks one by one)', () => {
    const reregister = body([task('a', 'F1', [])]);
    delete reregister.task_sets;
    assert.equal(reportedTaskCount(reregister), 1);
    assert.deepEqual(reportedTasks(reregister), [task('a', 'F1', [])]);
    assert.deepEqual(packAgentTasks([]), []);
  });
});

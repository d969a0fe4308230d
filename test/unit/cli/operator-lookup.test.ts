import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allTasks } from '../../../src/cli/operator/task-rows.js';
import { requireTask, resolveTask } from '../../../src/cli/operator/task-resolve.js';
import { locateSandbox } from '../../../src/cli/operator/sandbox-locate.js';
import { agentEndpoint, masterEndpoint, resolveMasterEndpoint } from '../../../src/cli/operator/cluster-client.js';
import { OperatorError } from '../../../src/cli/operator/operator-error.js';
import { AGENT_STATE, FW_A, FW_B, MASTER_STATE } from './operator-fixture.js';

const rows = allTasks(MASTER_STATE);

function operatorError(fn: () => unknown): OperatorError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof OperatorError, String(error));
    return error;
  }
  assert.fail('expected an OperatorError');
}

test('resolve: a unique id, then a unique name; completed tasks count', () => {
  assert.equal(requireTask(rows, 'job-1').name, 'job');
  assert.equal(requireTask(rows, 'nightly').framework_id, FW_B);
  assert.equal(requireTask(rows, 'hello').state, 'TASK_FINISHED');
});

test('resolve: an id matches before a name', () => {
  // 'web.0' is an id; no task is named so, but ids win even when a name matches.
  const state = structuredClone(MASTER_STATE);
  state.frameworks![0]!.tasks![1]!.name = 'web.0';
  const found = resolveTask(allTasks(state), 'web.0');
  assert.equal(found.kind, 'found');
  assert.equal(found.kind === 'found' && found.task.id, 'web.0');
});

test('resolve: a name two tasks share, or an id in two frameworks, is ambiguous and lists both', () => {
  const byName = operatorError(() => requireTask(rows, 'web'));
  assert.equal(byName.code, 'TASK_AMBIGUOUS');
  assert.match(byName.message, /^'web' matches 2 tasks/);
  assert.match(byName.message, /\n  web\.0  FAILED  framework marathon \(f0-0000\)/);
  assert.match(byName.message, /\n  web\.1  RUNNING  framework marathon \(f0-0000\)/);
  const byId = operatorError(() => requireTask(rows, 'web.1'));
  assert.equal(byId.code, 'TASK_AMBIGUOUS');
  assert.match(byId.message, /chronos \(f0-0001\)/);
});

test('resolve: unknown → TASK_NOT_FOUND', () => {
  const error = operatorError(() => requireTask(rows, 'nope'));
  assert.equal(error.code, 'TASK_NOT_FOUND');
  assert.equal(error.message, "No task with id or name 'nope' (see 'meseta tasks --all')");
});

test('sandbox: a command task is in its executor directory', () => {
  assert.deepEqual(locateSandbox(AGENT_STATE, FW_A, 'web.1'), {
    directory: '/w/slaves/a1-S0/frameworks/f0-0000/executors/web.1/runs/c2',
    executorId: 'web.1',
    state: 'TASK_RUNNING',
    terminal: false,
  });
});

test('sandbox: a default executor task is under tasks/<id>', () => {
  assert.equal(locateSandbox(AGENT_STATE, FW_A, 'job-1')?.directory, '/w/slaves/a1-S0/frameworks/f0-0000/executors/group-ex/runs/c3/tasks/job-1');
});

test('sandbox: completed executors and completed frameworks are searched, and marked terminal', () => {
  assert.deepEqual(locateSandbox(AGENT_STATE, FW_A, 'web.0'), {
    directory: '/w/slaves/a1-S0/frameworks/f0-0000/executors/web.0/runs/c1',
    executorId: 'web.0',
    state: 'TASK_FAILED',
    terminal: true,
  });
  assert.equal(locateSandbox(AGENT_STATE, 'f0-0002', 'hello')?.terminal, true);
});

test('sandbox: the wrong framework or an unknown task is not found', () => {
  assert.equal(locateSandbox(AGENT_STATE, 'f0-0002', 'web.1'), undefined);
  assert.equal(locateSandbox(AGENT_STATE, FW_A, 'nope'), undefined);
  assert.equal(locateSandbox({}, FW_A, 'web.1'), undefined);
});

test('sandbox: a live run wins over an earlier completed run of the same task', () => {
  const state = structuredClone(AGENT_STATE);
  state.frameworks![0]!.completed_executors!.push({
    id: 'web.1',
    directory: '/old',
    completed_tasks: [{ id: 'web.1', framework_id: FW_A, slave_id: 'x', state: 'TASK_LOST' }],
  });
  state.frameworks![0]!.executors!.reverse();
  assert.equal(locateSandbox(state, FW_A, 'web.1')?.directory, '/w/slaves/a1-S0/frameworks/f0-0000/executors/web.1/runs/c2');
});

test('endpoints: agent from pid (or hostname:port), master from --master; zk:// only through ZooKeeper', async () => {
  assert.deepEqual(agentEndpoint({ id: 'S0', pid: 'slave(1)@10.0.0.1:5051' }), { host: '10.0.0.1', port: 5051, label: 'agent S0' });
  assert.deepEqual(agentEndpoint({ id: 'S0', hostname: 'h', port: 5055 }), { host: 'h', port: 5055, label: 'agent S0' });
  assert.equal(agentEndpoint({ id: 'S0' }), undefined);
  assert.deepEqual(masterEndpoint('127.0.0.1:5050'), { host: '127.0.0.1', port: 5050, label: 'master' });
  assert.deepEqual(masterEndpoint('http://m1:6060/'), { host: 'm1', port: 6060, label: 'master' });
  assert.deepEqual(masterEndpoint('m1'), { host: 'm1', port: 5050, label: 'master' });
  // A zk:// URL is not an address: it is resolved by asking ZooKeeper (covered end to end in ha-masters).
  assert.equal(operatorError(() => masterEndpoint('zk://z1:2181,z2:2181/mesos')).code, 'UNSUPPORTED_MASTER');
  await assert.rejects(resolveMasterEndpoint('zk://'), (error: unknown) => (error as { code?: string }).code === 'UNSUPPORTED_MASTER');
  assert.deepEqual(await resolveMasterEndpoint('127.0.0.1:5050'), { host: '127.0.0.1', port: 5050, label: 'master' });
  assert.equal(operatorError(() => masterEndpoint('m1:99999')).code, 'UNSUPPORTED_MASTER');
});

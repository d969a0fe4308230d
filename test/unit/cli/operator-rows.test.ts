import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentRows, formatAttributes, renderAgentsTable } from '../../../src/cli/operator/agent-rows.js';
import { frameworkRows, frameworkStatus, renderFrameworksTable } from '../../../src/cli/operator/framework-rows.js';
import { allTasks, filterTasks, renderTasksTable, type TaskFilter } from '../../../src/cli/operator/task-rows.js';
import { AGENT_1, FW_A, FW_B, MASTER_STATE } from './operator-fixture.js';

const ids = (rows: { id: string; framework_id: string }[]): string[] => rows.map((r) => `${r.framework_id}/${r.id}`);
const none: TaskFilter = { all: false, states: [] };

test('agents: sorted by hostname, endpoint from the pid, used/total per resource, attributes sorted', () => {
  const rows = agentRows(MASTER_STATE);
  assert.deepEqual(
    rows.map((r) => [r.hostname, r.endpoint, r.active]),
    [
      ['host-a', '10.0.0.1:5051', true],
      ['host-b', '10.0.0.2:5052', false],
    ],
  );
  assert.equal(formatAttributes(rows[0]!.attributes), 'rack=3,zone=z1');
  assert.equal(formatAttributes({}), '-');
  const lines = renderAgentsTable(rows).split('\n');
  assert.match(lines[0]!, /^ID\s+HOSTNAME\s+ENDPOINT\s+ACTIVE\s+CPUS\s+MEM\s+DISK\s+ATTRIBUTES$/);
  assert.match(lines[1]!, /^a1-S0\s+host-a\s+10\.0\.0\.1:5051\s+yes\s+0\.6\/2\s+160MB\/1\.5GB\s+0MB\/2GB\s+rack=3,zone=z1$/);
  assert.match(lines[2]!, /host-b .* no\s+0\/4\s+0MB\/8GB\s+0MB\/1TB\s+-$/);
});

test('frameworks: roles from role or roles, active task count, completed ones only with --all', () => {
  const rows = frameworkRows(MASTER_STATE, false);
  assert.deepEqual(
    rows.map((r) => [r.name, frameworkStatus(r), r.roles, r.tasks]),
    [
      ['chronos', 'disconnected', ['batch', 'dev'], 0],
      ['marathon', 'active', ['*'], 2],
    ],
  );
  const all = frameworkRows(MASTER_STATE, true);
  assert.deepEqual(
    all.map((r) => frameworkStatus(r)),
    ['disconnected', 'active', 'completed'],
  );
  assert.match(renderFrameworksTable(rows), /f0-0000\s+marathon\s+active\s+\*\s+2\s+0\.6\s+160MB/);
});

test('tasks: active only by default; --all adds completed tasks of every framework', () => {
  const rows = allTasks(MASTER_STATE);
  assert.deepEqual(ids(filterTasks(rows, none)), [`${FW_A}/job-1`, `${FW_A}/web.1`]);
  assert.deepEqual(ids(filterTasks(rows, { ...none, all: true })), [
    'f0-0002/hello',
    `${FW_A}/job-1`,
    `${FW_B}/web.1`,
    `${FW_A}/web.0`,
    `${FW_A}/web.1`,
  ]);
});

test('tasks: a task lingering in tasks[] in a terminal state is not active', () => {
  const state = structuredClone(MASTER_STATE);
  state.frameworks![0]!.tasks![0]!.state = 'TASK_FINISHED';
  assert.deepEqual(ids(filterTasks(allTasks(state), none)), [`${FW_A}/job-1`]);
});

test('tasks: --state searches completed tasks too; --framework by id or name; --agent by id, hostname or ip:port', () => {
  const rows = allTasks(MASTER_STATE);
  assert.deepEqual(ids(filterTasks(rows, { ...none, states: ['TASK_FAILED'] })), [`${FW_A}/web.0`]);
  assert.deepEqual(ids(filterTasks(rows, { ...none, states: ['TASK_FINISHED', 'TASK_STAGING'] })), [
    'f0-0002/hello',
    `${FW_A}/job-1`,
    `${FW_B}/web.1`,
  ]);
  assert.deepEqual(ids(filterTasks(rows, { ...none, all: true, framework: 'chronos' })), [`${FW_B}/web.1`]);
  assert.deepEqual(ids(filterTasks(rows, { ...none, all: true, framework: FW_B })), [`${FW_B}/web.1`]);
  for (const agent of [AGENT_1, 'host-a', '10.0.0.1:5051']) {
    assert.equal(filterTasks(rows, { ...none, all: true, agent }).length, 4, agent);
  }
  assert.deepEqual(filterTasks(rows, { ...none, agent: 'nowhere' }), []);
});

test('tasks: rows carry framework and agent names, resources and the start time', () => {
  const web = allTasks(MASTER_STATE).find((r) => r.id === 'web.1' && r.framework_id === FW_A)!;
  assert.deepEqual(
    { ...web },
    {
      id: 'web.1',
      name: 'web',
      framework_id: FW_A,
      framework_name: 'marathon',
      agent_id: AGENT_1,
      agent_hostname: 'host-a',
      agent_endpoint: '10.0.0.1:5051',
      state: 'TASK_RUNNING',
      cpus: 0.5,
      mem: 128,
      started: 1001.5,
      list: 'tasks',
    },
  );
  // An agent the master no longer lists: no hostname, the id is shown instead.
  const gone = allTasks(MASTER_STATE).find((r) => r.framework_id === FW_B)!;
  assert.equal(gone.agent_hostname, '');
  assert.equal(allTasks(MASTER_STATE).find((r) => r.id === 'job-1')!.started, null);
});

test('tasks table: states without TASK_, ages relative to now', () => {
  const rows = filterTasks(allTasks(MASTER_STATE), { ...none, all: true });
  const text = renderTasksTable(rows, 1061.5 * 1000);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^ID\s+NAME\s+FRAMEWORK\s+AGENT\s+STATE\s+CPUS\s+MEM\s+STARTED$/);
  assert.match(text, /web\.1\s+web\s+marathon\s+host-a\s+RUNNING\s+0\.5\s+128MB\s+60s ago\n/);
  assert.match(text, /web\.1\s+nightly\s+chronos\s+gone-S9\s+FINISHED\s+1\s+64MB\s+4m ago\n/);
  assert.match(text, /job-1\s+job\s+marathon\s+host-a\s+STAGING\s+0\.1\s+32MB\s+-\n/);
});

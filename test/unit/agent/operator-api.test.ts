import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentModel, type ExecutorRecord } from '../../../src/agent/agent-model.js';
import { handleOperatorCall, parseOperatorRequest, type OperatorHost } from '../../../src/agent/operator-api.js';
import { Verbosity } from '../../../src/agent/verbosity.js';
import { FilesService } from '../../../src/files/files-service.js';

const post = (body: unknown, extra: Partial<{ method: string; contentType: string; accept: string }> = {}) =>
  parseOperatorRequest({ method: 'POST', contentType: 'application/json', body: JSON.stringify(body), ...extra });

describe('parseOperatorRequest', () => {
  it('accepts the calls Meseta answers, with their nested messages', () => {
    assert.deepEqual(post({ type: 'GET_HEALTH' }), { kind: 'call', call: { type: 'GET_HEALTH' } });
    assert.deepEqual(post({ type: 'READ_FILE', read_file: { path: '/p', offset: '7', length: 3 } }), {
      kind: 'call',
      call: { type: 'READ_FILE', path: '/p', offset: 7, length: 3 },
    });
    assert.deepEqual(post({ type: 'SET_LOGGING_LEVEL', set_logging_level: { level: 1, duration: { nanoseconds: 5e9 } } }), {
      kind: 'call',
      call: { type: 'SET_LOGGING_LEVEL', level: 1, durationMs: 5000 },
    });
    assert.deepEqual(post({ type: 'GET_CONTAINERS', get_containers: { show_nested: true } }), {
      kind: 'call',
      call: { type: 'GET_CONTAINERS', showNested: true, showStandalone: false },
    });
  });

  it('refuses with Mesos codes and texts', () => {
    const status = (r: ReturnType<typeof post>): [number, string] => (r.kind === 'reject' ? [r.status, r.message] : [0, '']);
    assert.deepEqual(status(post({ type: 'NOPE' })), [400, "Failed to validate agent::Call: Unknown call type 'NOPE'"]);
    assert.deepEqual(status(post({})), [400, "Failed to validate agent::Call: Expecting 'type' to be present"]);
    assert.deepEqual(status(post({ type: 'LIST_FILES' })), [400, "Failed to validate agent::Call: Expecting 'list_files' to be present"]);
    assert.equal(status(post({ type: 'READ_FILE', read_file: { path: '/p' } }))[0], 400);
    assert.equal(status(post({ type: 'READ_FILE', read_file: { path: '/p', offset: -1 } }))[0], 400);
    assert.equal(status(post({ type: 'UNKNOWN' }))[0], 501);
    assert.equal(status(post({ type: 'KILL_CONTAINER' }))[0], 501);
    assert.equal(status(post({}, { method: 'PUT' }))[0], 405);
    assert.equal(status(post({}, { contentType: 'application/x-protobuf' }))[0], 415);
    assert.equal(status(post({}, { accept: 'text/html' }))[0], 406);
    assert.equal(status(parseOperatorRequest({ method: 'POST', body: '{}' }))[0], 400);
    assert.equal(status(parseOperatorRequest({ method: 'POST', contentType: 'application/json', body: '[' }))[0], 400);
  });
});

function host(model: AgentModel, verbosity = new Verbosity()): OperatorHost {
  return {
    model,
    files: new FilesService({ attachments: () => new Map() }),
    verbosity,
    agentId: () => 'a-S0',
    agentInfo: () => ({ hostname: 'h', port: 5051, id: { value: 'a-S0' } }),
    flags: () => ({ work_dir: '/w', port: '5051' }),
    version: () => ({ version: '1.11.0' }),
    metrics: async () => ({ 'slave/tasks_running': 1, 'a/b': 2 }),
    containers: async () => [],
  };
}

function modelWithTasks(): AgentModel {
  const model = new AgentModel({ maxCompletedTasksPerExecutor: 10, maxCompletedExecutorsPerFramework: 10, maxCompletedFrameworks: 10 });
  const framework = model.upsertFramework({ id: { value: 'F' }, name: 'fw', user: 'u' });
  const executor: ExecutorRecord = {
    info: { executor_id: { value: 't1' }, name: 'Command Executor' },
    frameworkId: 'F',
    kind: 'command',
    containerId: 'c1',
    directory: '/w/sandbox',
    state: 'RUNNING',
    resources: [],
    queuedTasks: new Map(),
    launchedTasks: new Map(),
    completedTasks: [],
  };
  model.addExecutor(framework, executor);
  const task = { name: 't1', task_id: { value: 't1' }, agent_id: { value: 'a-S0' }, resources: [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 1 } }] };
  model.launchTask(executor, task);
  model.applyStatus(executor, { task_id: { value: 't1' }, state: 'TASK_RUNNING', timestamp: 10 });
  return model;
}

describe('handleOperatorCall', () => {
  it('answers with {type, <field>} v1 shapes', async () => {
    const h = host(modelWithTasks());
    assert.deepEqual((await handleOperatorCall({ type: 'GET_FLAGS' }, h)).body, {
      type: 'GET_FLAGS',
      get_flags: { flags: [{ name: 'port', value: '5051' }, { name: 'work_dir', value: '/w' }] },
    });
    assert.deepEqual((await handleOperatorCall({ type: 'GET_METRICS' }, h)).body, {
      type: 'GET_METRICS',
      get_metrics: { metrics: [{ name: 'a/b', value: 2 }, { name: 'slave/tasks_running', value: 1 }] },
    });
    const tasks = (await handleOperatorCall({ type: 'GET_TASKS' }, h)).body as { get_tasks: Record<string, Array<Record<string, unknown>>> };
    assert.deepEqual(Object.keys(tasks.get_tasks), ['pending_tasks', 'queued_tasks', 'launched_tasks', 'terminated_tasks', 'completed_tasks']);
    const t = tasks.get_tasks['launched_tasks']![0]!;
    assert.deepEqual(t['task_id'], { value: 't1' });
    assert.equal(t['state'], 'TASK_RUNNING');
    assert.equal(t['executor_id'], undefined, 'command tasks carry no executor_id');
    assert.deepEqual(t['framework_id'], { value: 'F' });
    const executors = (await handleOperatorCall({ type: 'GET_EXECUTORS' }, h)).body as { get_executors: { executors: Array<{ executor_info: Record<string, unknown> }> } };
    assert.deepEqual(executors.get_executors.executors[0]!.executor_info['framework_id'], { value: 'F' });
    assert.deepEqual((await handleOperatorCall({ type: 'GET_CONTAINERS', showNested: false, showStandalone: false }, h)).body, { type: 'GET_CONTAINERS', get_containers: {} });
    assert.deepEqual((await handleOperatorCall({ type: 'GET_AGENT' }, h)).body, {
      type: 'GET_AGENT',
      get_agent: { agent_info: { hostname: 'h', port: 5051, id: { value: 'a-S0' } } },
    });
  });

  it('turns files refusals into their status and text', async () => {
    const res = await handleOperatorCall({ type: 'READ_FILE', path: '/nope', offset: 0 }, host(modelWithTasks()));
    assert.deepEqual(res, { status: 404, text: '' });
  });

  it('sets the level, which falls back when its time is up', async () => {
    let revert: (() => void) | undefined;
    const verbosity = new Verbosity(0, (fn) => {
      revert = fn;
      return () => (revert = undefined);
    });
    const h = host(modelWithTasks(), verbosity);
    assert.deepEqual(await handleOperatorCall({ type: 'SET_LOGGING_LEVEL', level: 3, durationMs: 1000 }, h), { status: 200 });
    assert.deepEqual((await handleOperatorCall({ type: 'GET_LOGGING_LEVEL' }, h)).body, { type: 'GET_LOGGING_LEVEL', get_logging_level: { level: 3 } });
    revert!();
    assert.equal(verbosity.level, 0);
  });
});

/**
 * The small pure pieces of the scheduler library: master address parsing,
 * redirect locations, backoff, event parsing, task builders, status uuids and
 * the printed texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasterDetector, MasterSpecError, parseMasterAddress } from '../../../src/scheduler/master-detector.js';
import { masterUrl, resolveLeaderLocation } from '../../../src/scheduler/leader-location.js';
import { backoffDelayMs } from '../../../src/scheduler/backoff.js';
import { parseSchedulerEvent, subscribeCall } from '../../../src/scheduler/scheduler-protocol.js';
import { buildCommandTask, buildExecutorTask, customExecutorInfo } from '../../../src/scheduler/task-builder.js';
import { isTaskStatusUuid, newTaskStatusUuid } from '../../../src/mesos/status-uuid.js';
import { reprBytes, statusUpdateLines } from '../../../src/scheduler/status-text.js';
import { parseResourcesFlag } from '../../../src/mesos/resources.js';

test('master addresses: host:port, bare host, http:// URL, libprocess pid, IPv6', () => {
  assert.deepEqual(parseMasterAddress('127.0.0.1:5050'), { host: '127.0.0.1', port: 5050 });
  assert.deepEqual(parseMasterAddress('master'), { host: 'master', port: 5050 });
  assert.deepEqual(parseMasterAddress('http://10.0.0.1:5051/'), { host: '10.0.0.1', port: 5051 });
  assert.deepEqual(parseMasterAddress('master@127.0.0.1:5050'), { host: '127.0.0.1', port: 5050 });
  assert.deepEqual(parseMasterAddress('[::1]:5050'), { host: '::1', port: 5050 });
  assert.throws(() => parseMasterAddress(':5050'), MasterSpecError);
  assert.throws(() => parseMasterAddress('h:99999'), MasterSpecError);
});

test('zk:// masters get a ZooKeeper detector; a malformed zk:// URL is a MasterSpecError', () => {
  // Port 1 on loopback: the detector's background connection is refused, and closed at once.
  const detector = createMasterDetector('zk://127.0.0.1:1/mesos');
  assert.equal(detector.constructor.name, 'ZooKeeperMasterDetector');
  detector.close();
  assert.throws(() => createMasterDetector('zk://a:99999/mesos'), (e: unknown) => e instanceof MasterSpecError && /invalid port/.test(e.message));
});

test('standalone detector resolves the fixed address', async () => {
  const detector = createMasterDetector('127.0.0.1:5050');
  assert.deepEqual(await detector.detect(), { host: '127.0.0.1', port: 5050 });
  detector.close();
});

test('Location headers: protocol-relative, absolute, path-only', () => {
  const from = { host: '10.0.0.1', port: 5050 };
  assert.deepEqual(resolveLeaderLocation('//10.0.0.2:5050/master/api/v1/scheduler', from, '/x'), {
    master: { host: '10.0.0.2', port: 5050 },
    path: '/master/api/v1/scheduler',
  });
  assert.deepEqual(resolveLeaderLocation('http://leader:6060', from, '/x'), { master: { host: 'leader', port: 6060 }, path: '/x' });
  assert.deepEqual(resolveLeaderLocation('/api/v1/scheduler', from, '/x'), { master: from, path: '/api/v1/scheduler' });
  assert.equal(masterUrl({ host: '::1', port: 1 }, '/p'), 'http://[::1]:1/p');
});

test('backoff: exponential cap, equal jitter, bounded', () => {
  const policy = { initialMs: 1000, maxMs: 30_000 };
  assert.equal(backoffDelayMs(0, policy, 0), 500);
  assert.equal(backoffDelayMs(0, policy, 1), 1000);
  assert.equal(backoffDelayMs(3, policy, 0.5), 6000);
  assert.equal(backoffDelayMs(10, policy, 1), 30_000);
  assert.equal(backoffDelayMs(1000, policy, 0), 15_000);
});

test('event parsing: nested fields required, unknown types reported', () => {
  assert.deepEqual(parseSchedulerEvent({ type: 'HEARTBEAT' }), { ok: true, event: { type: 'HEARTBEAT' } });
  assert.equal(parseSchedulerEvent({ type: 'ERROR', message: 'top-level, as the docs wrongly show' }).ok, false);
  assert.equal(parseSchedulerEvent({ type: 'ERROR', error: { message: 'x' } }).ok, true);
  assert.deepEqual(parseSchedulerEvent({ type: 'NEW' }), { ok: false, reason: "unknown event type 'NEW'" });
  assert.equal(parseSchedulerEvent(null).ok, false);
});

test('SUBSCRIBE carries framework_id at top level when failing over', () => {
  assert.deepEqual(subscribeCall({ user: 'u', name: 'n', id: { value: 'f' } }), {
    type: 'SUBSCRIBE',
    subscribe: { framework_info: { user: 'u', name: 'n', id: { value: 'f' } } },
    framework_id: { value: 'f' },
  });
});

test('buildCommandTask: shell command, env, uris, labels; id defaults to name', () => {
  const resources = parseResourcesFlag('cpus:1;mem:128');
  const task = buildCommandTask({
    name: 'hello',
    agentId: 'S0',
    command: 'echo hi',
    resources,
    env: { A: '1' },
    uris: ['http://x/y.tgz'],
    labels: { k: 'v' },
  });
  assert.deepEqual(task, {
    name: 'hello',
    task_id: { value: 'hello' },
    agent_id: { value: 'S0' },
    resources,
    command: {
      shell: true,
      value: 'echo hi',
      environment: { variables: [{ name: 'A', type: 'VALUE', value: '1' }] },
      uris: [{ value: 'http://x/y.tgz' }],
    },
    labels: { labels: [{ key: 'k', value: 'v' }] },
  });
  assert.throws(() => buildCommandTask({ name: 'x', agentId: 'S0', command: 'true', resources: [] }), /uses no resources/);
});

test('buildExecutorTask uses the custom executor', () => {
  const executor = customExecutorInfo('default', '/bin/exec', 'Test Executor');
  const task = buildExecutorTask({ name: 'Task 0', id: '0', agentId: { value: 'S0' }, executor, resources: parseResourcesFlag('cpus:1') });
  assert.equal(task.command, undefined);
  assert.deepEqual(task.executor, { type: 'CUSTOM', executor_id: { value: 'default' }, command: { shell: true, value: '/bin/exec' }, name: 'Test Executor' });
});

test('status uuids are base64 of 16 bytes and distinct', () => {
  const a = newTaskStatusUuid();
  const b = newTaskStatusUuid();
  assert.ok(isTaskStatusUuid(a) && isTaskStatusUuid(b));
  assert.notEqual(a, b);
  assert.equal(Buffer.from(a, 'base64').length, 16);
  assert.equal(isTaskStatusUuid(Buffer.alloc(8).toString('base64')), false);
});

test('status uuids stay distinct version-4 uuids across several refills of their random pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const bytes = Buffer.from(newTaskStatusUuid(), 'base64');
    assert.equal(bytes.length, 16);
    assert.equal(bytes[6]! >> 4, 4, 'version 4');
    assert.equal(bytes[8]! >> 6, 2, 'RFC 4122 variant');
    seen.add(bytes.toString('hex'));
  }
  assert.equal(seen.size, 1000);
});

test('printed texts: Python-style repr of bytes with a NUL, mesos-execute update lines', () => {
  assert.equal(reprBytes(Buffer.from('data with a \0 byte', 'latin1')), "'data with a \\x00 byte'");
  assert.equal(reprBytes(Buffer.from("it's\n\\")), "'it\\'s\\n\\\\'");
  assert.deepEqual(
    statusUpdateLines({
      task_id: { value: 't' },
      state: 'TASK_FAILED',
      message: 'Command exited with status 3',
      source: 'SOURCE_EXECUTOR',
      reason: 'REASON_COMMAND_EXECUTOR_FAILED',
      healthy: false,
    }),
    [
      "Received status update TASK_FAILED for task 't'",
      "  message: 'Command exited with status 3'",
      '  source: SOURCE_EXECUTOR',
      '  reason: REASON_COMMAND_EXECUTOR_FAILED',
      '  healthy?: 0',
    ],
  );
});

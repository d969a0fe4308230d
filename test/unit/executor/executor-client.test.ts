/**
 * Executor side: environment parsing, and ExecutorClient / ExecutorDriver
 * against a real HTTP peer standing in for the agent's executor endpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutorEnvError, parseExecutorEnv, type ExecutorEnvironment } from '../../../src/executor/executor-env.js';
import { ExecutorClient } from '../../../src/executor/executor-client.js';
import { ExecutorDriver } from '../../../src/executor/executor-driver.js';
import { createLogger } from '../../../src/logging/logger.js';
import { isTaskStatusUuid } from '../../../src/mesos/status-uuid.js';
import { HttpPeer, waitFor } from '../scheduler/http-peer.js';
import type { TaskStatus } from '../../../src/mesos/types.js';

const BASE_ENV = { MESOS_FRAMEWORK_ID: 'fw', MESOS_EXECUTOR_ID: 'default', MESOS_SLAVE_ID: 'S0' };

test('env: MESOS_AGENT_ENDPOINT or MESOS_SLAVE_PID give the executor API URL; durations parsed', () => {
  const env = parseExecutorEnv({
    ...BASE_ENV,
    MESOS_AGENT_ENDPOINT: '127.0.0.1:5051',
    MESOS_CHECKPOINT: '1',
    MESOS_RECOVERY_TIMEOUT: '15mins',
    MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
    MESOS_DIRECTORY: '/sandbox',
  });
  assert.equal(env.apiUrl, 'http://127.0.0.1:5051/slave(1)/api/v1/executor');
  assert.deepEqual(env.frameworkId, { value: 'fw' });
  assert.deepEqual(env.agentId, { value: 'S0' });
  assert.equal(env.checkpoint, true);
  assert.equal(env.recoveryTimeoutMs, 900_000);
  assert.equal(env.subscriptionBackoffMaxMs, 2000);
  assert.equal(env.directory, '/sandbox');
  const fromPid = parseExecutorEnv({ ...BASE_ENV, MESOS_SLAVE_PID: 'slave(1)@10.0.0.5:5052', MESOS_CHECKPOINT: '0' });
  assert.equal(fromPid.apiUrl, 'http://10.0.0.5:5052/slave(1)/api/v1/executor');
  assert.equal(fromPid.checkpoint, false);
  assert.equal(fromPid.recoveryTimeoutMs, 900_000);
});

test('env: missing or malformed variables are named', () => {
  assert.throws(() => parseExecutorEnv({ MESOS_EXECUTOR_ID: 'e', MESOS_AGENT_ENDPOINT: 'h:1' }), (e: unknown) => e instanceof ExecutorEnvError && e.variable === 'MESOS_FRAMEWORK_ID');
  assert.throws(() => parseExecutorEnv(BASE_ENV), (e: unknown) => e instanceof ExecutorEnvError && e.variable === 'MESOS_AGENT_ENDPOINT');
  assert.throws(() => parseExecutorEnv({ ...BASE_ENV, MESOS_AGENT_ENDPOINT: 'nohost' }), ExecutorEnvError);
  assert.throws(() => parseExecutorEnv({ ...BASE_ENV, MESOS_AGENT_ENDPOINT: 'h:1', MESOS_RECOVERY_TIMEOUT: 'soon' }), /MESOS_RECOVERY_TIMEOUT/);
});

async function agentPeer(): Promise<HttpPeer> {
  const peer = await new HttpPeer().start();
  peer.respond = (call) => (call.body['type'] === 'SUBSCRIBE' ? { stream: true } : { status: 202 });
  return peer;
}

function envFor(peer: HttpPeer, checkpoint: boolean): ExecutorEnvironment {
  return parseExecutorEnv({
    ...BASE_ENV,
    MESOS_AGENT_ENDPOINT: `127.0.0.1:${peer.port}`,
    MESOS_CHECKPOINT: checkpoint ? '1' : '0',
    MESOS_SUBSCRIPTION_BACKOFF_MAX: '50ms',
    MESOS_RECOVERY_TIMEOUT: '3secs',
  });
}

const SUBSCRIBED = {
  type: 'SUBSCRIBED',
  subscribed: {
    executor_info: { executor_id: { value: 'default' } },
    framework_info: { user: 'u', name: 'n', id: { value: 'fw' } },
    agent_info: { hostname: 'agent-host' },
  },
};
const TASK = { name: 'Task 0', task_id: { value: '0' }, agent_id: { value: 'S0' }, resources: [] };

test('updates are filled in (uuid, source, timestamp, executor id) and kept until ACKNOWLEDGED', async () => {
  const peer = await agentPeer();
  const client = new ExecutorClient({ env: envFor(peer, true), now: () => 1_700_000_000_000 });
  const launched: string[] = [];
  client.on('launch', (task) => launched.push(task.task_id.value));
  try {
    client.start();
    const stream = await waitFor(() => peer.streams[0]);
    assert.equal(stream.call.path, '/slave(1)/api/v1/executor');
    assert.deepEqual(stream.call.body, {
      type: 'SUBSCRIBE',
      framework_id: { value: 'fw' },
      executor_id: { value: 'default' },
      subscribe: { unacknowledged_tasks: [], unacknowledged_updates: [] },
    });
    stream.send(SUBSCRIBED);
    stream.send({ type: 'LAUNCH', launch: { task: TASK } });
    await waitFor(() => client.state === 'subscribed' && launched.length === 1);
    const sent = await client.sendStatusUpdate({ task_id: { value: '0' }, state: 'TASK_RUNNING' });
    assert.ok(isTaskStatusUuid(sent.uuid!));
    assert.equal(sent.source, 'SOURCE_EXECUTOR');
    assert.equal(sent.timestamp, 1_700_000_000);
    assert.deepEqual(sent.executor_id, { value: 'default' });
    const update = peer.callsOf('UPDATE')[0]!;
    assert.deepEqual((update.body['update'] as { status: TaskStatus }).status, sent);
    assert.equal(client.unacknowledgedUpdates.length, 1);
    assert.equal(client.unacknowledgedTasks.length, 1);
    stream.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: { value: '0' }, uuid: sent.uuid } });
    await waitFor(() => client.unacknowledgedUpdates.length === 0);
    assert.equal(client.unacknowledgedTasks.length, 0);
    await assert.rejects(client.sendStatusUpdate({ task_id: { value: '0' }, state: 'TASK_STAGING' }), /TASK_STAGING/);
  } finally {
    client.close();
    await peer.stop();
  }
});

test('with checkpointing, a dropped connection is re-subscribed with the unacknowledged tasks and updates', async () => {
  const peer = await agentPeer();
  const client = new ExecutorClient({ env: envFor(peer, true), random: () => 0 });
  const seen: string[] = [];
  client.on('disconnected', () => seen.push('disconnected'));
  client.on('subscribed', (i) => seen.push(`subscribed:${i.resubscribed}`));
  try {
    client.start();
    const first = await waitFor(() => peer.streams[0]);
    first.send(SUBSCRIBED);
    first.send({ type: 'LAUNCH', launch: { task: TASK } });
    await waitFor(() => client.unacknowledgedTasks.length === 1);
    const sent = await client.sendStatusUpdate({ task_id: { value: '0' }, state: 'TASK_RUNNING' });
    first.destroy();
    const second = await waitFor(() => peer.streams[1], 3000, 're-SUBSCRIBE');
    assert.deepEqual(second.call.body['subscribe'], { unacknowledged_tasks: [TASK], unacknowledged_updates: [{ status: sent }] });
    second.send(SUBSCRIBED);
    await waitFor(() => client.state === 'subscribed');
    assert.deepEqual(seen, ['subscribed:false', 'disconnected', 'subscribed:true']);
  } finally {
    client.close();
    await peer.stop();
  }
});

test('without checkpointing, a dropped connection is the end (lost)', async () => {
  const peer = await agentPeer();
  const client = new ExecutorClient({ env: envFor(peer, false) });
  const lost: string[] = [];
  client.on('lost', (e) => lost.push(e.message));
  try {
    client.start();
    const first = await waitFor(() => peer.streams[0]);
    first.send(SUBSCRIBED);
    await waitFor(() => client.state === 'subscribed');
    first.destroy();
    await waitFor(() => lost.length === 1);
    assert.match(lost[0]!, /checkpointing is disabled/);
    assert.equal(client.state, 'closed');
    assert.equal(peer.callsOf('SUBSCRIBE').length, 1);
  } finally {
    client.close();
    await peer.stop();
  }
});

test('an agent that never answers is given up after the recovery timeout', async () => {
  const peer = await new HttpPeer().start();
  const port = peer.port;
  await peer.stop();
  const env = { ...parseExecutorEnv({ ...BASE_ENV, MESOS_AGENT_ENDPOINT: `127.0.0.1:${port}`, MESOS_SUBSCRIPTION_BACKOFF_MAX: '20ms', MESOS_RECOVERY_TIMEOUT: '200ms' }) };
  const client = new ExecutorClient({ env });
  const lost: string[] = [];
  client.on('lost', (e) => lost.push(e.message));
  client.start();
  await waitFor(() => lost.length === 1, 3000, 'lost');
  assert.match(lost[0]!, /recovery timeout/);
});

test('ExecutorDriver: registered, launchTask, frameworkMessage echo, SHUTDOWN → DRIVER_STOPPED', async () => {
  const peer = await agentPeer();
  const calls: string[] = [];
  const driver = new ExecutorDriver(
    {
      registered: (_d, _e, f, a) => calls.push(`registered:${f.id?.value}:${a.hostname}`),
      launchTask: (d, task) => {
        calls.push(`launch:${task.task_id.value}`);
        void d.sendStatusUpdate({ task_id: task.task_id, state: 'TASK_FINISHED' });
      },
      frameworkMessage: (d, data) => {
        calls.push(`message:${data.length}`);
        void d.sendFrameworkMessage(data);
      },
      shutdown: () => calls.push('shutdown'),
    },
    { env: envFor(peer, false), logger: createLogger('exec', { sink: () => undefined }) },
  );
  const running = driver.run();
  try {
    const stream = await waitFor(() => peer.streams[0]);
    stream.send(SUBSCRIBED);
    stream.send({ type: 'LAUNCH', launch: { task: TASK } });
    stream.send({ type: 'MESSAGE', message: { data: Buffer.from('x\0y').toString('base64') } });
    await waitFor(() => peer.callsOf('MESSAGE').length === 1 && peer.callsOf('UPDATE').length === 1);
    assert.equal((peer.callsOf('MESSAGE')[0]!.body['message'] as { data: string }).data, Buffer.from('x\0y').toString('base64'));
    stream.send({ type: 'SHUTDOWN' });
    assert.equal(await running, 'DRIVER_STOPPED');
    assert.deepEqual(calls, ['registered:fw:agent-host', 'launch:0', 'message:3', 'shutdown']);
  } finally {
    driver.abort();
    await peer.stop();
  }
});

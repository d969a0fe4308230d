/**
 * Custom executors end to end inside one process: a real Agent (HTTP server,
 * master link) with a scripted containerizer; the test plays both the master
 * (FakeMaster) and the executor process (speaking the v1 executor API over
 * HTTP, as a real executor would from MESOS_SLAVE_PID).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import type { ExecutorEvent } from '../../../src/agent/executor-api.js';
import type { AgentCall } from '../../../src/mesos/agent-protocol.js';
import type { ExecutorInfo, TaskInfo } from '../../../src/mesos/types.js';
import { openStream, postJson } from '../../../src/transport/stream-client.js';
import { FakeMaster, waitFor } from './fake-master.js';
import { ScriptedContainerizer } from './scripted-containerizer.js';

const framework = { id: { value: 'fw-1' }, name: 'test', user: 'nobody' };
type StatusCall = Extract<AgentCall, { type: 'STATUS_UPDATE' }>;

describe('custom executors', () => {
  let workDir: string;
  let master: FakeMaster;
  let agent: Agent;
  const containerizer = new ScriptedContainerizer();

  const updates = (taskId: string) =>
    master.callsOf('STATUS_UPDATE').filter((c: StatusCall) => c.status_update.status.task_id.value === taskId).map((c) => c.status_update.status);

  function executorInfo(id: string): ExecutorInfo {
    return { executor_id: { value: id }, name: id, command: { value: './my-executor' }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }] };
  }

  function task(id: string, executor: ExecutorInfo): TaskInfo {
    return { name: id, task_id: { value: id }, agent_id: { value: master.agentId }, executor };
  }

  before(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'meseta-agent-ex-'));
    master = new FakeMaster();
    await master.start();
    agent = new Agent({
      masterUrl: master.url,
      ip: '127.0.0.1',
      port: 0,
      hostname: 'localhost',
      workDir,
      resources: [],
      attributes: [],
      containerizer,
      executorRegistrationTimeoutMs: 300,
      statusUpdateRetry: { minMs: 5000, maxMs: 5000 },
    });
    await agent.start();
    await waitFor('registration', () => agent.id);
  });

  after(async () => {
    await agent.stop({ killTasks: true });
    await master.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('launches the executor, hands it the task on SUBSCRIBE, relays updates and messages', async () => {
    const info = executorInfo('ex-1');
    master.send({ type: 'RUN_TASK', run_task: { framework, task: task('t1', info) } });
    const config = await waitFor('executor launched', () => containerizer.launched.find((c) => c.env['MESOS_EXECUTOR_ID'] === 'ex-1'));
    assert.deepEqual(config.command, { shell: true, value: './my-executor' });
    assert.equal(config.env['MESOS_SLAVE_PID'], agent.pid);

    // Before SUBSCRIBE, other calls are refused with 403.
    const url = `http://127.0.0.1:${agent.port}/slave(1)/api/v1/executor`;
    const ids = { framework_id: framework.id, executor_id: info.executor_id };
    await assert.rejects(postJson(url, { type: 'HEARTBEAT', ...ids }), { status: 403 });

    const events: ExecutorEvent[] = [];
    const stream = await openStream(url, { type: 'SUBSCRIBE', ...ids, subscribe: {} }, { onEvent: (e) => events.push(e as ExecutorEvent), onClose: () => {} });
    await waitFor('SUBSCRIBED and LAUNCH', () => events.length >= 2);
    assert.equal(events[0]!.type, 'SUBSCRIBED');
    const subscribed = (events[0] as Extract<ExecutorEvent, { type: 'SUBSCRIBED' }>).subscribed;
    assert.equal(subscribed.container_id.value, config.containerId);
    assert.equal(subscribed.framework_info.id.value, 'fw-1');
    assert.equal(events[1]!.type, 'LAUNCH');

    const uuid = Buffer.alloc(16, 1).toString('base64');
    const status = { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid, source: 'SOURCE_EXECUTOR' };
    const accepted = await postJson(url, { type: 'UPDATE', ...ids, update: { status } });
    assert.equal(accepted.status, 202);
    await waitFor('ACKNOWLEDGED', () => events.find((e) => e.type === 'ACKNOWLEDGED'));
    const forwarded = await waitFor('RUNNING at the master', () => updates('t1')[0]);
    assert.equal(forwarded.uuid, uuid);
    assert.equal(forwarded.executor_id?.value, 'ex-1');
    assert.equal(forwarded.agent_id?.value, master.agentId);
    master.send({ type: 'ACKNOWLEDGE', acknowledge: { framework_id: framework.id, task_id: { value: 't1' }, uuid } });

    master.send({ type: 'FRAMEWORK_MESSAGE', framework_message: { framework_id: framework.id, executor_id: info.executor_id, data: 'aGk=' } });
    await waitFor('MESSAGE to the executor', () => events.find((e) => e.type === 'MESSAGE'));
    await postJson(url, { type: 'MESSAGE', ...ids, message: { data: 'eW8=' } });
    const message = await waitFor('EXECUTOR_MESSAGE', () => master.callsOf('EXECUTOR_MESSAGE')[0]);
    assert.equal(message.executor_message.data, 'eW8=');

    // The executor process dies: the master hears EXECUTOR_EXITED and the live task fails.
    containerizer.exit(config.containerId, { exitCode: 1, status: 256, message: 'Command exited with status 1' });
    const exited = await waitFor('EXECUTOR_EXITED', () => master.callsOf('EXECUTOR_EXITED')[0]);
    assert.equal(exited.executor_exited.status, 256);
    const failed = await waitFor('FAILED', () => updates('t1').find((s) => s.state === 'TASK_FAILED'));
    assert.equal(failed.reason, 'REASON_EXECUTOR_TERMINATED');
    assert.equal(failed.source, 'SOURCE_AGENT');
    stream.close();
  });

  it('fails queued tasks when the executor does not subscribe in time', async () => {
    master.send({ type: 'RUN_TASK', run_task: { framework, task: task('t2', executorInfo('ex-2')) } });
    const failed = await waitFor('registration timeout', () => updates('t2').find((s) => s.state === 'TASK_FAILED'));
    assert.equal(failed.reason, 'REASON_EXECUTOR_REGISTRATION_TIMEOUT');
    const container = containerizer.launched.find((c) => c.env['MESOS_EXECUTOR_ID'] === 'ex-2')!;
    await waitFor('container destroyed', () => containerizer.destroyed.find((d) => d.containerId === container.containerId));
  });

  it('kills a queued task before the executor subscribes', async () => {
    master.send({ type: 'RUN_TASK', run_task: { framework, task: task('t3', executorInfo('ex-3')) } });
    await waitFor('executor launched', () => containerizer.launched.find((c) => c.env['MESOS_EXECUTOR_ID'] === 'ex-3'));
    master.send({ type: 'KILL_TASK', kill_task: { framework_id: framework.id, task_id: { value: 't3' } } });
    const killed = await waitFor('KILLED', () => updates('t3').find((s) => s.state === 'TASK_KILLED'));
    assert.equal(killed.reason, 'REASON_TASK_KILLED_DURING_LAUNCH');
  });
});

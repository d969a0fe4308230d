/**
 * In-process integration: a real Agent with the real MesosContainerizer
 * (posix isolation, native launcher) against FakeMaster. Runs `echo hi` and
 * `sleep` through the whole path: RUN_TASK → sandbox → container → status
 * updates → acknowledgements, with retries, a stream drop and a kill.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { MesosContainerizer } from '../../../src/agent/containerizer/mesos-containerizer.js';
import type { AgentCall } from '../../../src/mesos/agent-protocol.js';
import { reportedTasks } from '../../../src/mesos/agent-task-sets.js';
import type { Resource, TaskInfo } from '../../../src/mesos/types.js';
import { FakeMaster, waitFor } from './fake-master.js';

const launcherPath = path.resolve('build/meseta-launcher');
const framework = { id: { value: 'fw-1' }, name: 'test', user: os.userInfo().username };

function scalar(name: string, value: number): Resource {
  return { name, type: 'SCALAR', scalar: { value } };
}

type StatusCall = Extract<AgentCall, { type: 'STATUS_UPDATE' }>;

describe('Agent with MesosContainerizer against a fake master', { skip: !existsSync(launcherPath) && 'build/meseta-launcher not built' }, () => {
  let workDir: string;
  let master: FakeMaster;
  let agent: Agent;
  const logs: string[] = [];
  /** uuids the test has acknowledged. */
  const acked = new Set<string>();

  const updates = (taskId: string) =>
    master.calls
      .filter((c) => c.call.type === 'STATUS_UPDATE' && (c.call as StatusCall).status_update.status.task_id.value === taskId)
      .map((c) => ({ ...(c.call as StatusCall).status_update.status, streamId: c.streamId }));

  function ack(taskId: string, uuid: string): void {
    acked.add(uuid);
    master.send({ type: 'ACKNOWLEDGE', acknowledge: { framework_id: framework.id, task_id: { value: taskId }, uuid } });
  }

  function runTask(taskId: string, command: string): void {
    const task: TaskInfo = {
      name: taskId,
      task_id: { value: taskId },
      agent_id: { value: master.agentId },
      resources: [scalar('cpus', 0.1), scalar('mem', 32)],
      command: { value: command },
    };
    master.send({ type: 'RUN_TASK', run_task: { framework, task } });
  }

  async function getJson(url: string): Promise<Record<string, unknown>> {
    const response = await fetch(`http://127.0.0.1:${agent.port}${url}`);
    assert.equal(response.status, 200);
    return (await response.json()) as Record<string, unknown>;
  }

  before(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'meseta-agent-'));
    master = new FakeMaster();
    master.pingIntervalSeconds = 1;
    await master.start();
    const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
    agent = new Agent({
      masterUrl: master.url,
      ip: '127.0.0.1',
      port: 0,
      hostname: 'localhost',
      workDir,
      resources: [scalar('cpus', 2), scalar('mem', 1024), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } }],
      attributes: [],
      containerizer: new MesosContainerizer({
        isolation: 'posix/cpu,posix/mem',
        runtimeDir: path.join(workDir, 'run'),
        launcherPath,
      }),
      registrationBackoffFactorMs: 100,
      statusUpdateRetry: { minMs: 300, maxMs: 2000 },
      logger,
    });
    await agent.start();
    await waitFor('registration', () => agent.id);
  });

  after(async () => {
    await agent?.stop({ killTasks: true });
    await master?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('registers and logs like a Mesos agent', () => {
    const register = master.registrations[0]!;
    assert.equal(register.type, 'REGISTER');
    assert.equal(agent.pid, `slave(1)@127.0.0.1:${agent.port}`);
    assert.ok(logs.includes(`Agent started on 1)@127.0.0.1:${agent.port}`));
    assert.ok(logs.includes('Agent resources: cpus(*):2; mem(*):1024; ports(*):[31000-32000]'));
    assert.ok(logs.includes('Agent hostname: localhost'));
    assert.ok(logs.includes(`Registered with master master@127.0.0.1:${new URL(master.url).port}; given agent ID ${master.agentId}`));
  });

  it('answers PING with PONG', async () => {
    master.send({ type: 'PING' });
    await waitFor('PONG', () => master.callsOf('PONG').length > 0);
  });

  it('runs `echo hi`: STARTING, RUNNING, FINISHED in order, resent until acknowledged', async () => {
    runTask('echo-1', 'echo hi');
    // STARTING is not acknowledged at first: it must come again, and nothing after it meanwhile.
    const [starting] = await waitFor('STARTING twice', () => {
      const u = updates('echo-1');
      return u.length >= 2 && u;
    });
    assert.equal(starting!.state, 'TASK_STARTING');
    assert.deepEqual(
      updates('echo-1').map((u) => u.uuid),
      updates('echo-1').map(() => starting!.uuid),
    );
    ack('echo-1', starting!.uuid!);
    const running = await waitFor('RUNNING', () => updates('echo-1').find((u) => u.state === 'TASK_RUNNING'));
    ack('echo-1', running.uuid!);
    const finished = await waitFor('FINISHED', () => updates('echo-1').find((u) => u.state === 'TASK_FINISHED'));
    // The container's checkpoints stay until its terminal update is acknowledged, then go.
    const containerDir = path.join(workDir, 'run', 'containers', finished.container_status!.container_id!.value);
    assert.ok(existsSync(path.join(containerDir, 'termination.json')));
    ack('echo-1', finished.uuid!);
    await waitFor('the container forgotten', () => !existsSync(containerDir));

    const distinct = [...new Map(updates('echo-1').map((u) => [u.uuid, u])).values()];
    assert.deepEqual(distinct.map((u) => u.state), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    for (const u of distinct) {
      assert.equal(Buffer.from(u.uuid!, 'base64').length, 16);
      assert.equal(u.source, 'SOURCE_EXECUTOR');
      assert.equal(u.executor_id?.value, 'echo-1');
      assert.equal(u.agent_id?.value, master.agentId);
      assert.equal(u.streamId, master.streamId);
      assert.ok(u.container_status?.container_id?.value);
      assert.ok(typeof u.timestamp === 'number');
    }
    assert.equal(finished.message, 'Command exited with status 0');
  });

  it('reports the sandbox in /state (the way a user finds it) with stdout and latest links', async () => {
    const state = await getJson('/state');
    assert.equal(state['id'], master.agentId);
    assert.equal(state['pid'], agent.pid);
    const frameworks = [...(state['frameworks'] as Array<Record<string, unknown>>), ...(state['completed_frameworks'] as Array<Record<string, unknown>>)];
    const executors = frameworks.flatMap((f) => [
      ...(f['executors'] as Array<Record<string, unknown>>),
      ...(f['completed_executors'] as Array<Record<string, unknown>>),
    ]);
    const executor = executors.find((e) => e['id'] === 'echo-1')!;
    assert.ok(executor, 'echo-1 executor in /state');
    const directory = executor['directory'] as string;
    assert.equal(
      directory,
      path.join(workDir, 'slaves', master.agentId, 'frameworks', 'fw-1', 'executors', 'echo-1', 'runs', executor['container'] as string),
    );
    assert.equal(await readFile(path.join(directory, 'stdout'), 'utf8'), 'hi\n');
    const runsLatest = path.join(workDir, 'slaves', master.agentId, 'frameworks', 'fw-1', 'executors', 'echo-1', 'runs', 'latest');
    assert.equal(await realpath(runsLatest), await realpath(directory));
    assert.equal(await realpath(path.join(workDir, 'slaves', 'latest')), await realpath(path.join(workDir, 'slaves', master.agentId)));

    const metrics = await getJson('/metrics/snapshot');
    assert.equal(metrics['slave/tasks_finished'], 1);
    assert.equal(metrics['slave/registered'], 1);
    assert.equal(metrics['slave/cpus_total'], 2);
    assert.equal(metrics['system/cpus_total'], os.cpus().length);
    assert.equal(metrics['system/mem_total_bytes'], os.totalmem());
  });

  it('reregisters after the stream drops and resends the unacknowledged update', async () => {
    runTask('sleep-1', 'sleep 30');
    const starting = await waitFor('STARTING', () => updates('sleep-1').find((u) => u.state === 'TASK_STARTING'));
    ack('sleep-1', starting.uuid!);
    const running = await waitFor('RUNNING', () => updates('sleep-1').find((u) => u.state === 'TASK_RUNNING'));
    const oldStream = master.streamId;
    master.dropStream();
    const reregister = await waitFor('REREGISTER', () =>
      master.registrations.find((r): r is Extract<AgentCall, { type: 'REREGISTER' }> => r.type === 'REREGISTER'),
    );
    assert.equal(reregister.reregister.agent_info.id.value, master.agentId);
    const task = reportedTasks(reregister.reregister).find((t) => t.task_id.value === 'sleep-1');
    assert.equal(task?.state, 'TASK_RUNNING');
    assert.deepEqual(reregister.reregister.frameworks.map((f) => f.id?.value), ['fw-1']);
    const resent = await waitFor('RUNNING resent on the new stream', () =>
      updates('sleep-1').find((u) => u.uuid === running.uuid && u.streamId !== oldStream),
    );
    assert.equal(resent.streamId, master.streamId);
    ack('sleep-1', running.uuid!);
  });

  it('kills a running task with its grace period and answers TASK_LOST for an unknown task', async () => {
    master.send({
      type: 'KILL_TASK',
      kill_task: { framework_id: framework.id, task_id: { value: 'sleep-1' }, kill_policy: { grace_period: { nanoseconds: 1e9 } } },
    });
    const killed = await waitFor('KILLED', () => updates('sleep-1').find((u) => u.state === 'TASK_KILLED'));
    // While the framework is still on the agent (its last task is not acknowledged yet), an unknown task is LOST.
    master.send({ type: 'KILL_TASK', kill_task: { framework_id: framework.id, task_id: { value: 'ghost' } } });
    const lost = await waitFor('LOST', () => updates('ghost').find((u) => u.state === 'TASK_LOST'));
    assert.equal(lost.reason, 'REASON_EXECUTOR_TERMINATED');
    assert.equal(lost.source, 'SOURCE_AGENT');
    assert.equal(lost.message, 'Cannot find executor');
    ack('ghost', lost.uuid!);
    ack('sleep-1', killed.uuid!);
    const metrics = await getJson('/metrics/snapshot');
    assert.equal(metrics['slave/tasks_killed'], 1);
    assert.equal(metrics['slave/tasks_lost'], 1);
  });

  it('fails to start on a taken port with a clear error', async () => {
    const other = new Agent({
      masterUrl: master.url,
      ip: '127.0.0.1',
      port: agent.port,
      hostname: 'localhost',
      workDir,
      resources: [],
      attributes: [],
      containerizer: new MesosContainerizer({ isolation: 'posix/cpu,posix/mem', runtimeDir: path.join(workDir, 'run2'), launcherPath }),
    });
    await assert.rejects(other.start(), { message: `Failed to bind to 127.0.0.1:${agent.port}: Address already in use` });
  });
});

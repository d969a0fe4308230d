/**
 * Recovery of custom executors inside one process: a real Agent is stopped
 * (tasks left running) and a second one starts on the same work_dir and port
 * with a containerizer that still has the containers. The test plays the
 * master (FakeMaster) and the executor (v1 executor API over HTTP).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import type { ContainerInfoRuntime, Containerizer } from '../../../src/agent/containerizer/containerizer.js';
import type { ExecutorEvent } from '../../../src/agent/executor-api.js';
import type { AgentCall } from '../../../src/mesos/agent-protocol.js';
import { reportedTasks } from '../../../src/mesos/agent-task-sets.js';
import type { ExecutorInfo, TaskInfo, TaskStatus } from '../../../src/mesos/types.js';
import { type OpenStream, openStream, postJson } from '../../../src/transport/stream-client.js';
import { FakeMaster, waitFor } from './fake-master.js';
import { ScriptedContainerizer } from './scripted-containerizer.js';

const framework = { id: { value: 'fw-1' }, name: 'test', user: 'nobody', checkpoint: true };
type StatusCall = Extract<AgentCall, { type: 'STATUS_UPDATE' }>;
type Reregister = Extract<AgentCall, { type: 'REREGISTER' }>;

/** A scripted containerizer that keeps its containers across agents, as processes outlive the agent. */
function recoverableContainerizer(): ScriptedContainerizer {
  const containerizer = new ScriptedContainerizer();
  const seam: Containerizer = containerizer;
  seam.recover = async (ids: string[]): Promise<ContainerInfoRuntime[]> =>
    ids.filter((id) => containerizer.launched.some((c) => c.containerId === id)).map((containerId) => ({ containerId, pid: 4242 }));
  return containerizer;
}

const uuids = new Map<string, string>();
/** A valid (16-byte, base64) uuid per name. */
function uuid(name: string): string {
  if (!uuids.has(name)) uuids.set(name, randomBytes(16).toString('base64'));
  return uuids.get(name)!;
}

describe('agent recovery of custom executors', () => {
  let workDir: string;
  let master: FakeMaster;
  let port = 0;
  const agents: Agent[] = [];
  const streams: OpenStream[] = [];
  const containerizer = recoverableContainerizer();

  const updates = (taskId: string): TaskStatus[] =>
    master.callsOf('STATUS_UPDATE').filter((c: StatusCall) => c.status_update.status.task_id.value === taskId).map((c) => c.status_update.status);

  function executorInfo(id: string): ExecutorInfo {
    return { executor_id: { value: id }, name: id, command: { value: './my-executor' } };
  }

  function task(id: string, executor: ExecutorInfo): TaskInfo {
    return { name: id, task_id: { value: id }, agent_id: { value: master.agentId }, executor };
  }

  async function startAgent(): Promise<Agent> {
    const agent = new Agent({
      masterUrl: master.url,
      ip: '127.0.0.1',
      port,
      hostname: 'localhost',
      workDir,
      resources: [],
      attributes: [],
      containerizer,
      executorRegistrationTimeoutMs: 60_000,
      executorReregistrationTimeoutMs: 500,
      statusUpdateRetry: { minMs: 5000, maxMs: 5000 },
    });
    agents.push(agent);
    await agent.start();
    port = agent.port;
    return agent;
  }

  async function subscribe(executorId: string, subscribe: Record<string, unknown> = {}): Promise<ExecutorEvent[]> {
    const events: ExecutorEvent[] = [];
    const stream = await openStream(
      `http://127.0.0.1:${port}/slave(1)/api/v1/executor`,
      { type: 'SUBSCRIBE', framework_id: framework.id, executor_id: { value: executorId }, subscribe },
      { onEvent: (e) => events.push(e as ExecutorEvent), onClose: () => {} },
    );
    streams.push(stream);
    return events;
  }

  async function executorUpdate(executorId: string, taskId: string, state: TaskStatus['state'], uuid: string): Promise<void> {
    await postJson(`http://127.0.0.1:${port}/slave(1)/api/v1/executor`, {
      type: 'UPDATE',
      framework_id: framework.id,
      executor_id: { value: executorId },
      update: { status: { task_id: { value: taskId }, state, uuid, source: 'SOURCE_EXECUTOR' } },
    });
  }

  before(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'meseta-agent-recovery-'));
    master = new FakeMaster();
    await master.start();
  });

  after(async () => {
    for (const stream of streams) stream.close();
    for (const agent of agents) await agent.stop({ killTasks: false });
    await master.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('re-adopts executors: one resubscribes, one never subscribed gets its queued task, one silent is destroyed', async () => {
    const first = await startAgent();
    await waitFor('registration', () => first.id);
    // ex-1: subscribes, runs t1 (RUNNING, acknowledged) and is handed t1b, for which it sends nothing.
    master.send({ type: 'RUN_TASK', run_task: { framework, task: task('t1', executorInfo('ex-1')) } });
    await waitFor('ex-1 launched', () => containerizer.launched.find((c) => c.env['MESOS_EXECUTOR_ID'] === 'ex-1'));
    const events1 = await subscribe('ex-1');
    await waitFor('LAUNCH t1', () => events1.some((e) => e.type === 'LAUNCH'));
    await executorUpdate('ex-1', 't1', 'TASK_RUNNING', uuid('t1-running'));
    await waitFor('t1 RUNNING at the master', () => updates('t1').length === 1);
    master.send({ type: 'ACKNOWLEDGE', acknowledge: { framework_id: framework.id, task_id: { value: 't1' }, uuid: uuid('t1-running') } });
    master.send({ type: 'RUN_TASK', run_task: { framework, task: task('t1b', executorInfo('ex-1')) } });
    await waitFor('LAUNCH t1b', () => events1.filter((e) => e.type === 'LAUNCH').length === 2);
    // ex-2: launched but never subscribes before the crash: t2 stays queued.
    master.send({ type: 'RUN_TASK', run_task: { framework, task: task('t2', executorInfo('ex-2')) } });
    // ex-3: subscribes, runs t3, then stays silent after the restart.
    master.send({ type: 'RUN_TASK', run_task: { framework, task: task('t3', executorInfo('ex-3')) } });
    await waitFor('ex-2 and ex-3 launched', () => containerizer.launched.length === 3);
    const events3 = await subscribe('ex-3');
    await waitFor('LAUNCH t3', () => events3.some((e) => e.type === 'LAUNCH'));
    await executorUpdate('ex-3', 't3', 'TASK_RUNNING', uuid('t3-running'));
    await waitFor('t3 RUNNING at the master', () => updates('t3').length === 1);
    // The ACK for t1 reaches the agent before it stops.
    await new Promise((r) => setTimeout(r, 100));

    await first.stop({ killTasks: false });
    for (const stream of streams.splice(0)) stream.close();
    const registrations = master.registrations.length;
    const second = await startAgent();
    assert.equal(second.port, first.port);
    const reregister = (await waitFor('REREGISTER', () => master.registrations[registrations])) as Reregister;
    assert.equal(reregister.type, 'REREGISTER');
    assert.equal(reregister.reregister.agent_info.id.value, master.agentId);
    const states = Object.fromEntries(reportedTasks(reregister.reregister).map((t) => [t.task_id.value, t.state]));
    assert.deepEqual(states, { t1: 'TASK_RUNNING', t1b: 'TASK_STAGING', t2: 'TASK_STAGING', t3: 'TASK_RUNNING' });
    assert.deepEqual(reregister.reregister.executors.map((e) => e.executor_id.value).sort(), ['ex-1', 'ex-2', 'ex-3']);
    // t3's RUNNING was never acknowledged: it is sent again.
    await waitFor('t3 RUNNING re-sent', () => updates('t3').length === 2);
    assert.equal(updates('t3')[1]!.uuid, uuid('t3-running'));
    master.send({ type: 'ACKNOWLEDGE', acknowledge: { framework_id: framework.id, task_id: { value: 't3' }, uuid: uuid('t3-running') } });

    // ex-1 resubscribes; t1b it never acknowledged as received is reported lost.
    const again1 = await subscribe('ex-1', { unacknowledged_tasks: [], unacknowledged_updates: [] });
    await waitFor('SUBSCRIBED', () => again1.some((e) => e.type === 'SUBSCRIBED'));
    const lost = await waitFor('t1b LOST', () => updates('t1b').find((s) => s.state === 'TASK_LOST'));
    assert.equal(lost.reason, 'REASON_AGENT_RESTARTED');
    assert.equal(lost.message, 'Task launched during agent restart');
    await executorUpdate('ex-1', 't1', 'TASK_FINISHED', uuid('t1-finished'));
    await waitFor('t1 FINISHED at the master', () => updates('t1').some((s) => s.state === 'TASK_FINISHED'));

    // ex-2 subscribes for the first time and receives its queued task.
    const events2 = await subscribe('ex-2');
    const launch = await waitFor('LAUNCH t2', () => events2.find((e) => e.type === 'LAUNCH'));
    assert.equal((launch as Extract<ExecutorEvent, { type: 'LAUNCH' }>).launch.task.task_id.value, 't2');

    // ex-3 never comes back: destroyed after --executor_reregistration_timeout, its task failed.
    const failed = await waitFor('t3 FAILED', () => updates('t3').find((s) => s.state === 'TASK_FAILED'), 5_000);
    assert.equal(failed.reason, 'REASON_EXECUTOR_TERMINATED');
    assert.match(failed.message ?? '', /did not reregister within/);
    const ex3 = containerizer.launched.find((c) => c.env['MESOS_EXECUTOR_ID'] === 'ex-3')!;
    assert.ok(containerizer.destroyed.some((d) => d.containerId === ex3.containerId));
    assert.ok(!containerizer.destroyed.some((d) => d.containerId !== ex3.containerId));
  });
});

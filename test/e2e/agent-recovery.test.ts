/**
 * Agent recovery with separate `meseta master` and `meseta agent` processes:
 * a restarted agent (same work_dir) re-adopts what it was running, reports
 * what ended while it was down with the real exit status, re-sends
 * unacknowledged updates, and `--recover=cleanup` kills the old work;
 * `--reconfiguration_policy` decides whether changed resources may recover. A
 * partitioned agent (SIGSTOP past the ping allowance) gets its tasks back when
 * it returns. Every process is stopped by pid; task processes the test
 * learns of are killed in `after`.
 */
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskStatus } from '../../src/mesos/types.js';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor, type Proc } from './harness.js';
import { commandTask, RawScheduler } from './raw-scheduler.js';

interface Cluster {
  master: Proc;
  url: string;
  dir: string;
  agentPort: number;
  masterPort: number;
}

interface Task {
  id: string;
  state: string;
  slave_id: string;
}

interface MasterState {
  slaves: Array<{ id: string; active: boolean }>;
  frameworks: Array<{ id: string; tasks: Task[]; completed_tasks: Task[] }>;
}

const taskPids: number[] = [];
const schedulers: RawScheduler[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startCluster(masterFlags: string[] = []): Promise<Cluster> {
  const masterPort = await freePort();
  const agentPort = await freePort();
  const dir = tempDir('recovery');
  const master = meseta(['master', '--ip=127.0.0.1', `--port=${masterPort}`, `--work_dir=${join(dir, 'master')}`, ...masterFlags]);
  await master.waitForOutput(/Elected as the leading master!/);
  return { master, url: `http://127.0.0.1:${masterPort}`, dir, agentPort, masterPort };
}

/** Starts an agent on the cluster's fixed port and work_dir (a restart finds its checkpoints there). */
function startAgent(cluster: Cluster, extra: string[] = [], resources = 'cpus:2;mem:1024;disk:1024'): Proc {
  return meseta([
    'agent',
    `--master=127.0.0.1:${cluster.masterPort}`,
    '--ip=127.0.0.1',
    `--port=${cluster.agentPort}`,
    `--work_dir=${join(cluster.dir, 'agent')}`,
    `--runtime_dir=${join(cluster.dir, 'run')}`,
    `--resources=${resources}`,
    '--registration_backoff_factor=100ms',
    ...extra,
  ]);
}

async function masterState(cluster: Cluster): Promise<MasterState> {
  return getJson<MasterState>(`${cluster.url}/master/state`);
}

/** Waits until the master has exactly one active agent and returns its id. */
async function activeAgent(cluster: Cluster, timeoutMs = 20_000): Promise<string> {
  return waitFor(
    'an active agent',
    async () => {
      const state = await masterState(cluster);
      const active = state.slaves.filter((s) => s.active);
      return active.length === 1 ? active[0]!.id : undefined;
    },
    timeoutMs,
  );
}

async function masterTaskState(cluster: Cluster, taskId: string): Promise<string | undefined> {
  const state = await masterState(cluster);
  for (const framework of state.frameworks) {
    const task = framework.tasks.find((t) => t.id === taskId) ?? framework.completed_tasks.find((t) => t.id === taskId);
    if (task) return task.state;
  }
  return undefined;
}

async function framework(cluster: Cluster, info: Record<string, unknown>): Promise<RawScheduler> {
  const scheduler = new RawScheduler(cluster.url);
  schedulers.push(scheduler);
  await scheduler.subscribe({ name: 'recovery-test', checkpoint: true, ...info });
  return scheduler;
}

/** Launches a command task on the first offer; returns its TASK_RUNNING status (pid recorded for cleanup). */
async function launch(scheduler: RawScheduler, taskId: string, command: string): Promise<TaskStatus> {
  const [offer] = await scheduler.offers();
  await scheduler.launch(offer!, [commandTask(offer!, taskId, command, 0.2, 32)], 3600);
  const running = await scheduler.update(taskId, 'TASK_RUNNING');
  const pid = running.container_status?.executor_pid;
  assert.ok(pid, 'TASK_RUNNING carries the task pid');
  taskPids.push(pid);
  return running;
}

function updatesOf(scheduler: RawScheduler, taskId: string): TaskStatus[] {
  return scheduler.events
    .filter((e) => e.type === 'UPDATE')
    .map((e) => (e.update as { status: TaskStatus }).status)
    .filter((s) => s.task_id.value === taskId);
}

describe('agent recovery', () => {
  afterEach(async () => {
    for (const s of schedulers.splice(0)) s.close();
    await stopAll();
  });
  after(() => {
    for (const pid of taskPids) {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    cleanupDirs();
  });

  it('re-adopts a running task after kill -9 of the agent, under the same agent id, and can still kill it', async () => {
    const cluster = await startCluster();
    let agent = startAgent(cluster);
    const agentId = await activeAgent(cluster);
    const scheduler = await framework(cluster, {});
    const running = await launch(scheduler, 'survivor', 'sleep 60');
    const pid = running.container_status!.executor_pid!;

    await agent.stop('SIGKILL');
    assert.ok(alive(pid), 'the task outlives its agent');
    agent = startAgent(cluster);
    await agent.waitForOutput(/Recovering agent .*1 container\(s\), 1 task\(s\)/);
    assert.equal(await activeAgent(cluster), agentId, 'reregistered under the same agent id');
    await agent.waitForOutput(/Re-registered with master/);
    assert.equal(await masterTaskState(cluster, 'survivor'), 'TASK_RUNNING');
    const agentState = await getJson<{ id: string; frameworks: Array<{ executors: Array<{ tasks: Array<{ id: string; state: string }> }> }> }>(
      `http://127.0.0.1:${cluster.agentPort}/state`,
    );
    assert.equal(agentState.id, agentId);
    assert.equal(agentState.frameworks[0]?.executors[0]?.tasks[0]?.state, 'TASK_RUNNING');
    assert.ok(alive(pid), 'recovery did not restart or kill the task');

    await scheduler.call({ type: 'KILL', kill: { task_id: { value: 'survivor' }, agent_id: { value: agentId } } });
    const killed = await scheduler.update('survivor', 'TASK_KILLED');
    assert.equal(killed.agent_id?.value, agentId);
    await waitFor('the task process gone', () => !alive(pid), 10_000);
  });

  it('reports a task that ended while the agent was down with its real exit status', async () => {
    const cluster = await startCluster();
    let agent = startAgent(cluster);
    await activeAgent(cluster);
    const scheduler = await framework(cluster, {});
    const running = await launch(scheduler, 'ends-while-down', 'sleep 2; exit 3');
    const pid = running.container_status!.executor_pid!;

    await agent.stop('SIGKILL');
    await waitFor('the task to exit while no agent runs', () => !alive(pid), 15_000);
    assert.equal(updatesOf(scheduler, 'ends-while-down').filter((s) => s.state === 'TASK_FAILED').length, 0);
    agent = startAgent(cluster);
    const failed = await scheduler.update('ends-while-down', 'TASK_FAILED');
    assert.match(failed.message ?? '', /exited with status 3/);
    assert.equal(failed.source, 'SOURCE_EXECUTOR');
    await waitFor('the master to record the end', async () => (await masterTaskState(cluster, 'ends-while-down')) === 'TASK_FAILED');
  });

  it('re-sends an update left unacknowledged by the crash', async () => {
    const cluster = await startCluster();
    let agent = startAgent(cluster);
    await activeAgent(cluster);
    const scheduler = await framework(cluster, {});
    scheduler.autoAcknowledge = false;
    const [offer] = await scheduler.offers();
    await scheduler.launch(offer!, [commandTask(offer!, 'unacked', 'sleep 60', 0.2, 32)], 3600);
    const starting = await scheduler.update('unacked', 'TASK_STARTING');
    // TASK_RUNNING waits behind the unacknowledged TASK_STARTING; find the pid from the agent.
    const pid = await waitFor('the task pid on the agent', async () => {
      const state = await getJson<{ frameworks: Array<{ executors: Array<{ tasks: Array<{ statuses: Array<{ container_status?: { executor_pid?: number } }> }> }> }> }>(
        `http://127.0.0.1:${cluster.agentPort}/state`,
      );
      return state.frameworks[0]?.executors[0]?.tasks[0]?.statuses.find((s) => s.container_status?.executor_pid)?.container_status?.executor_pid;
    });
    taskPids.push(pid);

    await agent.stop('SIGKILL');
    const before = updatesOf(scheduler, 'unacked').filter((s) => s.uuid === starting.uuid).length;
    agent = startAgent(cluster);
    await waitFor('TASK_STARTING delivered again', () => updatesOf(scheduler, 'unacked').filter((s) => s.uuid === starting.uuid).length > before);
    await scheduler.acknowledge(starting);
    const running = await scheduler.update('unacked', 'TASK_RUNNING');
    await scheduler.acknowledge(running);
    assert.ok(alive(pid));
    await scheduler.call({ type: 'KILL', kill: { task_id: { value: 'unacked' }, agent_id: running.agent_id } });
    await scheduler.update('unacked', 'TASK_KILLED');
  });

  it('--recover=cleanup kills the old task and exits; the next start reports the kill', async () => {
    const cluster = await startCluster();
    let agent = startAgent(cluster);
    const agentId = await activeAgent(cluster);
    const scheduler = await framework(cluster, {});
    const running = await launch(scheduler, 'cleaned', 'sleep 60');
    const pid = running.container_status!.executor_pid!;

    await agent.stop('SIGKILL');
    const cleanup = startAgent(cluster, ['--recover=cleanup']);
    const exit = await cleanup.waitExit(30_000);
    assert.equal(exit.code, 0, cleanup.stderr);
    assert.ok(!alive(pid), 'cleanup killed the task');
    assert.match(cleanup.stdout + cleanup.stderr, /Cleanup finished/);

    agent = startAgent(cluster);
    const killed = await scheduler.update('cleaned', 'TASK_KILLED').catch((error: Error) => {
      throw new Error(`${error.message}\n--- cleanup ---\n${cleanup.stdout}${cleanup.stderr}\n--- agent ---\n${agent.stdout}${agent.stderr}`);
    });
    assert.equal(killed.agent_id?.value, agentId);
  });

  it('does not recover tasks of frameworks without checkpointing: they are killed and reported lost', async () => {
    const cluster = await startCluster();
    let agent = startAgent(cluster);
    const agentId = await activeAgent(cluster);
    const scheduler = await framework(cluster, { checkpoint: false });
    const running = await launch(scheduler, 'not-checkpointed', 'sleep 60');
    const pid = running.container_status!.executor_pid!;
    const containerId = running.container_status!.container_id!.value;
    // As Mesos: nothing of the framework's is checkpointed, so its container is an orphan to the next agent.
    const agentMeta = join(cluster.dir, 'agent', 'meta', 'slaves', agentId);
    assert.ok(existsSync(join(agentMeta, 'slave.info')), 'the agent checkpoints itself where the test looks');
    assert.ok(!existsSync(join(agentMeta, 'frameworks', scheduler.frameworkId)));
    assert.ok(existsSync(join(cluster.dir, 'run', 'containers', containerId)));

    await agent.stop('SIGKILL');
    agent = startAgent(cluster);
    const lost = await scheduler.update('not-checkpointed', 'TASK_LOST');
    assert.equal(lost.reason, 'REASON_AGENT_RESTARTED');
    await waitFor('the orphaned task killed', () => !alive(pid), 10_000);
    await agent.waitForOutput(new RegExp(`Destroying orphan container ${containerId}`));
    await waitFor('the orphan forgotten', () => !existsSync(join(cluster.dir, 'run', 'containers', containerId)), 10_000);
  });

  it('--reconfiguration_policy: fewer cpus stop the restart with one clear line; additive lets more cpus recover the task', async () => {
    const cluster = await startCluster();
    let agent = startAgent(cluster);
    const agentId = await activeAgent(cluster);
    const scheduler = await framework(cluster, {});
    const running = await launch(scheduler, 'reconfigured', 'sleep 60');
    const pid = running.container_status!.executor_pid!;

    await agent.stop('SIGKILL');
    const refused = startAgent(cluster, [], 'cpus:1;mem:1024;disk:1024');
    const exit = await refused.waitExit(30_000);
    assert.notEqual(exit.code, 0, 'the agent refuses to start');
    const lines = (refused.stdout + refused.stderr).split('\n').filter((l) => /Configuration change not permitted/.test(l));
    assert.equal(lines.length, 1, refused.stdout + refused.stderr);
    assert.match(lines[0]!, /under 'equal' policy: Resources changed from .*cpus\(\*\):2.* to .*cpus\(\*\):1/);
    assert.ok(alive(pid), 'a refused restart leaves the task running');

    const shrunk = startAgent(cluster, ['--reconfiguration_policy=additive'], 'cpus:1;mem:1024;disk:1024');
    assert.notEqual((await shrunk.waitExit(30_000)).code, 0);
    assert.match(shrunk.stdout + shrunk.stderr, /under 'additive' policy: Value of scalar resource 'cpus' decreased from 2 to 1/);

    agent = startAgent(cluster, ['--reconfiguration_policy=additive'], 'cpus:4;mem:1024;disk:1024');
    await agent.waitForOutput(/Recovering agent .*1 task\(s\)/);
    await agent.waitForOutput(/Re-registered with master/);
    assert.equal(await activeAgent(cluster), agentId, 'same agent id');
    assert.equal(await masterTaskState(cluster, 'reconfigured'), 'TASK_RUNNING');
    assert.ok(alive(pid), 'the task survived every restart');
  });

  it('starts as a new agent after a reboot (boot id changed)', async () => {
    const cluster = await startCluster();
    let agent = startAgent(cluster);
    const first = await activeAgent(cluster);
    await agent.stop('SIGTERM');
    writeFileSync(join(cluster.dir, 'agent', 'meta', 'boot_id'), 'an-earlier-boot\n');
    agent = startAgent(cluster);
    await agent.waitForOutput(/Agent host rebooted/);
    const second = await waitFor('a new agent id', async () => {
      const state = await masterState(cluster);
      return state.slaves.find((s) => s.active && s.id !== first)?.id;
    });
    assert.notEqual(second, first);
  });

  it('a partitioned agent that returns gets its tasks back; a framework torn down meanwhile has its task shut down', async () => {
    const cluster = await startCluster(['--agent_ping_timeout=1secs', '--max_agent_ping_timeouts=2']);
    const agent = startAgent(cluster);
    const agentId = await activeAgent(cluster);
    const aware = await framework(cluster, { name: 'aware', capabilities: [{ type: 'PARTITION_AWARE' }] });
    await launch(aware, 'partitioned', 'sleep 60');
    const torn = await framework(cluster, { name: 'torn' });
    const tornRunning = await launch(torn, 'orphaned-by-teardown', 'sleep 60');
    const tornPid = tornRunning.container_status!.executor_pid!;

    process.kill(agent.pid, 'SIGSTOP');
    try {
      const unreachable = await aware.update('partitioned', 'TASK_UNREACHABLE', 30_000);
      assert.equal(unreachable.reason, 'REASON_AGENT_REMOVED');
      await torn.call({ type: 'TEARDOWN' });
      await waitFor('the framework removed', async () => !(await masterState(cluster)).frameworks.some((f) => f.id === torn.frameworkId));
    } finally {
      process.kill(agent.pid, 'SIGCONT');
    }
    // The launch's TASK_RUNNING came first; this one is the master's, after reregistration.
    const back = await waitFor(
      'TASK_RUNNING again',
      () => updatesOf(aware, 'partitioned').find((s) => s.state === 'TASK_RUNNING' && s.reason === 'REASON_AGENT_REREGISTERED'),
      30_000,
    );
    assert.equal(back.agent_id?.value, agentId);
    assert.equal(await activeAgent(cluster), agentId);
    assert.equal(await masterTaskState(cluster, 'partitioned'), 'TASK_RUNNING');
    await waitFor('the torn-down framework\'s task shut down', () => !alive(tornPid), 15_000);
  });
});

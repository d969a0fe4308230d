/**
 * Separate `meseta master` and `meseta agent` processes: an agent killed with
 * SIGKILL becomes unreachable after agent_ping_timeout × max_agent_ping_timeouts,
 * and its tasks are reported TASK_UNREACHABLE (PARTITION_AWARE) or TASK_LOST.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor, type Proc } from './harness.js';
import { commandTask, RawScheduler } from './raw-scheduler.js';

describe('agent loss', () => {
  let master: Proc;
  let agent: Proc;
  let url: string;
  const taskPids: number[] = [];
  const schedulers: RawScheduler[] = [];

  before(async () => {
    const port = await freePort();
    const agentPort = await freePort();
    const dir = tempDir('unreachable');
    url = `http://127.0.0.1:${port}`;
    master = meseta(['master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(dir, 'master')}`, '--agent_ping_timeout=1secs', '--max_agent_ping_timeouts=2']);
    await master.waitForOutput(/Elected as the leading master!/);
    agent = meseta(['agent', `--master=127.0.0.1:${port}`, '--ip=127.0.0.1', `--port=${agentPort}`, `--work_dir=${join(dir, 'agent')}`, `--runtime_dir=${join(dir, 'run')}`, '--resources=cpus:2;mem:1024;disk:1024']);
    await waitFor('agent registered', async () => (await getJson<{ slaves: unknown[] }>(`${url}/master/state`)).slaves.length === 1);
  });
  after(async () => {
    for (const s of schedulers) s.close();
    for (const pid of taskPids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await stopAll();
    cleanupDirs();
  });

  it('marks a SIGKILLed agent unreachable and reports its tasks', async () => {
    const aware = new RawScheduler(url);
    const plain = new RawScheduler(url);
    schedulers.push(aware, plain);
    await aware.subscribe({ name: 'aware', capabilities: [{ type: 'PARTITION_AWARE' }] });
    const [offerA] = await aware.offers();
    // The rest of the offer is refused for an hour, so it goes to the second framework.
    await aware.launch(offerA, [commandTask(offerA, 'aware-task', 'sleep 60', 0.5, 64)], 3600);
    const runningA = await aware.update('aware-task', 'TASK_RUNNING');
    await plain.subscribe({ name: 'plain' });
    const [offerB] = await plain.offers();
    await plain.launch(offerB, [commandTask(offerB, 'plain-task', 'sleep 60', 0.5, 64)]);
    const runningB = await plain.update('plain-task', 'TASK_RUNNING');
    for (const status of [runningA, runningB]) {
      const pid = status.container_status?.executor_pid;
      if (pid) taskPids.push(pid);
    }

    await agent.stop('SIGKILL');
    const unreachable = await aware.update('aware-task', 'TASK_UNREACHABLE', 30_000);
    assert.equal(unreachable.reason, 'REASON_AGENT_REMOVED');
    assert.ok(unreachable.unreachable_time);
    const lost = await plain.update('plain-task', 'TASK_LOST', 30_000);
    assert.equal(lost.reason, 'REASON_AGENT_REMOVED');
    const metrics = await getJson<Record<string, number>>(`${url}/metrics/snapshot`);
    assert.equal(metrics['master/slaves_unreachable'], 1);
    // Task processes do not depend on the agent process: they are still alive.
    for (const pid of taskPids) assert.doesNotThrow(() => process.kill(pid, 0), `task pid ${pid} still running`);
  });
});

describe('agents that do not come back after a master failover', () => {
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('are marked unreachable after --agent_reregister_timeout, and stay so in the registry', async () => {
    const port = await freePort();
    const agentPort = await freePort();
    const dir = tempDir('reregister-timeout');
    const url = `http://127.0.0.1:${port}`;
    const masterArgs = ['master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(dir, 'master')}`, '--agent_reregister_timeout=4secs'];
    let master = meseta(masterArgs);
    await master.waitForOutput(/Elected as the leading master!/);
    const agent = meseta(['agent', `--master=127.0.0.1:${port}`, '--ip=127.0.0.1', `--port=${agentPort}`, `--work_dir=${join(dir, 'agent')}`, `--runtime_dir=${join(dir, 'run')}`, '--resources=cpus:1;mem:256;disk:256']);
    await waitFor('agent registered', async () => (await getJson<{ slaves: unknown[] }>(`${url}/master/state`)).slaves.length === 1);
    const agentId = (await getJson<{ slaves: Array<{ id: string }> }>(`${url}/master/state`)).slaves[0]!.id;
    // The agent is lost and the master restarts (a clean stop writes what its registry
    // still gathers); the new master recovers the agent from the registry.
    await agent.stop('SIGKILL');
    await master.stop('SIGTERM');
    master = meseta(masterArgs);
    await master.waitForOutput(/Elected as the leading master!/);
    const before = await getJson<Record<string, number>>(`${url}/metrics/snapshot`);
    assert.equal(before['master/slaves_unreachable'], 0, 'not before the timeout');
    await master.waitForOutput(new RegExp(`Agent ${agentId} did not reregister within 4secs after the master failover; marking it unreachable`), 15_000);
    await waitFor('the agent counted unreachable', async () => (await getJson<Record<string, number>>(`${url}/metrics/snapshot`))['master/slaves_unreachable'] === 1);
    // The next master reads it as unreachable from the registry at once.
    await master.stop('SIGTERM');
    master = meseta(masterArgs);
    await master.waitForOutput(/Elected as the leading master!/);
    assert.equal((await getJson<Record<string, number>>(`${url}/metrics/snapshot`))['master/slaves_unreachable'], 1);
  });
});

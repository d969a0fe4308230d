/**
 * Seed case 10: three masters with `--zk=zk://…/mesos --quorum=2`, an agent and
 * a framework given the same zk:// URL. One master leads; the others redirect
 * to it; killing the leader elects another, the agent reregisters, the
 * framework resubscribes, and the running task keeps running throughout.
 * ZooKeeper is real (Debian's package), never a fake.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SchedulerClient } from '../../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../../src/scheduler/master-detector.js';
import type { TaskStatus } from '../../src/mesos/types.js';
import { ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor, type Proc } from './harness.js';

interface MasterProc {
  proc: Proc;
  port: number;
  url: string;
}

describe('HA masters through ZooKeeper', zookeeperTestOptions(), () => {
  let zk: ZooKeeperEnsemble;
  let zkUrl: string;
  const masters: MasterProc[] = [];
  let agent: Proc | undefined;
  let client: SchedulerClient | undefined;
  let detector: ReturnType<typeof createMasterDetector> | undefined;
  const updates: TaskStatus[] = [];
  let taskPid: number | undefined;

  /** The master whose /master/state answers 200 (the others redirect). */
  async function leader(): Promise<MasterProc> {
    return waitFor('a leading master', async () => {
      for (const m of masters) {
        if (m.proc.child.exitCode !== null) continue;
        const response = await fetch(`${m.url}/master/state`, { redirect: 'manual' }).catch(() => undefined);
        if (response?.status === 200) return m;
      }
      return undefined;
    }, 30_000);
  }

  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 1 });
    zkUrl = zk.url('/mesos');
    const dir = tempDir('ha');
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const proc = meseta([
        'master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(dir, `m${i}`)}`,
        `--zk=${zkUrl}`, '--quorum=2', '--zk_session_timeout=3secs', '--agent_ping_timeout=1secs', '--max_agent_ping_timeouts=5',
      ]);
      masters.push({ proc, port, url: `http://127.0.0.1:${port}` });
    }
    await leader();
    agent = meseta([
      'agent', `--master=${zkUrl}`, '--ip=127.0.0.1', `--port=${await freePort()}`, `--work_dir=${join(dir, 'agent')}`,
      `--runtime_dir=${join(dir, 'run')}`, '--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]',
    ]);
  });
  after(async () => {
    client?.close();
    detector?.close();
    await agent?.stop();
    if (taskPid) {
      try {
        process.kill(taskPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await stopAll();
    await zk?.stopAll();
    cleanupDirs();
  });

  it('elects one leader; the others redirect to it and say they are not elected', async () => {
    const lead = await leader();
    await waitFor('agent registered with the leader', async () => (await getJson<{ slaves: unknown[] }>(`${lead.url}/master/state`)).slaves.length === 1);
    for (const m of masters.filter((x) => x !== lead)) {
      const state = await fetch(`${m.url}/master/state`, { redirect: 'manual' });
      assert.equal(state.status, 307);
      assert.equal(state.headers.get('location'), `//127.0.0.1:${lead.port}/master/state`);
      const redirect = await fetch(`${m.url}/master/redirect`, { redirect: 'manual' });
      assert.equal(redirect.headers.get('location'), `//127.0.0.1:${lead.port}`);
      const metrics = await getJson<Record<string, number>>(`${m.url}/metrics/snapshot`);
      assert.equal(metrics['master/elected'], 0);
      assert.equal((await fetch(`${m.url}/master/health`)).status, 200);
    }
  });

  it('keeps a running task through the loss of the leading master', async () => {
    detector = createMasterDetector(zkUrl);
    client = new SchedulerClient({ detector, autoAcknowledge: true, backoff: { initialMs: 200, maxMs: 1000 } });
    client.on('update', (status) => updates.push(status));
    let launched = false;
    client.on('offers', (offers) => {
      for (const offer of offers) {
        if (launched) {
          void client!.decline([offer.id], { refuse_seconds: 3600 }).catch(() => undefined);
          continue;
        }
        launched = true;
        void client!.launch([offer.id], [{
          name: 'survivor', task_id: { value: 'survivor' }, agent_id: offer.agent_id, command: { value: 'sleep 120' },
          resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }],
        }]);
      }
    });
    await client.subscribe({ user: 'root', name: 'ha-test', failover_timeout: 600, checkpoint: true });
    const running = await waitFor('TASK_RUNNING', () => updates.find((u) => u.state === 'TASK_RUNNING'), 30_000);
    taskPid = running.container_status?.executor_pid;

    const old = await leader();
    await old.proc.stop('SIGKILL');
    const next = await leader();
    assert.notEqual(next, old);
    // The agent reregisters with the new leader, bringing the task along.
    await waitFor('task known to the new leader', async () => {
      const state = await getJson<{ frameworks: Array<{ tasks: Array<{ id: string; state: string }> }> }>(`${next.url}/master/state`);
      return state.frameworks.some((f) => f.tasks.some((t) => t.id === 'survivor' && t.state === 'TASK_RUNNING'));
    }, 40_000);
    // The framework resubscribes with its id and reconciles: still running.
    const before = updates.length;
    await waitFor('framework resubscribed', async () => {
      try {
        await client!.reconcile([]);
        return true;
      } catch {
        return false;
      }
    }, 40_000, 500);
    const reconciled = await waitFor('reconciled TASK_RUNNING', () => updates.slice(before).find((u) => u.task_id.value === 'survivor' && u.state === 'TASK_RUNNING'), 20_000);
    assert.equal(reconciled.reason, 'REASON_RECONCILIATION');
    if (taskPid) assert.doesNotThrow(() => process.kill(taskPid!, 0), 'the task process never stopped');
    // Operator commands find the leader through ZooKeeper too.
    const tasks = meseta(['tasks', `--master=${zkUrl}`, '--json']);
    assert.equal((await tasks.waitExit(30_000)).code, 0, tasks.stderr);
    assert.match(tasks.stdout, /survivor/);
  });
});

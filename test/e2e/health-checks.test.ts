/**
 * Agent-side health checks (TaskInfo.health_check) on a real `meseta local`:
 * an HTTP check against `python3 -m http.server` turns healthy; a COMMAND
 * check `exit 1` reports healthy=false and kills the task after
 * consecutive_failures; a TCP check on a closed port fails. Then Marathon's
 * MESOS_HTTP check reaching tasksHealthy=1.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupDirs, freePort, getJson, startLocal, stopAll, waitFor, type LocalCluster } from './harness.js';
import { commandTask, RawScheduler } from './raw-scheduler.js';
import type { Offer, TaskInfo, TaskStatus } from '../../src/mesos/types.js';

const FAST = { delay_seconds: 0, interval_seconds: 1, timeout_seconds: 2, grace_period_seconds: 0 };

function updatesOf(scheduler: RawScheduler, taskId: string): TaskStatus[] {
  return scheduler.events
    .filter((e) => e.type === 'UPDATE')
    .map((e) => (e.update as { status: TaskStatus }).status)
    .filter((s) => s.task_id.value === taskId);
}

function withPort(task: TaskInfo, port: number): TaskInfo {
  task.resources!.push({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: port, end: port }] } });
  return task;
}

describe('agent health checks', { timeout: 120_000 }, () => {
  let cluster: LocalCluster | undefined;
  let scheduler: RawScheduler | undefined;

  after(async () => {
    scheduler?.close();
    await stopAll();
    cleanupDirs();
  });

  it('HTTP healthy, COMMAND failing to TASK_KILLED, TCP on a closed port unhealthy', async () => {
    const port = await freePort();
    const closedPort = await freePort();
    cluster = await startLocal({ flags: [`--resources=cpus:2;mem:1024;disk:1024;ports:[${port}-${port}]`] });
    scheduler = new RawScheduler(cluster.url);
    await scheduler.subscribe({ name: 'health-e2e', capabilities: [{ type: 'TASK_KILLING_STATE' }] });
    const [offer] = (await scheduler.offers()) as [Offer];
    const web = withPort(commandTask(offer, 'web', `exec python3 -m http.server ${port} --bind 127.0.0.1`), port);
    web.health_check = { type: 'HTTP', http: { port, path: '/' }, ...FAST, grace_period_seconds: 30, consecutive_failures: 30 };
    const bad = commandTask(offer, 'bad', 'sleep 120');
    bad.health_check = { type: 'COMMAND', command: { value: 'exit 1' }, ...FAST, consecutive_failures: 2 };
    bad.kill_policy = { grace_period: { nanoseconds: 500_000_000 } };
    const tcp = commandTask(offer, 'tcp', 'sleep 120');
    tcp.health_check = { type: 'TCP', tcp: { port: closedPort }, ...FAST, consecutive_failures: 1000 };
    await scheduler.launch(offer, [web, bad, tcp]);

    const healthy = await waitFor('web healthy', () => updatesOf(scheduler!, 'web').find((s) => s.healthy === true), 30_000);
    assert.equal(healthy.state, 'TASK_RUNNING');
    assert.equal(healthy.reason, 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED');

    const killed = await scheduler.update('bad', 'TASK_KILLED');
    assert.equal(killed.healthy, false);
    const badUpdates = updatesOf(scheduler, 'bad');
    const unhealthy = badUpdates.filter((s) => s.state === 'TASK_RUNNING' && s.healthy === false);
    assert.equal(unhealthy.length, 2, JSON.stringify(badUpdates.map((s) => [s.state, s.healthy])));
    assert.ok(unhealthy.every((s) => s.reason === 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED'));
    assert.ok(badUpdates.some((s) => s.state === 'TASK_KILLING'));

    const tcpUnhealthy = await waitFor('tcp unhealthy', () => updatesOf(scheduler!, 'tcp').find((s) => s.healthy === false), 30_000);
    assert.equal(tcpUnhealthy.state, 'TASK_RUNNING');
    assert.ok(!updatesOf(scheduler, 'tcp').some((s) => s.healthy === true));

    for (const id of ['web', 'tcp']) {
      await scheduler.call({ type: 'KILL', kill: { task_id: { value: id }, agent_id: offer.agent_id } });
      await scheduler.update(id, 'TASK_KILLED');
    }
    scheduler.close();
    await cluster.stop();
  });

  it('Marathon MESOS_HTTP check reaches tasksHealthy=1', async () => {
    const port = await freePort();
    const marathonPort = await freePort();
    cluster = await startLocal({ flags: [`--resources=cpus:2;mem:1024;disk:1024;ports:[${port}-${port}]`, `--marathon_port=${marathonPort}`] });
    const base = `http://127.0.0.1:${marathonPort}`;
    await waitFor('marathon up', async () => (await fetch(`${base}/v2/info`)).ok, 60_000);
    const app = {
      id: '/health-web',
      cmd: 'exec python3 -m http.server $PORT0 --bind 127.0.0.1',
      cpus: 0.1,
      mem: 64,
      instances: 1,
      portDefinitions: [{ port: 0 }],
      healthChecks: [{ protocol: 'MESOS_HTTP', portIndex: 0, path: '/', gracePeriodSeconds: 5, intervalSeconds: 1, maxConsecutiveFailures: 3 }],
    };
    const created = await fetch(`${base}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(app) });
    assert.equal(created.status, 201, await created.text());
    await waitFor(
      'tasksHealthy=1',
      async () => {
        const body = await getJson<{ app: { tasksHealthy: number; tasksRunning: number } }>(`${base}/v2/apps/health-web`);
        return body.app.tasksHealthy === 1 && body.app.tasksRunning === 1;
      },
      60_000,
    );
    const deleted = await fetch(`${base}/v2/apps/health-web`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    await waitFor('task killed', async () => {
      const state = await getJson<{ frameworks: Array<{ tasks: unknown[] }> }>(`${cluster!.url}/master/state`);
      return state.frameworks.every((f) => f.tasks.length === 0);
    }, 30_000);
    await cluster.stop();
  });
});

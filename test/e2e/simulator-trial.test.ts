/**
 * The README's "Trying apps on a simulated cluster", as a user runs it: a real
 * `meseta master`, `meseta simulate-agents` with rack attributes and a real
 * `meseta marathon`, driven through Marathon's REST API only. Checks what such
 * a trial is for: where an app's constraints put its instances, what stays
 * unplaced when they cannot all be met (and why, in `/v2/queue`), and how the
 * app's backoff paces relaunches of tasks that end (the simulator's `duration`
 * label); and a scheduling policy: two Marathons in roles weighted 3:1 sharing
 * the cluster as the master's weighted DRF divides it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor } from './harness.js';

const AGENTS = 100;
const RACKS = 5;

interface AppJson {
  app: { tasksRunning: number; tasksStaged: number };
}
interface TasksJson {
  tasks: Array<{ id: string; host: string; state: string }>;
}
interface SlavesJson {
  slaves: Array<{ hostname: string; attributes: Record<string, string | number> }>;
}
interface QueueJson {
  queue: Array<{
    app: { id: string };
    count: number;
    delay: { timeLeftSeconds: number; overdue: boolean };
    processedOffersSummary: { rejectSummaryLastOffers: Array<{ reason: string; declined: number }> };
  }>;
}

async function send(method: 'POST' | 'PUT', url: string, body: unknown): Promise<number> {
  const response = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

describe('trying Marathon apps on simulated agents', () => {
  let master: string;
  let marathon: string;

  before(async () => {
    const masterPort = await freePort();
    const marathonPort = await freePort();
    const dir = tempDir('simulator-trial');
    master = `http://127.0.0.1:${masterPort}`;
    marathon = `http://127.0.0.1:${marathonPort}`;
    meseta(['master', '--ip=127.0.0.1', `--port=${masterPort}`, `--work_dir=${join(dir, 'master')}`, '--quiet']);
    await waitFor('master up', async () => (await fetch(`${master}/health`)).ok);
    meseta([
      'simulate-agents',
      `--master=127.0.0.1:${masterPort}`,
      `--count=${AGENTS}`,
      `--attributes=rack:r{i%${RACKS}};zone:z{i%3}`,
      '--resources=cpus:4;mem:8192;disk:40960;ports:[31000-32000]',
      '--task_duration=1days',
      '--quiet',
    ]);
    await waitFor(`${AGENTS} agents active`, async () => (await getJson<Record<string, number>>(`${master}/metrics/snapshot`))['master/slaves_active'] === AGENTS);
    meseta(['marathon', `--master=127.0.0.1:${masterPort}`, '--http_address=127.0.0.1', `--http_port=${marathonPort}`, `--work_dir=${join(dir, 'marathon')}`, '--quiet']);
    await waitFor('Marathon subscribed', async () => (await getJson<Record<string, number>>(`${master}/metrics/snapshot`))['master/frameworks_active'] === 1);
  });
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  const running = (id: string, n: number, timeoutMs = 30_000): Promise<AppJson> =>
    waitFor(`${id} with ${n} tasks running`, async () => {
      const app = await getJson<AppJson>(`${marathon}/v2/apps${id}`);
      return app.app.tasksRunning === n ? app : undefined;
    }, timeoutMs, 100);

  it('spreads an app over racks and hosts as its constraints say', async () => {
    const instances = 50;
    const status = await send('POST', `${marathon}/v2/apps`, {
      id: '/shop/web',
      cmd: './serve --port $PORT0',
      cpus: 0.5,
      mem: 256,
      instances,
      constraints: [['rack', 'GROUP_BY', String(RACKS)], ['hostname', 'UNIQUE']],
    });
    assert.equal(status, 201);
    await running('/shop/web', instances);
    const rackOf = new Map((await getJson<SlavesJson>(`${master}/master/slaves`)).slaves.map((s) => [s.hostname, String(s.attributes.rack)]));
    const tasks = (await getJson<TasksJson>(`${marathon}/v2/apps/shop/web/tasks`)).tasks;
    const perRack = new Map<string, number>();
    for (const task of tasks) perRack.set(rackOf.get(task.host)!, (perRack.get(rackOf.get(task.host)!) ?? 0) + 1);
    assert.deepEqual([...perRack.values()], Array(RACKS).fill(instances / RACKS), `per rack: ${JSON.stringify([...perRack])}`);
    assert.equal(new Set(tasks.map((t) => t.host)).size, instances, 'one instance per host');
  });

  it('leaves what the constraints cannot place in the queue, saying why', async () => {
    assert.equal(await send('PUT', `${marathon}/v2/apps/shop/web`, { instances: AGENTS + 1 }), 200);
    await running('/shop/web', AGENTS, 60_000);
    const waiting = await waitFor('the instance left over, declined for its constraint', async () => {
      const entry = (await getJson<QueueJson>(`${marathon}/v2/queue`)).queue.find((q) => q.app.id === '/shop/web');
      const unfulfilled = entry?.processedOffersSummary.rejectSummaryLastOffers.find((r) => r.reason === 'UnfulfilledConstraint');
      return entry && unfulfilled && unfulfilled.declined > 0 ? entry : undefined;
    });
    assert.equal(waiting.count, 1);
    const app = await getJson<AppJson>(`${marathon}/v2/apps/shop/web`);
    assert.equal(app.app.tasksRunning, AGENTS, 'no second instance on any host');
  });

  it('relaunches tasks that end, after the app\'s backoff', async () => {
    const instances = 5;
    const status = await send('POST', `${marathon}/v2/apps`, {
      id: '/shop/worker',
      cmd: './work',
      cpus: 1,
      mem: 512,
      instances,
      labels: { duration: '1' },
    });
    assert.equal(status, 201);
    await running('/shop/worker', instances);
    const first = new Set((await getJson<TasksJson>(`${marathon}/v2/apps/shop/worker/tasks`)).tasks.map((t) => t.id));
    // Each task ends a second after it runs; the queue shows the delay before its relaunch.
    const delayed = await waitFor('a launch delay for /shop/worker', async () => {
      const entry = (await getJson<QueueJson>(`${marathon}/v2/queue`)).queue.find((q) => q.app.id === '/shop/worker');
      return entry && !entry.delay.overdue && entry.delay.timeLeftSeconds > 0 ? entry : undefined;
    }, 20_000, 100);
    assert.ok(delayed.count >= 1 && delayed.count <= instances, `waiting: ${delayed.count}`);
    const relaunched = await waitFor('relaunched worker tasks running', async () => {
      const tasks = (await getJson<TasksJson>(`${marathon}/v2/apps/shop/worker/tasks`)).tasks;
      const fresh = tasks.filter((t) => !first.has(t.id) && t.state === 'TASK_RUNNING');
      return fresh.length > 0 ? fresh : undefined;
    }, 30_000, 100);
    // A relaunch replaces an instance's ended task: same instance, next incarnation (`<instance>._app.<n>`).
    const instanceOf = (id: string): string => id.slice(0, id.lastIndexOf('._app.'));
    const firstInstances = new Set([...first].map(instanceOf));
    for (const task of relaunched) {
      assert.ok(firstInstances.has(instanceOf(task.id)), `${task.id} replaces one of the first instances`);
      assert.ok(Number(task.id.slice(task.id.lastIndexOf('._app.') + 6)) > 1, `${task.id} is a later incarnation`);
    }
    const metrics = await getJson<Record<string, number>>(`${master}/metrics/snapshot`);
    assert.ok(metrics['master/tasks_finished']! >= instances, `tasks finished: ${metrics['master/tasks_finished']}`);
  });
});

describe('trying role weights on simulated agents', () => {
  const agents = 20;
  const cpusPerAgent = 4;
  let master: string;
  const marathons: Record<'prod' | 'dev', string> = { prod: '', dev: '' };

  before(async () => {
    const masterPort = await freePort();
    const dir = tempDir('simulator-weights');
    master = `http://127.0.0.1:${masterPort}`;
    meseta(['master', '--ip=127.0.0.1', `--port=${masterPort}`, `--work_dir=${join(dir, 'master')}`, '--weights=prod=3,dev=1', '--quiet']);
    await waitFor('master up', async () => (await fetch(`${master}/health`)).ok);
    meseta(['simulate-agents', `--master=127.0.0.1:${masterPort}`, `--count=${agents}`, `--resources=cpus:${cpusPerAgent};mem:8192;ports:[31000-32000]`, '--quiet']);
    for (const role of ['prod', 'dev'] as const) {
      const port = await freePort();
      marathons[role] = `http://127.0.0.1:${port}`;
      meseta([
        'marathon',
        `--master=127.0.0.1:${masterPort}`,
        '--http_address=127.0.0.1',
        `--http_port=${port}`,
        `--mesos_role=${role}`,
        `--framework_name=marathon-${role}`,
        `--work_dir=${join(dir, role)}`,
        '--quiet',
      ]);
    }
    await waitFor('both Marathons subscribed', async () => {
      const metrics = await getJson<Record<string, number>>(`${master}/metrics/snapshot`);
      return metrics['master/slaves_active'] === agents && metrics['master/frameworks_active'] === 2;
    });
  });
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('shares the cpus 3:1 once tasks end and their cpus are offered again', async () => {
    // More instances than the cluster holds, each ending after 2 s and relaunched without backoff:
    // every freed cpu goes to the role furthest below its weighted share.
    for (const url of Object.values(marathons)) {
      const status = await send('POST', `${url}/v2/apps`, {
        id: '/batch',
        cmd: './crunch',
        cpus: 1,
        mem: 128,
        instances: 1000,
        labels: { duration: '2' },
        backoffSeconds: 0,
        backoffFactor: 1,
      });
      assert.equal(status, 201);
    }
    const total = agents * cpusPerAgent;
    const split = async (): Promise<{ prod: number; dev: number }> => {
      const roles = (await getJson<{ roles: Array<{ name: string; resources: { cpus?: number } }> }>(`${master}/master/roles`)).roles;
      const cpus = (name: string): number => roles.find((r) => r.name === name)?.resources.cpus ?? 0;
      return { prod: cpus('prod'), dev: cpus('dev') };
    };
    await waitFor('the cpus split 3:1 between prod and dev', async () => {
      const now = await split();
      return now.prod === (total * 3) / 4 && now.dev === total / 4;
    }, 60_000, 100);
    // Reaching 60/20 once is not enough: a master ignoring the weights passes through it on
    // its way from the first round's 80/0 to 40/40. So the split is read while every task ends
    // and is replaced four times (tasks of 2 s). It swings by a batch of tasks now and then (a
    // Marathon that has not yet seen its task end declines the freed cpus, which go to the other
    // role until it revives), so the test asks for prod ahead throughout and for its mean share
    // near 3/4, where equal weights would settle at 1/2.
    const readings: Array<{ prod: number; dev: number }> = [];
    for (const until = Date.now() + 8_000; Date.now() < until; ) {
      readings.push(await split());
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const r of readings) assert.ok(r.prod > r.dev && r.prod + r.dev <= total, `split ${JSON.stringify(r)} of ${JSON.stringify(readings)}`);
    const prodShare = readings.reduce((sum, r) => sum + r.prod / (r.prod + r.dev), 0) / readings.length;
    assert.ok(prodShare >= 0.65, `prod's mean share ${prodShare} of ${JSON.stringify(readings)}`);
  });
});

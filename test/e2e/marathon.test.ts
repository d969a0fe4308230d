/**
 * Marathon end to end: a real `meseta local` (agent 127.0.0.1) plus a second
 * `meseta agent` advertising hostname `localhost`, and a real
 * `meseta marathon` on a free port. The seeds' curl flows: basic-0 posted and
 * running, scaling under hostname UNIQUE with the queue saying why, a killed
 * task replaced, ports in the environment, an HTTP health check, 422s, SSE,
 * destroy, and a Marathon restart that loses nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { cleanupDirs, freePort, getJson, meseta, startLocal, stopAll, tempDir, waitFor, type LocalCluster, type Proc } from './harness.js';

interface Task {
  id: string;
  host: string;
  ports: number[];
  state: string;
  healthCheckResults: Array<{ alive: boolean }>;
}
interface AppInfo {
  id: string;
  instances: number;
  tasksRunning: number;
  tasksHealthy: number;
  tasks: Task[];
}

let cluster: LocalCluster;
let agent2: Proc;
let marathon: Proc;
let base = '';
let marathonDir = '';
let marathonPort = 0;
const events: Array<{ type: string; data: Record<string, unknown> }> = [];
let sse: http.ClientRequest | undefined;

async function startMarathon(): Promise<void> {
  marathon = meseta(['marathon', `--master=${cluster.master}`, `--http_port=${marathonPort}`, `--work_dir=${marathonDir}`, '--hostname=127.0.0.1', '--http_address=127.0.0.1']);
  await waitFor('marathon registered', async () => {
    if (marathon.child.exitCode !== null) throw new Error(`marathon exited: ${marathon.stderr}`);
    const info = await getJson<{ frameworkId: string | null }>(`${base}/v2/info`);
    return info.frameworkId !== null;
  });
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function app(id: string): Promise<AppInfo> {
  return (await getJson<{ app: AppInfo }>(`${base}/v2/apps/${id}`)).app;
}

function running(a: AppInfo): Task[] {
  return a.tasks.filter((t) => t.state === 'TASK_RUNNING');
}

/** Follows /v2/events, collecting every event. */
function followEvents(): void {
  sse = http.get(`${base}/v2/events`, { headers: { Accept: 'text/event-stream' } }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (type && data) events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
      }
    });
  });
  sse.on('error', () => undefined);
}

describe('marathon on meseta local', { timeout: 120_000 }, () => {
  before(async () => {
    cluster = await startLocal();
    const dir = tempDir('agent2');
    agent2 = meseta([
      'agent',
      `--master=${cluster.master}`,
      `--port=${await freePort()}`,
      '--ip=127.0.0.1',
      '--hostname=localhost',
      `--work_dir=${join(dir, 'work')}`,
      `--runtime_dir=${join(dir, 'run')}`,
      '--resources=cpus:2;mem:1024;disk:1000;ports:[32001-32500]',
    ]);
    await waitFor('second agent registered', async () => (await getJson<{ slaves: unknown[] }>(`${cluster.url}/master/state`)).slaves.length === 2);
    marathonPort = await freePort();
    marathonDir = tempDir('marathon');
    base = `http://127.0.0.1:${marathonPort}`;
    await startMarathon();
    followEvents();
    await waitFor('event stream attached', () => events.some((e) => e.type === 'event_stream_attached'));
  });

  after(async () => {
    sse?.destroy();
    await stopAll();
    cleanupDirs();
  });

  it('answers /ping, /v2/info and /v2/leader', async () => {
    assert.equal(await (await fetch(`${base}/ping`)).text(), 'pong');
    const info = await getJson<Record<string, unknown>>(`${base}/v2/info`);
    assert.equal(info['name'], 'marathon');
    assert.deepEqual(await getJson(`${base}/v2/leader`), { leader: `127.0.0.1:${marathonPort}` });
    const state = await getJson<{ frameworks: Array<{ name: string; id: string }> }>(`${cluster.url}/master/state`);
    assert.ok(state.frameworks.some((f) => f.name === 'marathon' && f.id === info['frameworkId']));
  });

  it('seed 21: basic-0 posted as in the seed → 201 and a running /bin/sh -c task', async () => {
    const body = `{"id":"basic-0","cmd":"while [ true ] ; do echo 'Hello hello' >> /mnt/test ; sleep 5 ; done","cpus":0.1,"mem":10.0,"instances":1}`;
    const created = await api('POST', '/v2/apps', body);
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), `${base}/v2/apps/basic-0`);
    assert.ok(created.headers.get('marathon-deployment-id'));
    assert.equal(created.json['id'], '/basic-0');
    const task = await waitFor('basic-0 running', async () => running(await app('basic-0'))[0]);
    assert.match(task.id, /^basic-0\.instance-[0-9a-f-]+\._app\.1$/);
    const tasks = await getJson<{ tasks: Task[] }>(`${base}/v2/tasks`);
    assert.ok(tasks.tasks.some((t) => t.id === task.id));
    if (existsSync('/mnt/test')) assert.match(readFileSync('/mnt/test', 'utf8'), /Hello hello/);
  });

  it('SSE: api_post_event, status_update_event and deployment_success arrive', async () => {
    await waitFor('events of basic-0', () => {
      const statuses = events.filter((e) => e.type === 'status_update_event' && e.data['appId'] === '/basic-0');
      return (
        events.some((e) => e.type === 'api_post_event' && (e.data['appDefinition'] as { id: string }).id === '/basic-0') &&
        statuses.some((e) => e.data['taskStatus'] === 'TASK_RUNNING') &&
        events.some((e) => e.type === 'deployment_success')
      );
    });
    const update = events.find((e) => e.type === 'status_update_event' && e.data['taskStatus'] === 'TASK_RUNNING')!;
    for (const field of ['slaveId', 'taskId', 'appId', 'host', 'ports', 'version', 'ipAddresses', 'timestamp']) assert.ok(field in update.data, field);
  });

  it('a killed task is replaced', async () => {
    const [task] = running(await app('basic-0'));
    const killed = await api('DELETE', `/v2/apps/basic-0/tasks/${task!.id}`);
    assert.equal(killed.status, 200);
    assert.equal((killed.json['task'] as Task).id, task!.id);
    const replacement = await waitFor('replacement running', async () => running(await app('basic-0')).find((t) => t.id !== task!.id));
    assert.match(replacement.id, /\._app\.2$/);
    assert.equal((await app('basic-0')).instances, 1);
  });

  it('seed 18: scale to 3 under hostname UNIQUE over 2 agents → 2 run, the queue says why', async () => {
    const created = await api('POST', '/v2/apps', { id: 'unique', cmd: 'sleep 1000', cpus: 0.1, mem: 16, constraints: [['hostname', 'UNIQUE', '']] });
    assert.equal(created.status, 201);
    await waitFor('unique running', async () => running(await app('unique')).length === 1);
    const scaled = await api('PUT', '/v2/apps/unique', { instances: 3 });
    assert.equal(scaled.status, 200);
    assert.ok(scaled.json['deploymentId']);
    const hosts = await waitFor('two running', async () => {
      const r = running(await app('unique'));
      return r.length === 2 ? r.map((t) => t.host).sort() : undefined;
    });
    assert.deepEqual(hosts, ['127.0.0.1', 'localhost']);
    const item = await waitFor('queue explains', async () => {
      const q = await getJson<{ queue: Array<Record<string, unknown>> }>(`${base}/v2/queue?embed=lastUnusedOffers`);
      const entry = q.queue.find((x) => (x['app'] as { id: string }).id === '/unique');
      const summary = entry?.['processedOffersSummary'] as { rejectSummaryLastOffers: Array<{ reason: string; declined: number }> } | undefined;
      return summary?.rejectSummaryLastOffers.some((r) => r.reason === 'UnfulfilledConstraint' && r.declined > 0) ? entry : undefined;
    });
    assert.equal(item['count'], 1);
    const unused = item['lastUnusedOffers'] as Array<{ reason: string[]; detail: string }>;
    assert.ok(unused.some((u) => u.reason.includes('UnfulfilledConstraint') && u.detail.includes('hostname:UNIQUE')));
    // The deployment waits for the third instance, so a change without force is refused.
    const locked = await api('PUT', '/v2/apps/unique', { instances: 1 });
    assert.equal(locked.status, 409);
    assert.match(String(locked.json['message']), /locked by one or more deployments/);
    const forced = await api('PUT', '/v2/apps/unique?force=true', { instances: 1 });
    assert.equal(forced.status, 200);
    await waitFor('scaled down to one', async () => (await app('unique')).tasks.length === 1);
  });

  it('portDefinitions port 0: PORT0 in the environment is the task port, from the offered range', async () => {
    const dir = tempDir('ports');
    const created = await api('POST', '/v2/apps', {
      id: '/ports/echo',
      cmd: `echo "$PORT0 $PORTS $HOST $MARATHON_APP_ID $PORT_WEB" > ${dir}/env.$MESOS_TASK_ID; sleep 1000`,
      cpus: 0.1,
      mem: 16,
      portDefinitions: [{ port: 0, name: 'web' }],
    });
    assert.equal(created.status, 201);
    const servicePort = (created.json['portDefinitions'] as Array<{ port: number }>)[0]!.port;
    assert.ok(servicePort >= 10000 && servicePort <= 20000);
    const task = await waitFor('echo running', async () => running(await app('ports/echo'))[0]);
    const line = await waitFor('env file', () => {
      const file = join(dir, `env.${task.id}`);
      return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
    });
    const port = task.ports[0]!;
    assert.ok((port >= 31000 && port <= 32000) || (port >= 32001 && port <= 32500), `port ${port}`);
    assert.equal(line, `${port} ${port} ${task.host} /ports/echo ${port}`);
  });

  it('an HTTP health check on python3 -m http.server $PORT0 becomes healthy', async () => {
    const created = await api('POST', '/v2/apps', {
      id: 'web',
      cmd: 'python3 -m http.server $PORT0',
      cpus: 0.1,
      mem: 64,
      constraints: [['hostname', 'IS', '127.0.0.1']],
      healthChecks: [{ protocol: 'HTTP', path: '/', gracePeriodSeconds: 30, intervalSeconds: 1, timeoutSeconds: 2, maxConsecutiveFailures: 3 }],
    });
    assert.equal(created.status, 201);
    const healthy = await waitFor('web healthy', async () => {
      const a = await app('web');
      return a.tasksHealthy === 1 ? a : undefined;
    }, 30_000);
    assert.equal(healthy.tasks[0]!.healthCheckResults[0]!.alive, true);
    await waitFor('health events', () => events.some((e) => e.type === 'health_status_changed_event' && e.data['appId'] === '/web' && e.data['alive'] === true));
    await waitFor('deployment of web finished', async () => (await getJson<unknown[]>(`${base}/v2/deployments`)).length === 0);
  });

  it('a rolling restart never drops below minimumHealthCapacity', async () => {
    const created = await api('POST', '/v2/apps', {
      id: 'roll',
      cmd: 'python3 -m http.server $PORT0',
      cpus: 0.1,
      mem: 32,
      instances: 2,
      constraints: [['hostname', 'IS', '127.0.0.1']],
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0.5 },
      healthChecks: [{ protocol: 'HTTP', gracePeriodSeconds: 30, intervalSeconds: 1, timeoutSeconds: 1 }],
    });
    assert.equal(created.status, 201);
    await waitFor('roll healthy', async () => (await app('roll')).tasksHealthy === 2, 30_000);
    const before = (await app('roll')).tasks.map((t) => t.id);
    await waitFor('roll deployed', async () => (await getJson<unknown[]>(`${base}/v2/deployments`)).length === 0);
    const restarted = await api('POST', '/v2/apps/roll/restart');
    assert.equal(restarted.status, 200);
    let lowest = Infinity;
    let highest = 0;
    await waitFor(
      'restart finished',
      async () => {
        const a = await app('roll');
        lowest = Math.min(lowest, a.tasksHealthy);
        highest = Math.max(highest, a.tasks.length);
        const deployments = await getJson<Array<{ id: string }>>(`${base}/v2/deployments`);
        return !deployments.some((d) => d.id === restarted.json['deploymentId']) && a.tasks.every((t) => !before.includes(t.id));
      },
      45_000,
      100,
    ).catch(async (error: Error) => {
      // Seen once in CI (not in 16 runs here): say what was stuck, for the next look.
      const roll = (text: string): string => text.split('\n').filter((l) => l.includes('roll')).slice(-40).join('\n');
      const deployments = await getJson(`${base}/v2/deployments`).catch(() => 'unavailable');
      throw new Error(
        `${error.message}\napp: ${JSON.stringify(await app('roll').catch(() => 'unavailable'))}\ndeployments: ${JSON.stringify(deployments)}\n` +
          `meseta local log:\n${roll(cluster.proc.stderr)}\nmarathon log:\n${roll(marathon.stderr)}`,
      );
    });
    assert.ok(lowest >= 2, `healthy dropped to ${lowest}`);
    assert.ok(highest <= 3, `ran ${highest} tasks at once (maximumOverCapacity 0.5 of 2 allows 3)`);
    assert.equal((await app('roll')).tasksHealthy, 2);
    assert.equal((await api('DELETE', '/v2/apps/roll')).status, 200);
  });

  it('a task failing its health check is killed and replaced', async () => {
    const created = await api('POST', '/v2/apps', {
      id: 'sick',
      cmd: 'sleep 1000',
      cpus: 0.1,
      mem: 16,
      healthChecks: [{ protocol: 'TCP', gracePeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 1, maxConsecutiveFailures: 1 }],
    });
    assert.equal(created.status, 201);
    const first = await waitFor('sick running', async () => running(await app('sick'))[0]);
    const kill = await waitFor('unhealthy kill event', () => events.find((e) => e.type === 'unhealthy_instance_kill_event' && e.data['appId'] === '/sick'), 30_000);
    assert.equal(kill.data['taskId'], first.id);
    assert.ok(events.some((e) => e.type === 'failed_health_check_event' && e.data['appId'] === '/sick'));
    await waitFor('a replacement', async () => running(await app('sick')).some((t) => t.id !== first.id), 30_000);
    const deleted = await api('DELETE', '/v2/apps/sick');
    assert.equal(deleted.status, 200);
  });

  it('422 for malformed apps, with Marathon paths; 400 for a body that is no JSON; 404 and 409', async () => {
    const bad: Array<[unknown, string]> = [
      [{ id: 'x', cmd: 'sleep 1', cpus: -1 }, '/cpus'],
      [{ id: 'x', cmd: 'sleep 1', instances: 'two' }, '/instances'],
      [{ id: 'x', cmd: 'sleep 1', constraints: [['hostname', 'NEAR']] }, '/constraints(0)'],
      [{ id: 'Bad_Id', cmd: 'sleep 1' }, '/id'],
      [{ id: 'x' }, '/'],
      [{ id: 'x', cmd: 'sleep 1', portDefinitions: [{ port: 80 }, { port: 80 }] }, '/portDefinitions'],
      [{ id: 'x', cmd: 'sleep 1', upgradeStrategy: { minimumHealthCapacity: 2, maximumOverCapacity: 1 } }, '/upgradeStrategy/minimumHealthCapacity'],
      [{ cmd: 'sleep 1' }, '/id'],
    ];
    for (const [body, path] of bad) {
      const r = await api('POST', '/v2/apps', body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.match(String(r.json['message']), /^(Object is not valid|Invalid JSON)$/);
      assert.ok((r.json['details'] as Array<{ path: string }>).some((d) => d.path === path), `${JSON.stringify(body)} → ${JSON.stringify(r.json)}`);
    }
    const notJson = await api('POST', '/v2/apps', '{"id": ');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json['message'], 'Invalid JSON');
    assert.equal((await api('GET', '/v2/apps/nope')).status, 404);
    assert.deepEqual((await api('GET', '/v2/apps/nope')).json, { message: "App '/nope' does not exist" });
    const dup = await api('POST', '/v2/apps', { id: 'basic-0', cmd: 'sleep 1' });
    assert.equal(dup.status, 409);
    assert.equal(dup.json['message'], 'An app with id [/basic-0] already exists.');
  });

  it('groups: the tree shows apps under their groups', async () => {
    const root = await getJson<{ id: string; apps: Array<{ id: string }>; groups: Array<{ id: string; apps: Array<{ id: string }> }> }>(`${base}/v2/groups`);
    assert.equal(root.id, '/');
    assert.ok(root.apps.some((a) => a.id === '/basic-0'));
    assert.deepEqual(root.groups.find((g) => g.id === '/ports')?.apps.map((a) => a.id), ['/ports/echo']);
  });

  it('a restarted Marathon keeps its apps and running tasks', async () => {
    const before = running(await app('basic-0')).map((t) => t.id);
    await marathon.stop();
    await startMarathon();
    const after = running(await app('basic-0')).map((t) => t.id);
    assert.deepEqual(after, before);
    const versions = await getJson<{ versions: string[] }>(`${base}/v2/apps/basic-0/versions`);
    assert.ok(versions.versions.length >= 1);
  });

  it('seed 16: destroy kills the tasks; the master task list empties', async () => {
    for (const id of ['basic-0', 'unique', 'ports/echo', 'web']) {
      const r = await api('DELETE', `/v2/apps/${id}`);
      assert.equal(r.status, 200);
      assert.ok(r.json['deploymentId']);
    }
    await waitFor('no apps', async () => (await getJson<{ apps: unknown[] }>(`${base}/v2/apps`)).apps.length === 0);
    await waitFor('master has no running tasks', async () => {
      const state = await getJson<{ frameworks: Array<{ tasks: Array<{ state: string }> }> }>(`${cluster.url}/master/state`);
      return state.frameworks.every((f) => f.tasks.every((t) => t.state !== 'TASK_RUNNING'));
    });
    assert.equal(agent2.child.exitCode, null);
  });
});

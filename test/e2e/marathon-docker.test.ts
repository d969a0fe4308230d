/**
 * Marathon Docker apps on the Docker containerizer, end to end: a real
 * `meseta local --containerizers=docker,mesos` with its built-in Marathon on a
 * free `--marathon_port`, the real Docker engine, and the seeds' app JSON
 * (seed 004: nginx.json, tomcat.json, the volumes app, the fixed-ports app).
 *
 * Nothing can be pulled here, so every seed's `docker.io/nginx` /
 * `docker.io/tomcat` image is replaced by the local `meseta/httpd:local`
 * (scripts/setup/docker-images.sh: busybox httpd serving /www on port 80).
 * Where the seed relies on what the real image does, the test says what it
 * adds: tomcat listens on 8080 (a `cmd` running httpd there), nginx's web root
 * /usr/share/nginx/html is /www in our image (the volume's containerPath).
 *
 * Cases: 14 (a running container reachable on a host port picked from the
 * offered range, an active task on the master), 15 (the container killed
 * with `docker kill` → a replacement), 16 (destroy → container stopped, the
 * master's task list empties), 17 (tomcat shape, with an HTTP health check
 * against the mapped host port), 19 (a RW volume), 20 (hostPort 31030,
 * servicePort 33180).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { DockerEngine } from '../../src/agent/containerizer/docker-engine.js';
import { DOCKER_LABELS } from '../../src/agent/containerizer/docker-naming.js';
import { cleanupDirs, freePort, getJson, startLocal, stopAll, tempDir, waitFor, type LocalCluster } from './harness.js';
import { NGINX, TOMCAT } from '../unit/marathon/seed-apps.js';

const SOCKET = '/var/run/docker.sock';
const HTTPD = 'meseta/httpd:local';
/** The index page of meseta/httpd:local. */
const HTTPD_PAGE = 'meseta-httpd-ok';
const PORTS = { begin: 31000, end: 31099 };
const FIXED_HOST_PORT = 31030;

const engine = new DockerEngine({ socketPath: SOCKET, callTimeoutMs: 10_000 });
const run = promisify(execFile);

async function dockerReady(): Promise<string | undefined> {
  if (!existsSync(SOCKET)) return `no Docker engine socket at ${SOCKET} (run scripts/setup/docker-images.sh)`;
  try {
    await engine.version();
  } catch (error) {
    return (error as Error).message;
  }
  if (!(await engine.imagePresent(HTTPD))) return `image ${HTTPD} is missing (run scripts/setup/docker-images.sh)`;
  return undefined;
}

const unavailable = await dockerReady();
if (unavailable && process.env.MESETA_REQUIRE_DOCKER === '1') {
  throw new Error(`MESETA_REQUIRE_DOCKER=1 but Docker is not usable: ${unavailable}`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen(port, '0.0.0.0', () => server.close(() => done(true)));
  });
}

/** The seed's JSON text (as posted with `curl -d @nginx.json`) with the image replaced by the local one. */
function seed(json: string): string {
  return json.replace(/"docker\.io\/(nginx|tomcat)"/, JSON.stringify(HTTPD));
}

// Seed 004's files as the user writes them: the same texts the unit tests validate.
const NGINX_JSON = NGINX;
const TOMCAT_JSON = TOMCAT;

const FIXED_PORTS_JSON = NGINX_JSON.replace('"hostPort": 0,"servicePort": 0', `"hostPort": ${FIXED_HOST_PORT},"servicePort": 33180`).replace('"id":"nginx"', '"id":"nginx-fixed"');

interface Task {
  id: string;
  appId: string;
  host: string;
  ports: number[];
  servicePorts: number[];
  state: string;
  healthCheckResults?: Array<{ alive: boolean }>;
}

interface MasterState {
  frameworks: Array<{ name: string; tasks: Array<{ id: string; state: string; container?: { type: string; docker?: { image: string } } }> }>;
}

describe('Marathon Docker apps (meseta local --containerizers=docker,mesos)', { skip: unavailable ?? false }, () => {
  let cluster: LocalCluster;
  let owner: string;
  let base = '';

  async function post(json: string): Promise<Response> {
    return fetch(`${base}/v2/apps`, { method: 'POST', headers: { 'Content-type': 'application/json' }, body: json });
  }

  async function runningTasks(appId: string, count = 1): Promise<Task[]> {
    return waitFor(`${count} running task(s) of ${appId}`, async () => {
      const { app } = await getJson<{ app: { tasks: Task[] } }>(`${base}/v2/apps/${appId}`);
      const tasks = app.tasks.filter((t) => t.state === 'TASK_RUNNING');
      return tasks.length === count ? tasks : undefined;
    }, 60_000, 200);
  }

  async function page(port: number, path = '/'): Promise<string> {
    return waitFor(`HTTP on 127.0.0.1:${port}${path}`, async () => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return response.ok ? response.text() : undefined;
    }, 20_000, 100);
  }

  /** The container running `taskId` (Marathon labels it MESOS_TASK_ID), among this agent's. */
  async function containerOf(taskId: string): Promise<{ id: string; names: string[]; state: string } | undefined> {
    return (await engine.listByLabel('MESOS_TASK_ID', taskId)).find((c) => c.labels[DOCKER_LABELS.owner] === owner);
  }

  async function destroy(appId: string): Promise<void> {
    const response = await fetch(`${base}/v2/apps/${appId}`, { method: 'DELETE' });
    assert.equal(response.status, 200);
    await waitFor(`${appId} gone`, async () => (await fetch(`${base}/v2/apps/${appId}`)).status === 404, 30_000, 200);
  }

  async function masterTasks(): Promise<Array<{ id: string; state: string; container?: { type: string; docker?: { image: string } } }>> {
    const state = await getJson<MasterState>(`${cluster.url}/master/state`);
    return state.frameworks.filter((f) => f.name === 'marathon').flatMap((f) => f.tasks);
  }

  before(async () => {
    assert.ok(await portFree(FIXED_HOST_PORT), `port ${FIXED_HOST_PORT} must be free for seed case 20`);
    const marathonPort = await freePort();
    cluster = await startLocal({
      flags: [
        '--containerizers=docker,mesos',
        '--docker_remove_delay=0ns',
        `--resources=cpus:4;mem:4096;disk:1024;ports:[${PORTS.begin}-${PORTS.end}]`,
        `--marathon_port=${marathonPort}`,
      ],
    });
    owner = resolve(cluster.workDir, 'agents', '0');
    base = `http://127.0.0.1:${marathonPort}`;
    await waitFor('Marathon registered', async () => (await getJson<{ frameworkId: string | null }>(`${base}/v2/info`)).frameworkId !== null, 30_000);
  });

  after(async () => {
    await stopAll();
    if (owner) for (const c of await engine.listByLabel(DOCKER_LABELS.owner, owner)) await engine.remove(c.id).catch(() => undefined);
    cleanupDirs();
  });

  it('seed 14: nginx.json → a running container answering on a host port from the offered range, an active Docker task on the master', async () => {
    const created = await post(seed(NGINX_JSON));
    assert.equal(created.status, 201, await created.clone().text());
    const [task] = await runningTasks('nginx');
    const hostPort = task!.ports[0]!;
    assert.ok(hostPort >= PORTS.begin && hostPort <= PORTS.end, `host port ${hostPort} from the offered range`);
    assert.match(await page(hostPort), new RegExp(HTTPD_PAGE));
    // /v2/tasks shows the same host port, and the service port given for servicePort 0.
    const { tasks } = await getJson<{ tasks: Task[] }>(`${base}/v2/tasks`);
    const listed = tasks.find((t) => t.id === task!.id);
    assert.deepEqual(listed?.ports, [hostPort]);
    assert.deepEqual(listed?.servicePorts, [10000]);
    // Seed: "only when the Mesos UI's Active Tasks lists it was the container really created".
    const active = (await masterTasks()).find((t) => t.id === task!.id);
    assert.equal(active?.state, 'TASK_RUNNING');
    assert.equal(active?.container?.type, 'DOCKER');
    assert.equal(active?.container?.docker?.image, HTTPD);
    const container = await containerOf(task!.id);
    assert.match(container?.names[0] ?? '', /^mesos-[^.]+\.[0-9a-f-]+$/, 'named mesos-<agent-id>.<container-id> (seed case 12)');
    assert.equal(container?.state, 'running');
  });

  it('seed 15: the container killed with docker kill → Marathon starts a replacement', async () => {
    const [old] = await runningTasks('nginx');
    const container = await containerOf(old!.id);
    assert.ok(container, 'the task has a container');
    await run('docker', ['kill', container.id]);
    const replacement = await waitFor('a replacement task running', async () => {
      const { app } = await getJson<{ app: { tasks: Task[] } }>(`${base}/v2/apps/nginx`);
      return app.tasks.find((t) => t.id !== old!.id && t.state === 'TASK_RUNNING');
    }, 60_000, 200);
    assert.match(await page(replacement.ports[0]!), new RegExp(HTTPD_PAGE));
  });

  it('seed 16: destroy → the container is stopped and the master task list empties', async () => {
    const [task] = await runningTasks('nginx');
    await destroy('nginx');
    await waitFor('no marathon task on the master', async () => (await masterTasks()).length === 0, 30_000, 200);
    await waitFor('container stopped', async () => {
      const c = await containerOf(task!.id);
      return c === undefined || c.state !== 'running';
    }, 30_000, 200);
  });

  it('seed 17: tomcat.json (containerPort 8080) the same way; an HTTP health check on the mapped host port passes', async () => {
    // The real tomcat image listens on 8080; ours is told to (a cmd), and the app gets a Marathon HTTP check.
    const app = JSON.parse(seed(TOMCAT_JSON)) as Record<string, unknown>;
    app['cmd'] = 'exec httpd -f -p 8080 -h /www';
    app['healthChecks'] = [{ protocol: 'HTTP', path: '/', portIndex: 0, gracePeriodSeconds: 30, intervalSeconds: 1, timeoutSeconds: 2, maxConsecutiveFailures: 3 }];
    const created = await post(JSON.stringify(app));
    assert.equal(created.status, 201, await created.clone().text());
    const [task] = await runningTasks('tomcat');
    assert.match(await page(task!.ports[0]!), new RegExp(HTTPD_PAGE));
    const healthy = await waitFor('tomcat healthy', async () => {
      const { app: info } = await getJson<{ app: { tasksHealthy: number; tasks: Task[] } }>(`${base}/v2/apps/tomcat`);
      return info.tasksHealthy === 1 ? info : undefined;
    }, 30_000, 200);
    assert.deepEqual(healthy.tasks[0]!.healthCheckResults?.map((r) => r.alive), [true]);
    await destroy('tomcat');
  });

  it('seed 20: hostPort 31030 / servicePort 33180 → reachable on 31030', async () => {
    const created = await post(seed(FIXED_PORTS_JSON));
    assert.equal(created.status, 201, await created.clone().text());
    const [task] = await runningTasks('nginx-fixed');
    assert.deepEqual(task!.ports, [FIXED_HOST_PORT]);
    const { tasks } = await getJson<{ tasks: Task[] }>(`${base}/v2/tasks`);
    assert.deepEqual(tasks.find((t) => t.id === task!.id)?.servicePorts, [33180]);
    assert.match(await page(FIXED_HOST_PORT), new RegExp(HTTPD_PAGE));
    await destroy('nginx-fixed');
  });

  it('seed 19: a RW volume — the host directory is the web root, and the container writes into it', async () => {
    const www = join(tempDir('www'), 'www');
    mkdirSync(www);
    writeFileSync(join(www, 'index.html'), '<p>from-the-host-volume</p>\n');
    // The seed mounts nginx's web root; our image's web root is /www.
    const app = {
      id: 'nginx-volume',
      cmd: 'echo written-inside > /www/inside.txt && exec httpd -f -p 80 -h /www',
      cpus: 0.2,
      mem: 32,
      instances: 1,
      container: {
        docker: { image: HTTPD, network: 'BRIDGE', portMappings: [{ containerPort: 80, protocol: 'tcp', name: null, labels: null }] },
        type: 'DOCKER',
        volumes: [{ containerPath: '/www', hostPath: www, mode: 'RW' }],
      },
    };
    const created = await post(JSON.stringify(app));
    assert.equal(created.status, 201, await created.clone().text());
    const [task] = await runningTasks('nginx-volume');
    assert.match(await page(task!.ports[0]!), /from-the-host-volume/);
    await waitFor('file written by the container', () => existsSync(join(www, 'inside.txt')), 10_000);
    assert.equal(readFileSync(join(www, 'inside.txt'), 'utf8'), 'written-inside\n');
    await destroy('nginx-volume');
  });
});

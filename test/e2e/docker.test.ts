/**
 * The Docker containerizer through a real `meseta local --containerizers=docker,mesos`
 * and the real Docker engine, with the local images of scripts/setup/docker-images.sh
 * (nothing can be pulled here): output into the sandbox, BRIDGE networking with a
 * port mapping answered on the host, volumes, exit codes, the memory limit, kill,
 * a missing image, container names, and `--containerizers=mesos` refusing DOCKER;
 * then the containerizer alone: re-adoption after a restart, orphan removal, kill grace.
 *
 * Needs the engine on /var/run/docker.sock and the two images; without them the
 * tests are skipped, unless MESETA_REQUIRE_DOCKER=1 (CI as root), where that fails.
 * Every container the agents created is removed in `after`, found by the label
 * holding the agent's work_dir.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ContainerConfig } from '../../src/agent/containerizer/containerizer.js';
import { DockerContainerizer } from '../../src/agent/containerizer/docker-containerizer.js';
import { DockerEngine } from '../../src/agent/containerizer/docker-engine.js';
import { DOCKER_LABELS } from '../../src/agent/containerizer/docker-naming.js';
import type { ContainerInfo, Offer, TaskInfo, TaskStatus } from '../../src/mesos/types.js';
import { cleanupDirs, startLocal, stopAll, tempDir, waitFor, type LocalCluster } from './harness.js';
import { RawScheduler } from './raw-scheduler.js';

const SOCKET = '/var/run/docker.sock';
const BUSYBOX = 'meseta/busybox:local';
const HTTPD = 'meseta/httpd:local';
/** The index page scripts/setup/docker-images.sh puts in meseta/httpd:local. */
const HTTPD_PAGE = 'meseta-httpd-ok';
const PORTS = { begin: 31500, end: 31599 };

const engine = new DockerEngine({ socketPath: SOCKET, callTimeoutMs: 10_000 });

async function dockerReady(): Promise<string | undefined> {
  if (!existsSync(SOCKET)) return `no Docker engine socket at ${SOCKET} (run scripts/setup/docker-images.sh)`;
  try {
    await engine.version();
  } catch (error) {
    return (error as Error).message;
  }
  for (const image of [BUSYBOX, HTTPD]) {
    if (!(await engine.imagePresent(image))) return `image ${image} is missing (run scripts/setup/docker-images.sh)`;
  }
  return undefined;
}

const unavailable = await dockerReady();
if (unavailable && process.env.MESETA_REQUIRE_DOCKER === '1') {
  throw new Error(`MESETA_REQUIRE_DOCKER=1 but Docker is not usable: ${unavailable}`);
}

/** Whether nothing listens on 127.0.0.1:port now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

async function freePortInRange(): Promise<number> {
  for (let port = PORTS.begin + 17; port <= PORTS.end; port++) if (await portFree(port)) return port;
  throw new Error('no free port in the agent range');
}

function dockerTask(offer: Offer, id: string, container: ContainerInfo, command: TaskInfo['command'], mem = 32, ports?: number[]): TaskInfo {
  const task: TaskInfo = {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    container,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
    ],
  };
  if (command) task.command = command;
  if (ports) task.resources!.push({ name: 'ports', type: 'RANGES', ranges: { range: ports.map((p) => ({ begin: p, end: p })) } });
  return task;
}

const busybox = (extra: Partial<NonNullable<ContainerInfo['docker']>> = {}, more: Partial<ContainerInfo> = {}): ContainerInfo => ({
  type: 'DOCKER',
  docker: { image: BUSYBOX, ...extra },
  ...more,
});

function sandboxOf(cluster: LocalCluster, status: TaskStatus, frameworkId: string): string {
  const agent = status.agent_id!.value;
  const taskId = status.task_id.value;
  const container = status.container_status!.container_id!.value;
  return join(cluster.workDir, 'agents', '0', 'slaves', agent, 'frameworks', frameworkId, 'executors', taskId, 'runs', container);
}

describe('Docker containerizer (meseta local --containerizers=docker,mesos)', { skip: unavailable ?? false }, () => {
  let cluster: LocalCluster;
  let owner: string;
  const s = (): RawScheduler => scheduler;
  let scheduler: RawScheduler;
  let seq = 0;

  /**
   * Launches one task on every offer outstanding (freed resources come back as
   * separate offers of the one agent; accepting them together sees them all).
   */
  async function launch(make: (offer: Offer) => TaskInfo): Promise<TaskInfo> {
    const offers = await s().offers();
    while (s().events.some((e) => e.type === 'OFFERS')) offers.push(...(await s().offers()));
    const task = make(offers[0]!);
    await s().call({
      type: 'ACCEPT',
      accept: {
        offer_ids: offers.map((o) => o.id),
        operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }],
        filters: { refuse_seconds: 0 },
      },
    });
    return task;
  }

  /** The first terminal update of `taskId`, whatever its state. */
  async function terminal(taskId: string): Promise<TaskStatus> {
    const terminalStates = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED'];
    const event = await s().next('UPDATE', (e) => {
      const status = (e.update as { status: TaskStatus }).status;
      return status.task_id.value === taskId && terminalStates.includes(status.state);
    });
    return (event.update as { status: TaskStatus }).status;
  }

  before(async () => {
    cluster = await startLocal({
      flags: [
        '--containerizers=docker,mesos',
        '--docker_remove_delay=0ns',
        `--resources=cpus:4;mem:4096;disk:1024;ports:[${PORTS.begin}-${PORTS.end}]`,
      ],
    });
    owner = resolve(cluster.workDir, 'agents', '0');
    scheduler = new RawScheduler(cluster.url);
    await scheduler.subscribe({ name: 'docker-e2e' });
  });

  after(async () => {
    scheduler?.close();
    await stopAll();
    if (owner) for (const c of await engine.listByLabel(DOCKER_LABELS.owner, owner)) await engine.remove(c.id);
    cleanupDirs();
  });

  it('runs a shell command in the image; stdout/stderr land in the sandbox, mounted at MESOS_SANDBOX', async () => {
    const id = `echo-${++seq}`;
    const command = 'echo hello-from-docker; echo to-stderr >&2; echo "sandbox=$MESOS_SANDBOX name=$MESOS_CONTAINER_NAME"; ls $MESOS_SANDBOX';
    await launch((offer) => dockerTask(offer, id, busybox(), { value: command }));
    const running = await s().update(id, 'TASK_RUNNING');
    assert.ok(running.container_status?.container_id?.value);
    const finished = await s().update(id, 'TASK_FINISHED');
    assert.equal(finished.message, 'Container exited with status 0');
    const sandbox = sandboxOf(cluster, finished, s().frameworkId);
    const stdout = readFileSync(join(sandbox, 'stdout'), 'utf8');
    assert.match(stdout, /hello-from-docker/);
    assert.match(stdout, /sandbox=\/mnt\/mesos\/sandbox name=mesos-\S+\.\S+/);
    assert.match(stdout, /^stdout$/m, 'the sandbox (with its stdout file) is visible inside');
    assert.match(readFileSync(join(sandbox, 'stderr'), 'utf8'), /to-stderr/);
  });

  it('BRIDGE network with a port mapping: httpd answers on the host port; status carries the container IP; kill removes it', async () => {
    const id = `httpd-${++seq}`;
    const port = await freePortInRange();
    await launch((offer) =>
      dockerTask(
        offer,
        id,
        { type: 'DOCKER', docker: { image: HTTPD, network: 'BRIDGE', port_mappings: [{ host_port: port, container_port: 80, protocol: 'tcp' }] } },
        // argv after the image's (empty) entrypoint. A value-less shell=false command (the image's own
        // CMD, as Marathon sends for apps without `cmd`) is refused by the master's task validation today.
        { shell: false, value: '/bin/httpd', arguments: ['-f', '-p', '80', '-h', '/www'] },
        32,
        [port],
      ),
    );
    const running = await s().update(id, 'TASK_RUNNING');
    const ip = running.container_status?.network_infos?.[0]?.ip_addresses?.[0]?.ip_address;
    assert.match(ip ?? '', /^\d+\.\d+\.\d+\.\d+$/, `container IP in ${JSON.stringify(running.container_status)}`);
    const page = await waitFor(
      `httpd on 127.0.0.1:${port}`,
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        return response.ok ? response.text() : undefined;
      },
      15_000,
      100,
    );
    assert.match(page, new RegExp(HTTPD_PAGE));

    // Seed case 12: the container is named mesos-<agent-id>.<container-id>.
    const containerId = running.container_status!.container_id!.value;
    const [listed] = (await engine.listByLabel(DOCKER_LABELS.containerId, containerId)).filter((c) => c.labels[DOCKER_LABELS.owner] === owner);
    assert.ok(listed, 'the container exists while the task runs');
    assert.equal(listed.names[0], `mesos-${running.agent_id!.value}.${containerId}`);

    const started = Date.now();
    await s().call({ type: 'KILL', kill: { task_id: { value: id }, agent_id: running.agent_id } });
    await s().update(id, 'TASK_KILLED');
    assert.ok(Date.now() - started < 10_000, 'httpd stops on SIGTERM within the grace');
    await waitFor('the container removed (--docker_remove_delay=0ns)', async () => (await engine.inspect(listed.id)) === undefined, 15_000, 100);
  });

  it('volumes: a RW host path is written from inside; RO refuses writes', async () => {
    const dir = tempDir('docker-volume');
    writeFileSync(join(dir, 'given.txt'), 'from-the-host\n');
    const rw = `volume-rw-${++seq}`;
    await launch((offer) =>
      dockerTask(offer, rw, busybox({}, { volumes: [{ container_path: '/data', host_path: dir, mode: 'RW' }] }), {
        value: 'cat /data/given.txt && echo written-inside > /data/out.txt',
      }),
    );
    const done = await s().update(rw, 'TASK_FINISHED');
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'written-inside\n');
    assert.match(readFileSync(join(sandboxOf(cluster, done, s().frameworkId), 'stdout'), 'utf8'), /from-the-host/);

    const ro = `volume-ro-${++seq}`;
    await launch((offer) =>
      dockerTask(offer, ro, busybox({}, { volumes: [{ container_path: '/data', host_path: dir, mode: 'RO' }] }), {
        value: 'echo nope > /data/ro.txt',
      }),
    );
    const failed = await s().update(ro, 'TASK_FAILED');
    assert.match(failed.message ?? '', /Container exited with status [1-9]/);
    assert.equal(existsSync(join(dir, 'ro.txt')), false);
  });

  it('exit 3 → TASK_FAILED with the exit status', async () => {
    const id = `exit3-${++seq}`;
    await launch((offer) => dockerTask(offer, id, busybox(), { value: 'exit 3' }));
    const failed = await s().update(id, 'TASK_FAILED');
    assert.equal(failed.message, 'Container exited with status 3');
    assert.equal(failed.source, 'SOURCE_EXECUTOR');
  });

  it('a memory hog over its limit → TASK_FAILED with REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const id = `hog-${++seq}`;
    // 32 MB task + 32 MB executor allowance = a 64 MB limit; dd's 256 MB buffer breaks it.
    await launch((offer) => dockerTask(offer, id, busybox(), { value: 'dd if=/dev/zero of=/dev/null bs=256M count=1' }));
    const failed = await s().update(id, 'TASK_FAILED');
    assert.equal(failed.reason, 'REASON_CONTAINER_LIMITATION_MEMORY', JSON.stringify(failed));
    assert.match(failed.message ?? '', /Memory limit exceeded/);
  });

  it('an image that is not present (or force_pull_image) and cannot be pulled fails the task quickly with a clear message', async () => {
    const id = `missing-${++seq}`;
    const started = Date.now();
    await launch((offer) => dockerTask(offer, id, { type: 'DOCKER', docker: { image: 'meseta/no-such-image:local' } }, { value: 'true' }));
    const failed = await s().update(id, 'TASK_FAILED', 20_000);
    assert.equal(failed.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
    assert.match(failed.message ?? '', /Failed to pull image 'meseta\/no-such-image:local': /);
    assert.ok(Date.now() - started < 20_000);

    // force_pull_image pulls even a present image: offline that fails the same clear way.
    const forced = `forcepull-${++seq}`;
    await launch((offer) => dockerTask(offer, forced, busybox({ force_pull_image: true }), { value: 'true' }));
    const notPulled = await s().update(forced, 'TASK_FAILED', 20_000);
    assert.match(notPulled.message ?? '', /Failed to pull image 'meseta\/busybox:local': /);
  });

  it('refuses what it cannot run: a host port outside the task ports, an unknown parameter, a MESOS image', async () => {
    const n = ++seq;
    const cases: Array<[string, (offer: Offer, id: string) => TaskInfo, RegExp]> = [
      [
        `badport-${n}`,
        (offer, id) => dockerTask(offer, id, busybox({ network: 'BRIDGE', port_mappings: [{ host_port: 31000, container_port: 80 }] }), { value: 'true' }, 32, [PORTS.begin]),
        /Port \[31000\] not included in resources/,
      ],
      [
        `badparam-${n}`,
        (offer, id) => dockerTask(offer, id, busybox({ parameters: [{ key: 'frobnicate', value: '1' }] }), { value: 'true' }),
        /Unsupported docker parameter 'frobnicate'/,
      ],
      [
        `mesosimage-${n}`,
        (offer, id) => dockerTask(offer, id, { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: BUSYBOX } } } }, { value: 'true' }),
        /Mesos containerizer cannot run container images/,
      ],
    ];
    for (const [id, make, message] of cases) {
      await launch((offer) => make(offer, id));
      const failed = await terminal(id);
      assert.equal(failed.state, 'TASK_FAILED', JSON.stringify(failed));
      assert.equal(failed.reason, 'REASON_CONTAINER_LAUNCH_FAILED', id);
      assert.match(failed.message ?? '', message);
    }
  });

  it('a command task without a ContainerInfo still runs in the Mesos containerizer', async () => {
    const id = `plain-${++seq}`;
    await launch((offer) => ({ ...dockerTask(offer, id, busybox(), { value: 'echo on-the-host' }), container: undefined }));
    const done = await s().update(id, 'TASK_FINISHED');
    assert.equal(done.message, 'Command exited with status 0');
  });
});

describe('Docker tasks with --containerizers=mesos', { skip: unavailable ?? false }, () => {
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('fails a DOCKER task with a clear reason', async () => {
    const cluster = await startLocal({ flags: ['--containerizers=mesos'] });
    const s = new RawScheduler(cluster.url);
    try {
      await s.subscribe({ name: 'docker-disabled' });
      const [offer] = await s.offers();
      await s.launch(offer!, [dockerTask(offer!, 'docker-off', busybox(), { value: 'true' })]);
      const failed = await s.update('docker-off', 'TASK_FAILED');
      assert.equal(failed.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
      assert.match(failed.message ?? '', /Docker containerizer is not enabled \(--containerizers=mesos\)/);
    } finally {
      s.close();
      await cluster.stop();
    }
  });
});

describe('DockerContainerizer: recovery and kill grace (engine API directly)', { skip: unavailable ?? false }, () => {
  const owner = tempDir('docker-owner');
  let seq = 0;
  after(async () => {
    for (const c of await engine.listByLabel(DOCKER_LABELS.owner, owner)) await engine.remove(c.id);
    cleanupDirs();
  });

  function config(command: string): ContainerConfig {
    const sandbox = tempDir('docker-sandbox');
    return {
      containerId: `rc${++seq}-${process.pid}`,
      agentId: 'recover-S0',
      sandbox,
      command: { shell: true, value: command },
      commandInfo: { value: command },
      env: {},
      stdoutPath: join(sandbox, 'stdout'),
      stderrPath: join(sandbox, 'stderr'),
      cpus: 0.1,
      memMB: 32,
      container: busybox(),
    };
  }

  it('a new containerizer re-adopts the containers it is told about, removes the others, and stops with the grace', async () => {
    const first = new DockerContainerizer({ socketPath: SOCKET, owner, removeDelayMs: 60_000 });
    // PID 1 of the container traps SIGTERM and carries on, so only the SIGKILL after the grace ends it.
    const kept = config("trap 'echo got-term' TERM; echo started; while true; do sleep 0.1; done");
    const orphan = config('sleep 300');
    await first.launch(kept);
    await first.launch(orphan);
    await waitFor('live output in the sandbox', () => readFileSync(kept.stdoutPath, 'utf8').includes('started'), 10_000);
    first.close();

    const second = new DockerContainerizer({ socketPath: SOCKET, owner, removeDelayMs: 0 });
    const recovered = await second.recover([kept.containerId]);
    assert.deepEqual(recovered.map((r) => r.containerId), [kept.containerId]);
    assert.ok(recovered[0]!.pid > 0);
    const orphanName = `mesos-recover-S0.${orphan.containerId}`;
    assert.equal(await engine.inspect(orphanName), undefined, 'the unknown container was removed');

    const started = Date.now();
    await second.destroy(kept.containerId, 1_000);
    const termination = await second.wait(kept.containerId);
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 10_000, `stopped after the 1 s grace (took ${took} ms)`);
    assert.equal(termination.exitCode, 137);
    assert.match(readFileSync(kept.stdoutPath, 'utf8'), /got-term/, 'output of a re-adopted container is followed');
    await waitFor('removal (remove delay 0)', async () => (await engine.inspect(`mesos-recover-S0.${kept.containerId}`)) === undefined, 10_000, 100);
  });

  it('destroy during the launch stops the container once it exists; a second launch of the same id is refused', async () => {
    const cz = new DockerContainerizer({ socketPath: SOCKET, owner, removeDelayMs: 0 });
    const c = config('sleep 300');
    const launching = cz.launch(c);
    await assert.rejects(cz.launch(c), /already exists/);
    await launching;
    await cz.destroy(c.containerId, 0);
    assert.equal((await cz.wait(c.containerId)).exitCode, 137);
    assert.deepEqual(await cz.usage(c.containerId), {});
  });
});

/**
 * Docker launch: N Docker tasks (`meseta/busybox:local`, shell command `true`)
 * through a real `meseta local --containerizers=docker,mesos`, from one
 * framework (our scheduler client library), until every one is TASK_FINISHED.
 * Baseline measured in the same run, afterwards: N × `docker run --rm
 * meseta/busybox:local true` straight from the docker CLI, at the concurrency
 * Meseta effectively achieved (mean tasks in flight, ACCEPT → TASK_FINISHED,
 * rounded, at least 1) unless `--parallel=N` fixes it.
 *
 * Needs the engine on /var/run/docker.sock, the `docker` CLI, and the image
 * from scripts/setup/docker-images.sh; `dockerUnavailable()` says why not.
 *
 *   node dist/bench/docker.js [--smoke] [--tasks=N] [--parallel=N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DockerEngine } from '../src/agent/containerizer/docker-engine.js';
import { DOCKER_LABELS } from '../src/agent/containerizer/docker-naming.js';
import type { Resource, TaskInfo } from '../src/mesos/types.js';
import { createMasterDetector } from '../src/scheduler/master-detector.js';
import { OfferMatcher } from '../src/scheduler/offer-matcher.js';
import { SchedulerClient } from '../src/scheduler/scheduler-client.js';
import { flagNumber, freePort, getJson, percentile, round, spawnMeseta, stopProcess, waitFor, writeResult } from './bench-util.js';

const SOCKET = '/var/run/docker.sock';
const IMAGE = 'meseta/busybox:local';

/** The agent's resources: cpus bound how many tasks run at once (2 / 0.1 = 20). */
const AGENT_RESOURCES = 'cpus:2;mem:4096;disk:4096;ports:[31000-32000]';
const PER_TASK: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
];

export interface DockerBenchOptions {
  /** Tasks to run; default 100 (10 with smoke). */
  tasks?: number;
  smoke?: boolean;
  /** Concurrency of the `docker run` baseline; default = Meseta's mean tasks in flight, rounded. */
  parallel?: number;
  /** JSON output path; '' = none. Default bench/results/docker.json. */
  outFile?: string;
  print?: boolean;
}

export interface DockerBenchResult {
  bench: 'docker';
  tasks: number;
  image: string;
  node: string;
  cpus: number;
  date: string;
  /** SUBSCRIBE → last TASK_FINISHED, seconds (cluster start-up not included). */
  mesetaSeconds: number;
  mesetaTasksPerSecond: number;
  /** Median ACCEPT → TASK_FINISHED per task, ms. */
  medianTaskLatencyMs: number;
  /** Sum of per-task ACCEPT → TASK_FINISHED over wall time: tasks Meseta effectively ran at once. */
  mesetaMeanInFlight: number;
  /** Most tasks between ACCEPT and TASK_FINISHED at any moment. */
  mesetaPeakInFlight: number;
  /** How many `docker run --rm` ran at once, and whether that was measured from Meseta or given. */
  baselineParallel: number;
  baselineParallelFrom: 'meseta-mean-in-flight' | 'option';
  /** N × `docker run --rm IMAGE true`, seconds. */
  dockerRunSeconds: number;
  dockerRunTasksPerSecond: number;
  /** mesetaSeconds / dockerRunSeconds (1.0 = as fast as the docker CLI; higher = slower). */
  wallTimeRatio: number;
}

/**
 * Why the Docker engine cannot run this bench (no socket, not answering, the
 * image or the `docker` CLI missing), or undefined when it can.
 */
export async function dockerUnavailable(): Promise<string | undefined> {
  if (!existsSync(SOCKET)) return `no Docker engine socket at ${SOCKET} (run scripts/setup/docker-images.sh)`;
  const engine = new DockerEngine({ socketPath: SOCKET, callTimeoutMs: 5_000 });
  try {
    await engine.version();
    if (!(await engine.imagePresent(IMAGE))) return `image ${IMAGE} is missing (run scripts/setup/docker-images.sh)`;
  } catch (error) {
    return (error as Error).message;
  }
  try {
    await dockerRun(['version', '--format', '{{.Client.Version}}']);
  } catch (error) {
    return `the docker CLI does not work: ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * Runs the benchmark and returns (and optionally prints/writes) its figures.
 * Throws when Docker is unavailable (see dockerUnavailable) or a task does not finish.
 */
export async function run(options: DockerBenchOptions = {}): Promise<DockerBenchResult> {
  const tasks = options.tasks ?? (options.smoke ? 10 : 100);
  const unavailable = await dockerUnavailable();
  if (unavailable) throw new Error(`bench docker: ${unavailable}`);
  const meseta = await throughMeseta(tasks);
  const meanInFlight = meseta.latenciesMs.reduce((a, b) => a + b, 0) / (meseta.seconds * 1000);
  const parallel = options.parallel ?? Math.max(1, Math.round(meanInFlight));
  const dockerRunSeconds = await directly(tasks, parallel);
  const result: DockerBenchResult = {
    bench: 'docker',
    tasks,
    image: IMAGE,
    node: process.version,
    cpus: os.cpus().length,
    date: new Date().toISOString(),
    mesetaSeconds: round(meseta.seconds),
    mesetaTasksPerSecond: round(tasks / meseta.seconds),
    medianTaskLatencyMs: round(percentile(meseta.latenciesMs, 0.5)),
    mesetaMeanInFlight: round(meanInFlight),
    mesetaPeakInFlight: meseta.peakInFlight,
    baselineParallel: parallel,
    baselineParallelFrom: options.parallel === undefined ? 'meseta-mean-in-flight' : 'option',
    dockerRunSeconds: round(dockerRunSeconds),
    dockerRunTasksPerSecond: round(tasks / dockerRunSeconds),
    wallTimeRatio: round(meseta.seconds / dockerRunSeconds),
  };
  if (options.print ?? true) {
    process.stdout.write(
      `docker: ${tasks} tasks, ${IMAGE} running 'true'\n` +
        `  meseta local --containerizers=docker,mesos: ${result.mesetaSeconds} s, ${result.mesetaTasksPerSecond} tasks/s, ` +
        `median accept→finished ${result.medianTaskLatencyMs} ms, in flight mean ${result.mesetaMeanInFlight} / peak ${result.mesetaPeakInFlight}\n` +
        `  docker run --rm, ${parallel} at a time (${result.baselineParallelFrom}): ${result.dockerRunSeconds} s, ${result.dockerRunTasksPerSecond} tasks/s\n` +
        `  wall time ratio meseta/docker run: ${result.wallTimeRatio}\n`,
    );
  }
  writeResult('docker', result, options.outFile);
  return result;
}

/** Runs `docker <args>`; resolves on exit 0, rejects with its stderr otherwise. */
function dockerRun(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`docker ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
}

/** Seconds for `count` × `docker run --rm IMAGE true`, `parallel` at a time. */
async function directly(count: number, parallel: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      await dockerRun(['run', '--rm', IMAGE, 'true']);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return (performance.now() - start) / 1000;
}

/** Starts `meseta local` with the Docker containerizer, runs `count` tasks, stops it and removes what it left. */
async function throughMeseta(count: number): Promise<{ seconds: number; latenciesMs: number[]; peakInFlight: number }> {
  const port = await freePort();
  const agentPort = await freePort();
  const workDir = mkdtempSync(join(os.tmpdir(), 'meseta-bench-docker-'));
  const cluster = spawnMeseta([
    'local',
    `--port=${port}`,
    `--agent_port=${agentPort}`,
    `--work_dir=${workDir}`,
    `--runtime_dir=${join(workDir, 'run')}`,
    `--resources=${AGENT_RESOURCES}`,
    '--containerizers=docker,mesos',
    // Like `docker run --rm`: the container goes as soon as it exits.
    '--docker_remove_delay=0ns',
    '--quiet',
  ]);
  try {
    await waitFor('meseta local with an agent', async () => (await getJson<{ slaves: unknown[] }>(`http://127.0.0.1:${port}/master/state`)).slaves.length > 0, 30_000);
    return await driveTasks(`127.0.0.1:${port}`, count);
  } finally {
    await stopProcess(cluster);
    const engine = new DockerEngine({ socketPath: SOCKET, callTimeoutMs: 10_000 });
    const owner = resolve(workDir, 'agents', '0');
    for (const c of await engine.listByLabel(DOCKER_LABELS.owner, owner).catch(() => [])) await engine.remove(c.id).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The framework: packs Docker tasks into every offer until `count` are launched; resolves when all finished. */
function driveTasks(master: string, count: number): Promise<{ seconds: number; latenciesMs: number[]; peakInFlight: number }> {
  const client = new SchedulerClient({ detector: createMasterDetector(master), autoAcknowledge: true });
  let launched = 0;
  let finished = 0;
  let peakInFlight = 0;
  const acceptedAt = new Map<string, number>();
  const latencies: number[] = [];
  const start = performance.now();
  return new Promise((done, fail) => {
    const timeout = setTimeout(() => {
      client.close();
      fail(new Error(`only ${finished}/${count} Docker tasks finished within 10 minutes`));
    }, 600_000);
    client.on('offers', (offers) => {
      for (const offer of offers) {
        const matcher = new OfferMatcher(offer);
        const batch: TaskInfo[] = [];
        for (let taken = matcher.tryTake(PER_TASK); taken && launched < count; taken = matcher.tryTake(PER_TASK)) {
          const id = `docker-true-${launched++}`;
          batch.push({
            name: id,
            task_id: { value: id },
            agent_id: offer.agent_id,
            container: { type: 'DOCKER', docker: { image: IMAGE } },
            command: { shell: true, value: 'true' },
            resources: taken,
          });
        }
        const now = performance.now();
        for (const task of batch) acceptedAt.set(task.task_id.value, now);
        peakInFlight = Math.max(peakInFlight, acceptedAt.size);
        // Refusing the rest briefly keeps this framework from hoarding what it cannot use.
        void client.launch([offer.id], batch, { refuse_seconds: batch.length > 0 ? 0 : 1 }).catch(fail);
      }
    });
    client.on('update', (status) => {
      if (status.state === 'TASK_FINISHED') {
        const id = status.task_id.value;
        if (!acceptedAt.has(id)) return;
        // The Mesos containerizer says 'Command exited…': a task that ran on the host would not measure Docker.
        if (!/^Container exited/.test(status.message ?? '')) {
          clearTimeout(timeout);
          client.close();
          fail(new Error(`task ${id} did not run in Docker: ${status.message ?? '(no message)'}`));
          return;
        }
        finished++;
        latencies.push(performance.now() - acceptedAt.get(id)!);
        acceptedAt.delete(id);
        if (finished === count) {
          clearTimeout(timeout);
          const seconds = (performance.now() - start) / 1000;
          void client.teardown().catch(() => undefined).finally(() => client.close());
          done({ seconds, latenciesMs: latencies, peakInFlight });
        }
      } else if (['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_KILLED', 'TASK_DROPPED'].includes(status.state)) {
        clearTimeout(timeout);
        client.close();
        fail(new Error(`task ${status.task_id.value} ended ${status.state}: ${status.message ?? ''}`));
      }
    });
    client.subscribe({ user: os.userInfo().username, name: 'docker-bench' }).catch(fail);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const tasks = flagNumber(args, 'tasks');
  const parallel = flagNumber(args, 'parallel');
  await run({ smoke: args.includes('--smoke'), ...(tasks !== undefined ? { tasks } : {}), ...(parallel !== undefined ? { parallel } : {}) });
}

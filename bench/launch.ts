/**
 * Launch throughput: N tasks running `true` through a real `meseta local`, from
 * one framework (our scheduler client library), until every one is
 * TASK_FINISHED. Baseline measured in the same run: the machine's floor, N ×
 * `sh -c true` spawned directly, 2 at a time (median of three samples around
 * the meseta runs). The framework first runs a fifth of N (at most 200) against
 * a cluster of its own, not counted, so neither run pays for its JIT warm-up.
 *
 *   node dist/bench/launch.js [--smoke] [--tasks=N] [--isolation=LIST] [--profile=DIR]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { SchedulerClient } from '../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../src/scheduler/master-detector.js';
import { OfferMatcher } from '../src/scheduler/offer-matcher.js';
import type { Resource, TaskInfo } from '../src/mesos/types.js';
import { cpuMs, flagNumber, flagString, freePort, getJson, machineBusyMs, ROOT, round, spawnMeseta, stopProcess, waitFor } from './bench-util.js';

export interface LaunchBenchOptions {
  /** Tasks to run; default 1000 (100 with smoke). */
  tasks?: number;
  smoke?: boolean;
  /** JSON output path; '' = none. Default bench/results/launch.json. */
  outFile?: string;
  print?: boolean;
  /** The agent's `--isolation`; default: the cgroups isolators where this machine has them (isolationForBench). */
  isolation?: string;
  /** Directory for `meseta local`'s CPU profiles (`node --cpu-prof`), one per run; none when absent. */
  profileDir?: string;
}

export interface LaunchBenchResult {
  bench: 'launch';
  tasks: number;
  node: string;
  cpus: number;
  date: string;
  /** `--isolation` the agent ran with. */
  isolation: string;
  /** Subscribe → last TASK_FINISHED, seconds. */
  mesetaSeconds: number;
  mesetaTasksPerSecond: number;
  /** Median latency from ACCEPT to TASK_FINISHED per task, ms. */
  medianTaskLatencyMs: number;
  /**
   * N × `sh -c true`, 2 at a time from a fresh Node process, seconds: the
   * median of three samples taken before, between and after the meseta runs
   * (one sample alone varied by ±12 % from run to run on this machine).
   */
  floorSeconds: number;
  floorTasksPerSecond: number;
  /** Each floor sample, seconds, in the order taken. */
  floorSamplesSeconds: number[];
  /** mesetaTasksPerSecond / floorTasksPerSecond (1.0 = as fast as spawning processes directly). */
  ratioToFloor: number;
  /** Tasks the framework ran first against a cluster of its own, not counted (its JIT warm-up). */
  frameworkWarmupTasks: number;
  /**
   * Whether the on-disk run's work dir was placed in a block group of ext4's
   * choosing (its parent marked with the top-directory flag, `chattr +T`; see
   * `freshWorkDir`). False off ext4 (tmpfs and xfs have no walk past freed
   * inodes to avoid), or where chattr failed: there the previous run's
   * deletions may bill this one.
   */
  workDirSpread: boolean;
  /** How long the on-disk run waited for ext4 to stop holding back the inodes a previous run freed, seconds (see `outwaitRecentDeletion`). */
  waitedForFreedInodesSeconds: number;
  /**
   * The same run with the work dir on tmpfs (/dev/shm), as /tmp is on Debian 13.
   * A task's sandbox creates 6 files and directories (its framework does not
   * checkpoint); tmpfs creates them without ext4's inode allocator. Absent
   * without /dev/shm.
   */
  workDirOnTmpfs?: { mesetaSeconds: number; mesetaTasksPerSecond: number; medianTaskLatencyMs: number; ratioToFloor: number; cpuMsPerTask: LaunchCpu };
  /** Where the machine's CPU went per task in the work-dir-on-disk run, ms. */
  cpuMsPerTask: LaunchCpu;
}

/**
 * CPU time per task while the framework drove the tasks, ms: a breakdown that
 * holds when the machine's speed drifts between runs, where tasks/s does not.
 */
export interface LaunchCpu {
  /** `meseta local` (master and agent in one process, all its threads). */
  meseta: number;
  /** This process: the framework (our scheduler client library). */
  framework: number;
  /** Everything else the machine did: the launchers and the tasks (`sh`), and the kernel's own threads. */
  launchersAndTasks: number;
}

const PER_TASK: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 0.01 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 1 } },
];

/** Runs the benchmark and returns (and optionally prints/writes) its figures. */
export async function run(options: LaunchBenchOptions = {}): Promise<LaunchBenchResult> {
  const tasks = options.tasks ?? (options.smoke ? 100 : 1000);
  const floorSamples = [await floor(tasks, 2)];
  const isolation = options.isolation ?? isolationForBench();
  // The framework stands for a long-running scheduler: its first tasks pay for V8 compiling our
  // scheduler client, ~0.15 ms of its CPU per task over 1,000, which went to whichever run came
  // first. A short run against its own cluster, not counted, takes that.
  const warmupTasks = Math.min(200, Math.ceil(tasks / 5));
  await throughMeseta(warmupTasks, existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), isolation);
  // A smoke run's figures are not judged: it does not wait.
  const waitedSeconds = options.smoke ? 0 : await outwaitRecentDeletion();
  const meseta = await throughMeseta(tasks, os.tmpdir(), isolation, options.profileDir);
  floorSamples.push(await floor(tasks, 2));
  const onTmpfs = existsSync('/dev/shm') ? await throughMeseta(tasks, '/dev/shm', isolation, options.profileDir) : undefined;
  floorSamples.push(await floor(tasks, 2));
  const floorSeconds = [...floorSamples].sort((a, b) => a - b)[1]!;
  const result: LaunchBenchResult = {
    bench: 'launch',
    tasks,
    node: process.version,
    cpus: os.cpus().length,
    date: new Date().toISOString(),
    isolation,
    mesetaSeconds: round(meseta.seconds),
    mesetaTasksPerSecond: round(tasks / meseta.seconds),
    medianTaskLatencyMs: round(meseta.medianLatencyMs),
    cpuMsPerTask: meseta.cpuMsPerTask,
    floorSeconds: round(floorSeconds),
    floorTasksPerSecond: round(tasks / floorSeconds),
    floorSamplesSeconds: floorSamples.map(round),
    ratioToFloor: round(floorSeconds / meseta.seconds),
    frameworkWarmupTasks: warmupTasks,
    workDirSpread: meseta.spread,
    waitedForFreedInodesSeconds: round(waitedSeconds),
    workDirOnTmpfs: onTmpfs && {
      mesetaSeconds: round(onTmpfs.seconds),
      mesetaTasksPerSecond: round(tasks / onTmpfs.seconds),
      medianTaskLatencyMs: round(onTmpfs.medianLatencyMs),
      ratioToFloor: round(floorSeconds / onTmpfs.seconds),
      cpuMsPerTask: onTmpfs.cpuMsPerTask,
    },
  };
  if (options.print ?? true) {
    process.stdout.write(
      `launch: ${tasks} tasks running 'true' (${result.isolation})\n` +
        `  meseta local, work dir on disk : ${result.mesetaSeconds} s, ${result.mesetaTasksPerSecond} tasks/s, median accept→finished ${result.medianTaskLatencyMs} ms, ratio ${result.ratioToFloor}${result.workDirSpread || !meseta.ext4 ? '' : ' (chattr +T failed: work dir not in a fresh block group)'}\n` +
        (result.waitedForFreedInodesSeconds > 0 ? `    (waited ${result.waitedForFreedInodesSeconds} s first: ext4 still held back the inodes the previous run freed)\n` : '') +
        `    CPU per task: ${cpuLine(result.cpuMsPerTask)}\n` +
        (result.workDirOnTmpfs
          ? `  meseta local, work dir on tmpfs: ${result.workDirOnTmpfs.mesetaSeconds} s, ${result.workDirOnTmpfs.mesetaTasksPerSecond} tasks/s, median accept→finished ${result.workDirOnTmpfs.medianTaskLatencyMs} ms, ratio ${result.workDirOnTmpfs.ratioToFloor}\n` +
            `    CPU per task: ${cpuLine(result.workDirOnTmpfs.cpuMsPerTask)}\n`
          : '') +
        `  floor (sh -c true, 2 at a time): ${result.floorSeconds} s, ${result.floorTasksPerSecond} tasks/s (median of ${result.floorSamplesSeconds.map((x) => round(tasks / x)).join(', ')}/s)\n`,
    );
  }
  const outFile = options.outFile ?? join(ROOT, 'bench', 'results', 'launch.json');
  if (outFile) {
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}

/**
 * The floor's loop: spawn `sh -c true` COUNT times, PARALLEL at a time, print
 * the seconds taken. It runs in a fresh Node process of its own: a fork costs
 * more the more memory the forking process maps, and this bench's own heap grows
 * as it drives tasks (spawned from here after the meseta runs, the same loop was
 * 20-30 % slower, while a fresh process right after was not).
 */
const FLOOR_SCRIPT = `
const { spawn } = require('node:child_process');
const [count, parallel] = process.argv.slice(1).map(Number);
const start = performance.now();
let next = 0;
const worker = async () => {
  while (next < count) {
    next++;
    await new Promise((done, fail) => {
      const child = spawn('/bin/sh', ['-c', 'true'], { stdio: 'ignore' });
      child.on('error', fail);
      child.on('exit', () => done());
    });
  }
};
Promise.all(Array.from({ length: parallel }, worker)).then(() => process.stdout.write(String((performance.now() - start) / 1000)));
`;

/** Seconds to spawn `count` × `sh -c true`, `parallel` at a time, from a fresh Node process (FLOOR_SCRIPT). */
async function floor(count: number, parallel: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', FLOOR_SCRIPT, String(count), String(parallel)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('exit', done);
  });
  const seconds = Number(out);
  if (code !== 0 || !(seconds > 0)) throw new Error(`floor loop failed (exit ${code}): '${out}'`);
  return seconds;
}

function cpuLine(cpu: LaunchCpu): string {
  return `meseta local ${cpu.meseta} ms, launchers and tasks ${cpu.launchersAndTasks} ms, framework ${cpu.framework} ms`;
}

/** Starts `meseta local` with its work dir under `parent`, runs `count` tasks from one framework, stops the cluster. */
async function throughMeseta(
  count: number,
  parent: string,
  isolation: string,
  profileDir?: string,
): Promise<{ seconds: number; medianLatencyMs: number; cpuMsPerTask: LaunchCpu; spread: boolean; ext4: boolean }> {
  const port = await freePort();
  const agentPort = await freePort();
  const marathonPort = await freePort();
  const chronosPort = await freePort();
  const fresh = freshWorkDir(parent);
  const workDir = fresh.workDir;
  // The runtime dir lives on tmpfs, as Mesos's default /var/run/mesos does on a
  // Debian host (this machine's /var/run is on its disk); the work dir (sandboxes,
  // checkpoints) stays on disk.
  const runtimeDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/meseta-bench-launch-run-') : join(workDir, 'run');
  const cluster = spawnMeseta(
    [
      'local',
      `--port=${port}`,
      `--agent_port=${agentPort}`,
      `--marathon_port=${marathonPort}`,
      `--chronos_port=${chronosPort}`,
      `--work_dir=${workDir}`,
      `--runtime_dir=${runtimeDir}`,
      `--isolation=${isolation}`,
      '--resources=cpus:2;mem:4096;disk:4096;ports:[31000-32000]',
      '--quiet',
    ],
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  try {
    await waitForCluster(`http://127.0.0.1:${port}`);
    const before = { machine: machineBusyMs(), meseta: cpuMs(cluster.pid), framework: process.cpuUsage() };
    const driven = await driveTasks(`127.0.0.1:${port}`, count);
    const meseta = cpuMs(cluster.pid) - before.meseta;
    const frameworkUs = process.cpuUsage(before.framework);
    const framework = (frameworkUs.user + frameworkUs.system) / 1000;
    const machine = machineBusyMs() - before.machine;
    const perTask = (ms: number): number => round(Math.max(0, ms) / count);
    return {
      ...driven,
      cpuMsPerTask: { meseta: perTask(meseta), framework: perTask(framework), launchersAndTasks: perTask(machine - meseta - framework) },
      spread: fresh.spread,
      ext4: fresh.ext4,
    };
  } finally {
    await stopProcess(cluster);
    rmSync(fresh.parent, { recursive: true, force: true });
    if (fresh.ext4) noteDeletion();
    rmSync(runtimeDir, { recursive: true, force: true });
  }
}

/**
 * A work dir for one run under `parent`, in an ext4 block group that the
 * previous run's deletions are most likely not in (`outwaitRecentDeletion`
 * covers the rest). ext4 without a journal (this machine's
 * disk) will not hand out an inode freed in the last 60 s (360 s while its
 * inode table block is unwritten): for every new inode it walks past each such
 * one in the group, from the group's start. A run's ~6,000 sandbox inodes went
 * beside their parent, /tmp, in the group where the run before had just
 * deleted its 6,000, so back-to-back runs billed each other ~1 ms of launcher
 * CPU per task (perf: `find_inode_bit` → `recently_deleted`; 6,000 files and
 * directories took 690-880 ms there, 53-62 ms in a fresh group). A parent
 * marked with the top-directory flag (`chattr +T`) makes ext4's Orlov
 * allocator place the work dir in a group of its choosing, as a first run on
 * a quiet machine gets. Returns the parent to delete afterwards, whether it is
 * on ext4, and whether the flag took (not on tmpfs or xfs, which have no such
 * walk, nor without chattr).
 */
function freshWorkDir(parent: string): { parent: string; workDir: string; ext4: boolean; spread: boolean } {
  const top = mkdtempSync(join(parent, 'meseta-bench-launch-'));
  const ext4 = onExt4(parent);
  const spread = ext4 && spawnSync('chattr', ['+T', top], { stdio: 'ignore' }).status === 0;
  return { parent: top, workDir: mkdtempSync(join(top, 'work-')), ext4, spread };
}

/** ext4's RECENTCY_MIN: seconds a written-back freed inode is held back from reuse (without a journal). */
const EXT4_HOLDS_FREED_INODES_S = 60;
/** Its mtime: when a run last deleted its work dir on an ext4 disk. */
const DELETION_MARK = join(os.tmpdir(), 'meseta-bench-launch.deleted');

/** Whether `dir` is on ext2/3/4 (statfs magic 0xEF53), where `freshWorkDir`'s walk exists. */
function onExt4(dir: string): boolean {
  return statfsSync(dir).type === 0xef53;
}

/**
 * After a run deletes its work dir on ext4: writes the deletion back (ext4
 * holds a freed inode back for 60 s once its inode table block is written, 6
 * minutes while it is not) and marks when, for `outwaitRecentDeletion`.
 */
function noteDeletion(): void {
  spawnSync('sync', { stdio: 'ignore' });
  writeFileSync(DELETION_MARK, '');
}

/**
 * Waits until the inodes the previous run freed (see `noteDeletion`) are no
 * longer held back, should that run have ended under 60 s ago: the fresh block
 * group `freshWorkDir` asks for is chosen by ext4 and was, in ~1 of 10 runs
 * here, the one the run before had used. (Once the wait is over, 6,000 new
 * inodes in such a group took 90 ms against 62-73 in a fresh one and 407
 * without the wait.) Returns the seconds waited (0 when no run is that recent,
 * or the clock has gone back).
 */
async function outwaitRecentDeletion(): Promise<number> {
  let deletedAtMs: number;
  try {
    deletedAtMs = statSync(DELETION_MARK).mtimeMs;
  } catch {
    return 0;
  }
  const ms = deletedAtMs + (EXT4_HOLDS_FREED_INODES_S + 1) * 1000 - Date.now();
  if (ms <= 0 || ms > (EXT4_HOLDS_FREED_INODES_S + 1) * 1000) return 0;
  await delay(ms);
  return ms / 1000;
}

/** The issue asks for tasks in cgroups: the cgroups isolators when this machine (as root) has them, else Mesos's posix default. */
export function isolationForBench(): string {
  const root = process.getuid?.() === 0;
  const v1 = existsSync('/sys/fs/cgroup/cpu') && existsSync('/sys/fs/cgroup/memory');
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  return root && (v1 || v2) ? 'cgroups/cpu,cgroups/mem' : 'posix/cpu,posix/mem';
}

/**
 * Waits until `meseta local` at `url` has started: its agent registered and its
 * built-in Marathon and Chronos subscribed (30 s at most). They load after the
 * master and agent serve (so that the first offer comes sooner), and timing from
 * the agent alone counted their start-up, ~0.1-0.15 ms of the process's CPU per
 * task over 1,000, as launch work.
 */
async function waitForCluster(url: string): Promise<void> {
  await waitFor(
    'meseta local with its agent, Marathon and Chronos',
    async () => {
      const state = await getJson<{ slaves: unknown[]; frameworks: Array<{ name: string }> }>(`${url}/master/state`);
      const names = new Set(state.frameworks.map((f) => f.name));
      return state.slaves.length > 0 && names.has('marathon') && names.has('chronos');
    },
    30_000,
  );
}

/** The framework: packs tasks into every offer until `count` are launched; resolves when all finished. */
function driveTasks(master: string, count: number): Promise<{ seconds: number; medianLatencyMs: number }> {
  // A busy framework: acknowledgements pipelined on a few connections, as the placement bench's
  // (framework CPU per task 0.38-0.66 -> 0.24-0.40 ms, 3 interleaved runs each).
  const client = new SchedulerClient({ detector: createMasterDetector(master), autoAcknowledge: true, coalesceAcknowledgements: true });
  let launched = 0;
  let finished = 0;
  const acceptedAt = new Map<string, number>();
  const latencies: number[] = [];
  const start = performance.now();
  return new Promise((done, fail) => {
    const timeout = setTimeout(() => fail(new Error(`only ${finished}/${count} tasks finished within 10 minutes`)), 600_000);
    client.on('offers', (offers) => {
      for (const offer of offers) {
        const matcher = new OfferMatcher(offer);
        const batch: TaskInfo[] = [];
        for (let taken = matcher.tryTake(PER_TASK); taken && launched < count; taken = matcher.tryTake(PER_TASK)) {
          const id = `true-${launched++}`;
          batch.push({ name: id, task_id: { value: id }, agent_id: offer.agent_id, command: { value: 'true' }, resources: taken });
        }
        const now = performance.now();
        for (const task of batch) acceptedAt.set(task.task_id.value, now);
        // Refusing the rest briefly keeps this framework from hoarding what it cannot use.
        void client.launch([offer.id], batch, { refuse_seconds: batch.length > 0 ? 0 : 1 }).catch(fail);
      }
    });
    client.on('update', (status) => {
      if (status.state === 'TASK_FINISHED') {
        finished++;
        latencies.push(performance.now() - (acceptedAt.get(status.task_id.value) ?? start));
        if (finished === count) {
          clearTimeout(timeout);
          const seconds = (performance.now() - start) / 1000;
          void client.teardown().catch(() => undefined).finally(() => client.close());
          latencies.sort((a, b) => a - b);
          done({ seconds, medianLatencyMs: latencies[Math.floor(latencies.length / 2)]! });
        }
      } else if (['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_KILLED', 'TASK_DROPPED'].includes(status.state)) {
        clearTimeout(timeout);
        client.close();
        fail(new Error(`task ${status.task_id.value} ended ${status.state}: ${status.message ?? ''}`));
      }
    });
    client.subscribe({ user: os.userInfo().username, name: 'launch-bench' }).catch(fail);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const tasks = flagNumber(args, 'tasks');
  const profileDir = flagString(args, 'profile');
  const isolation = flagString(args, 'isolation');
  await run({ smoke: args.includes('--smoke'), ...(tasks ? { tasks } : {}), ...(profileDir ? { profileDir } : {}), ...(isolation ? { isolation } : {}) });
}

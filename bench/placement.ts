/**
 * Placement throughput: one busy framework launching short tasks on simulated
 * agents as fast as offers allow. Figures:
 *  - placed/s, the figure compared with the anchor and the target: tasks per
 *    second from the first ACCEPT until the last task's TASK_STARTING reached
 *    the framework. A task is placed once the master has put it on an agent;
 *    its TASK_STARTING at the framework is the first sign of that a framework
 *    sees, and proves the agent had it. Nomad's C1M figure (3,750/s) counts
 *    containers *scheduled*, i.e. assigned to a node (Nomad's C2M report
 *    draws "Scheduled" and "Running" as separate lines), and the
 *    kube-scheduler's ~100 pods/s counts pods bound to nodes;
 *  - running/s: tasks reaching TASK_RUNNING at the framework per second from
 *    the first ACCEPT (the "Running" line: two acknowledged updates per task,
 *    the STARTING one acknowledged before the agent sends RUNNING).
 * Anchor: Nomad C1M ≈ 3,750 placements/s; target ≥ 10,000/s.
 *
 * Three processes, as in a real cluster: the master (`meseta master`), the
 * simulated agents (`meseta simulate-agents`), and this one, the framework.
 * With `--profile` all three are profiled (the children under
 * `node --cpu-prof`, this process through the inspector while it drives the
 * tasks), summarised after the run, and the raw profiles are kept in the temp
 * dir as meseta-placement-{master,simulator,framework}.cpuprofile.
 *
 *   node dist/bench/placement.js [--smoke] [--agents=N] [--tasks=N] [--task_duration=SECS] [--profile]
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SchedulerClient } from '../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../src/scheduler/master-detector.js';
import { OfferMatcher } from '../src/scheduler/offer-matcher.js';
import type { Resource, TaskInfo } from '../src/mesos/types.js';
import { CpuTimeline, describeStretch, kernelMemoryThreads, type CpuStretch, type GroupCpu } from './cpu-timeline.js';
import { flagNumber, freePort, getJson, percentile, round, spawnMeseta, stopProcess, summarizeCpuProfile, waitFor, writeResult } from './bench-util.js';
import { startSelfProfile } from './self-profile.js';

/** Nomad's C1M placement rate, tasks/s. */
export const NOMAD_C1M_PER_SECOND = 3750;
/** Target from issue 9, tasks/s. */
export const PLACEMENT_TARGET_PER_SECOND = 10_000;

export interface PlacementBenchOptions {
  smoke?: boolean;
  /** Simulated agents; default 1,000 (200 with smoke). */
  agents?: number;
  /** Tasks to launch; default 20,000 (2,000 with smoke). */
  tasks?: number;
  /**
   * Run time of each task once RUNNING, seconds (its `duration` label); default
   * 1, so most tasks also finish (TASK_FINISHED, acknowledged, resources
   * recovered) while later ones are being launched, as short tasks do.
   */
  taskDurationSecs?: number;
  /** Profile the master, the simulator and this process (the framework) and summarise where their time went. */
  profile?: boolean;
  outFile?: string;
  print?: boolean;
}

export interface PlacementBenchResult {
  bench: 'placement';
  node: string;
  cpus: number;
  date: string;
  agents: number;
  tasks: number;
  taskDurationSecs: number;
  /** Tasks placed per second: first ACCEPT → last TASK_STARTING at the framework (see the file comment). */
  placedPerSecond: number;
  /** Tasks TASK_RUNNING at the framework per second, first ACCEPT → last TASK_RUNNING. */
  runningPerSecond: number;
  /** ACCEPT → TASK_RUNNING per task, ms. */
  latencyMs: { p50: number; p99: number };
  acceptCalls: number;
  /**
   * CPU time (user + system) each process spent per task while the tasks were
   * driven, µs: a figure that holds when other load shares the machine, where
   * tasks/s does not.
   */
  cpuUsPerTask: { master: number; simulator: number; framework: number };
  /** Wall time of the drive, first OFFERS to the last TASK_RUNNING, ms. */
  driveMs: number;
  /**
   * The drive's CPU time by process (and the kernel's memory threads) and the
   * machine's, with what none of them used. Each process's main thread's time
   * on a CPU and time ready but waiting for one (Linux's /proc/<pid>/schedstat;
   * zeros elsewhere) tell a process short of a CPU from one short of work: the
   * three processes and V8's helper threads share the machine's cores.
   */
  driveCpu: CpuStretch;
  /** placedPerSecond over Nomad C1M's placements per second. */
  ratioToNomad: number;
  /** placedPerSecond over the target. */
  ratioToTarget: number;
  /** CPU profile summaries (with `profile`): the master, the simulator process, this process while driving. */
  masterProfile?: ProfileSummary;
  simulatorProfile?: ProfileSummary;
  frameworkProfile?: ProfileSummary;
}

/** What summarizeCpuProfile returns. */
export type ProfileSummary = ReturnType<typeof summarizeCpuProfile>;

const AGENT_RESOURCES = 'cpus:8;mem:32768;disk:100000;ports:[31000-32000]';
const TASK: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
];

/** Runs the benchmark; returns (and optionally prints and writes) its figures. */
export async function run(options: PlacementBenchOptions = {}): Promise<PlacementBenchResult> {
  const agents = options.agents ?? (options.smoke ? 200 : 1000);
  const tasks = options.tasks ?? (options.smoke ? 2000 : 20_000);
  const taskDurationSecs = options.taskDurationSecs ?? 1;
  const port = await freePort();
  const workDir = mkdtempSync(join(os.tmpdir(), 'meseta-bench-placement-'));
  const profileDir = join(workDir, 'profile');
  const cpuProf = (name: string): string[] => (options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : []);
  const master = spawnMeseta(['master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(workDir, 'master')}`, '--quiet'], cpuProf('master'));
  const url = `http://127.0.0.1:${port}`;
  const simulator = spawnMeseta(
    ['simulate-agents', `--master=${url}`, `--count=${agents}`, `--resources=${AGENT_RESOURCES}`, '--registration_rate=5000', '--quiet'],
    cpuProf('simulator'),
  );
  let client: SchedulerClient | undefined;
  try {
    const exited = (what: string, child: typeof master): Promise<never> =>
      new Promise((_, fail) => child.once('exit', (code, signal) => fail(new Error(`${what} exited (${code ?? signal}) before the run`))));
    await Promise.race([
      waitFor(`${agents} agents active`, async () => (await getJson<Record<string, number>>(`${url}/metrics/snapshot`))['master/slaves_active'] === agents, 120_000, 100),
      exited('master', master),
      exited('simulator', simulator),
    ]);
    client = new SchedulerClient({ detector: createMasterDetector(`127.0.0.1:${port}`), autoAcknowledge: true, coalesceAcknowledgements: true });
    const self = options.profile ? await startSelfProfile() : undefined;
    const timeline = new CpuTimeline(
      [
        { name: 'master', pids: [master.pid!] },
        { name: 'simulator', pids: [simulator.pid!] },
        { name: 'framework', pids: [process.pid] },
        kernelMemoryThreads(),
      ],
      1000,
    );
    const driveStart = performance.now();
    const figures = await drive(client, tasks, taskDurationSecs);
    const driveMs = round(performance.now() - driveStart);
    timeline.stop();
    const driveCpu = timeline.stretch(driveStart, driveStart + driveMs);
    const [masterCpu, simulatorCpu, frameworkCpu] = driveCpu.groups as [GroupCpu, GroupCpu, GroupCpu, GroupCpu];
    const perTask = (ms: number): number => round((ms * 1000) / tasks);
    const cpuUsPerTask = { master: perTask(masterCpu.processMs), simulator: perTask(simulatorCpu.processMs), framework: perTask(frameworkCpu.processMs) };
    const selfFile = await self?.stop(join(workDir, 'framework.cpuprofile'));
    await client.teardown().catch(() => undefined);
    // Both children write their profiles on a clean exit (SIGTERM).
    await stopProcess(simulator);
    await stopProcess(master);
    const result: PlacementBenchResult = {
      bench: 'placement',
      node: process.version,
      cpus: os.cpus().length,
      date: new Date().toISOString(),
      agents,
      tasks,
      taskDurationSecs,
      ...figures,
      cpuUsPerTask,
      driveMs,
      driveCpu,
      ratioToNomad: round(figures.placedPerSecond / NOMAD_C1M_PER_SECOND),
      ratioToTarget: round(figures.placedPerSecond / PLACEMENT_TARGET_PER_SECOND),
    };
    if (options.profile) {
      const keep = (file: string | undefined, name: string): ProfileSummary | undefined => {
        if (file === undefined) return undefined;
        copyFileSync(file, join(os.tmpdir(), `meseta-placement-${name}.cpuprofile`));
        return summarizeCpuProfile(file, 25);
      };
      const childProfile = (name: string): string | undefined => {
        const file = readdirSync(join(profileDir, name)).find((f) => f.endsWith('.cpuprofile'));
        return file === undefined ? undefined : join(profileDir, name, file);
      };
      const masterProfile = keep(childProfile('master'), 'master');
      const simulatorProfile = keep(childProfile('simulator'), 'simulator');
      const frameworkProfile = keep(selfFile, 'framework');
      if (masterProfile) result.masterProfile = masterProfile;
      if (simulatorProfile) result.simulatorProfile = simulatorProfile;
      if (frameworkProfile) result.frameworkProfile = frameworkProfile;
    }
    if (options.print ?? true) print(result);
    writeResult('placement', result, options.outFile);
    return result;
  } finally {
    client?.close();
    await stopProcess(simulator);
    await stopProcess(master);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The busy framework: packs every offer with tasks until `count` are launched. */
function drive(
  client: SchedulerClient,
  count: number,
  durationSecs: number,
): Promise<Pick<PlacementBenchResult, 'placedPerSecond' | 'runningPerSecond' | 'latencyMs' | 'acceptCalls'>> {
  let launched = 0;
  // Sets, not counters: an update the agent resends (its acknowledgement was late) counts once.
  const started = new Set<string>();
  const ran = new Set<string>();
  let acceptCalls = 0;
  let firstAccept = 0;
  let startedAt = 0;
  const acceptedAt = new Map<string, number>();
  const latencies: number[] = [];
  return new Promise((done, fail) => {
    const timeout = setTimeout(() => fail(new Error(`only ${ran.size}/${count} tasks running after 5 minutes`)), 300_000);
    client.on('offers', (offers) => {
      for (const offer of offers) {
        const matcher = new OfferMatcher(offer);
        const batch: TaskInfo[] = [];
        for (let taken = launched < count ? matcher.tryTake(TASK) : undefined; taken; taken = launched < count ? matcher.tryTake(TASK) : undefined) {
          const id = `p-${launched++}`;
          batch.push({ name: id, task_id: { value: id }, agent_id: offer.agent_id, command: { value: 'true' }, resources: taken, labels: { labels: [{ key: 'duration', value: String(durationSecs) }] } });
        }
        const now = performance.now();
        if (batch.length > 0 && firstAccept === 0) firstAccept = now;
        for (const task of batch) acceptedAt.set(task.task_id.value, now);
        acceptCalls++;
        void client.launch([offer.id], batch, { refuse_seconds: batch.length > 0 ? 0 : 60 }).catch(fail);
      }
    });
    client.on('update', (status) => {
      if (status.state === 'TASK_STARTING') {
        const id = status.task_id.value;
        if (!acceptedAt.has(id) || started.has(id)) return;
        started.add(id);
        if (started.size === count) startedAt = performance.now();
      } else if (status.state === 'TASK_RUNNING') {
        const id = status.task_id.value;
        const at = acceptedAt.get(id);
        if (at === undefined || ran.has(id)) return;
        ran.add(id);
        latencies.push(performance.now() - at);
        if (ran.size === count) {
          const end = performance.now();
          clearTimeout(timeout);
          if (startedAt === 0) startedAt = end;
          done({
            placedPerSecond: round((count * 1000) / (startedAt - firstAccept)),
            runningPerSecond: round((count * 1000) / (end - firstAccept)),
            latencyMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)) },
            acceptCalls,
          });
        }
      } else if (['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED'].includes(status.state)) {
        clearTimeout(timeout);
        fail(new Error(`task ${status.task_id.value} ended ${status.state}: ${status.message ?? ''}`));
      }
    });
    client.subscribe({ user: os.userInfo().username, name: 'placement-bench' }).catch(fail);
  });
}

function print(r: PlacementBenchResult): void {
  process.stdout.write(
    `placement: ${r.tasks} tasks of ${r.taskDurationSecs} s from one framework on ${r.agents} simulated agents (${r.acceptCalls} ACCEPT calls)\n` +
      `  placed (first ACCEPT → last TASK_STARTING at the framework): ${r.placedPerSecond} tasks/s\n` +
      `  running (first ACCEPT → last TASK_RUNNING at the framework): ${r.runningPerSecond} tasks/s; ACCEPT → TASK_RUNNING p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms\n` +
      `  CPU per task: master ${r.cpuUsPerTask.master} µs, simulator ${r.cpuUsPerTask.simulator} µs, framework ${r.cpuUsPerTask.framework} µs\n` +
      `  CPU over the drive's ${describeStretch(r.driveCpu)}\n` +
      `  placed vs Nomad C1M ${NOMAD_C1M_PER_SECOND}/s: ${r.ratioToNomad}×; vs target ${PLACEMENT_TARGET_PER_SECOND}/s: ${r.ratioToTarget}×\n`,
  );
  const profiles: Array<[string, ProfileSummary | undefined]> = [
    ['master', r.masterProfile],
    ['simulator', r.simulatorProfile],
    ['framework (this process, while driving)', r.frameworkProfile],
  ];
  for (const [name, p] of profiles) {
    if (!p) continue;
    process.stdout.write(`  ${name} CPU profile (${p.totalMs} ms sampled), self time by source:\n`);
    for (const e of p.sources.slice(0, 12)) process.stdout.write(`    ${String(e.percent).padStart(5)}%  ${e.name}\n`);
    process.stdout.write('  by function:\n');
    for (const e of p.functions.slice(0, 20)) process.stdout.write(`    ${String(e.percent).padStart(5)}%  ${e.name}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const num = (name: string): number | undefined => flagNumber(args, name);
  const agents = num('agents');
  const tasks = num('tasks');
  const taskDurationSecs = num('task_duration');
  await run({ ...(taskDurationSecs !== undefined ? { taskDurationSecs } : {}), smoke: args.includes('--smoke'), profile: args.includes('--profile'), ...(agents ? { agents } : {}), ...(tasks ? { tasks } : {}) });
}

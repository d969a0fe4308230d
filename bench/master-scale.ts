/**
 * Master at scale: N simulated agents (`meseta simulate-agents` processes, at
 * most 10,000 agents each) and 200 frameworks (our scheduler client) that
 * launch 10 s tasks at a steady total rate. Figures: ACCEPT → TASK_RUNNING
 * latency p50/p99 (at the framework), agent registration rate, and the master
 * process's memory per agent and per task (VmRSS deltas from /proc; per task
 * with `--collect` also after full collections driven through the master's inspector, the
 * memory the tasks hold without the garbage the collector has yet to reclaim).
 * Anchor: Mesos paper (NSDI'11), under 1 s of launch overhead at 50,000
 * emulated agents; target p99 ≤ 100 ms, ≤ 20 KB per agent, ≤ 2 KB per task.
 *
 * Size: smoke 1,000 agents; full 50,000. Each simulator process carries its
 * agents on one link (as libprocess carries a process's actors on one
 * socket), so the master's file-descriptor limit does not cap the agents.
 *
 *   node dist/bench/master-scale.js [--smoke] [--agents=N] [--rate=TASKS_PER_S] [--seconds=S] [--task_seconds=S] [--warmup=N]
 *                                   [--profile] [--heap-snapshots=DIR] [--master_node_args="ARGS"] [--collect | --no_collect]
 *
 * With `--seconds=30 --task_seconds=60` the master holds 30,000 live tasks when
 * measured.
 *
 * The timed launches follow a warm-up (`--warmup=N`, default 2,000 launches of
 * 1 s tasks at the same rate, timed apart and printed as the cold start): on
 * this 2-core machine the first seconds of launches run cold code in the
 * master, the five simulators and the 200 frameworks at once, and built a
 * backlog of up to ~0.7 s that said nothing of the master's steady overhead,
 * which is what the Mesos paper's figure and the target are about.
 * `--warmup=0` times the cold start itself.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SchedulerClient } from '../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../src/scheduler/master-detector.js';
import { OfferMatcher } from '../src/scheduler/offer-matcher.js';
import type { Offer, Resource, TaskInfo } from '../src/mesos/types.js';
import { CpuTimeline, describeStretch, kernelMemoryThreads, type CpuStretch } from './cpu-timeline.js';
import { collectedRssKb, inspectArg } from './inspector-gc.js';
import { flagNumber, flagString, freePort, getJson, percentile, round, rssKb, spawnMeseta, stopProcess, summarizeCpuProfile, waitFor, writeResult } from './bench-util.js';

export const MESOS_PAPER_OVERHEAD_MS = 1000;
export const TARGET_P99_MS = 100;
export const TARGET_KB_PER_AGENT = 20;
export const TARGET_KB_PER_TASK = 2;
const WANTED_AGENTS = 50_000;
const PER_SIMULATOR = 10_000;
const FRAMEWORKS = 200;
/** Run time of each task, s, unless `taskSeconds` says otherwise. */
const TASK_SECONDS = 10;

export interface MasterScaleOptions {
  smoke?: boolean;
  /** Agents; default 1,000 with smoke, else 50,000. */
  agents?: number;
  /** Total launch rate, tasks/s; default 1,000 (200 with smoke). */
  rate?: number;
  /** Launch window, s (below `taskSeconds`, so all launched tasks run at once at its end); default 8 (5 with smoke). */
  seconds?: number;
  /** Run time of each task, s; default 10. */
  taskSeconds?: number;
  /**
   * Launches before the timed ones, at the same rate, of 1 s tasks, all ended
   * before the timed launches start; their latency is reported apart as the
   * cold start. Default 2,000 (200 with smoke); 0 times the cold start itself.
   */
  warmup?: number;
  /** Run the master under `node --cpu-prof` and summarise where its time went. */
  profile?: boolean;
  /**
   * Directory for two heap snapshots of the master (`node --heapsnapshot-signal`):
   * one before the timed launches (agents registered, warm-up tasks finished, as
   * the per-task RSS figures start), one with every task running. Diffing them
   * shows what a task costs in the master's heap (writing one pauses the master,
   * so the latency figures of such a run are not comparable).
   */
  heapSnapshotDir?: string;
  /**
   * Extra node arguments for the master process, e.g. `--allocation-site-pretenuring`
   * to run it without the V8 flags `meseta master` sets on itself (for an A/B run).
   */
  masterNodeArgs?: string[];
  /**
   * Read the master's memory also after full collections at each stage (the
   * bench drives two through the master's inspector on loopback), as a C++
   * master's freed memory would be gone at once. The figures between
   * collections are printed either way. The collection before the clock
   * starts leaves V8 a lower heap limit, so a mark-compact tends to fall into
   * the launch window: the latency figures of such a run are not comparable
   * (p99 100–200 ms against 38–73 ms without, same machine). Default: only
   * with `smoke`, so the path keeps working in CI.
   */
  collect?: boolean;
  outFile?: string;
  print?: boolean;
}

export interface MasterScaleResult {
  bench: 'master-scale';
  node: string;
  cpus: number;
  date: string;
  agents: number;
  frameworks: number;
  tasks: number;
  /** Run time of each task, s. */
  taskSeconds: number;
  /** Extra node arguments the master ran with (none: empty). */
  masterNodeArgs: string[];
  registrationSeconds: number;
  agentsRegisteredPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Warm-up launches (cold code everywhere), timed apart: their count and ACCEPT → TASK_RUNNING, ms. */
  warmup: { tasks: number; latencyMs?: { p50: number; p99: number; max: number } };
  masterRssKb: { idle: number; withAgents: number; withFrameworks: number; withTasks: number };
  kbPerAgent: number;
  /** RSS per task between collections: what the master held plus the garbage of launching not yet collected. */
  kbPerTask: number;
  /**
   * With `collect`: RSS after full collections (kB) with the agents registered
   * and with every task running, and the difference per task launched.
   */
  collected?: { withAgentsKb: number; withTasksKb: number; kbPerTask: number };
  /**
   * With heap snapshots only: live JS heap per task (bytes), the snapshots'
   * difference over the tasks launched. Unlike the RSS figure it leaves out
   * garbage not yet collected and heap the collector has not given back.
   */
  heapBytesPerTask?: number;
  masterProfile?: ReturnType<typeof summarizeCpuProfile>;
  /**
   * Time to answer the endpoints operators and the web UI poll, with every
   * agent registered and offered and every task running, ms (the master
   * serves nothing else meanwhile: a slow answer stalls it).
   */
  endpointMs: { slaves: number; state: number };
  /**
   * The timed launch that took longest, and where the machine's CPU time went
   * from its ACCEPT to its TASK_RUNNING (sampled every 50 ms): whether the
   * master, the simulators or the frameworks' process was busy, or ready but
   * waiting for a core, or the machine busy with work of none of them.
   */
  slowestLaunch?: { ms: number; acceptedAfterMs: number; cpu: CpuStretch };
}

const TASK: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
];

/** Runs the benchmark; returns (and optionally prints and writes) its figures. */
export async function run(options: MasterScaleOptions = {}): Promise<MasterScaleResult> {
  const agents = options.agents ?? (options.smoke ? 1000 : WANTED_AGENTS);
  const rate = options.rate ?? (options.smoke ? 200 : 1000);
  const seconds = options.seconds ?? (options.smoke ? 5 : 8);
  const taskSeconds = options.taskSeconds ?? TASK_SECONDS;
  const warmup = options.warmup ?? (options.smoke ? 200 : 2000);
  const port = await freePort();
  const workDir = mkdtempSync(join(os.tmpdir(), 'meseta-bench-scale-'));
  const url = `http://127.0.0.1:${port}`;
  const profileDir = join(workDir, 'profile');
  const collect = options.collect ?? options.smoke === true;
  const inspectPort = collect ? await freePort() : 0;
  const master = spawnMeseta(
    ['master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(workDir, 'master')}`, '--quiet'],
    [
      ...(options.masterNodeArgs ?? []),
      ...(collect ? [inspectArg(inspectPort)] : []),
      ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...(options.heapSnapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${options.heapSnapshotDir}`] : []),
    ],
  );
  /** Has the master write a heap snapshot; resolves with the live heap it holds (bytes), or undefined without snapshots. */
  const snapshot = async (): Promise<number | undefined> => {
    if (!options.heapSnapshotDir) return undefined;
    const dir = options.heapSnapshotDir;
    const files = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
    const before = new Set(files());
    master.kill('SIGUSR2');
    const file = await waitFor('heap snapshot', () => files().find((f) => !before.has(f)), 300_000, 200);
    // The file appears when writing starts; the master answers again once it is done.
    await waitFor('master after snapshot', async () => (await fetch(`${url}/health`)).ok, 300_000, 200);
    return heapSnapshotBytes(join(dir, file));
  };
  const simulators: ChildProcess[] = [];
  const clients: SchedulerClient[] = [];
  try {
    await waitFor('master', async () => (await fetch(`${url}/health`)).ok, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    const idle = rssKb(master.pid!);
    const pools = new Map<SchedulerClient, Offer[]>();
    for (let i = 0; i < FRAMEWORKS; i++) {
      const client = new SchedulerClient({ detector: createMasterDetector(`127.0.0.1:${port}`), autoAcknowledge: true });
      clients.push(client);
      pools.set(client, []);
      // Offers are kept, never declined: the frameworks subscribe before the agents
      // arrive, so DRF spreads the agents over all of them without decline churn.
      client.on('offers', (offers) => pools.get(client)!.push(...offers));
      client.on('rescind', (id) => {
        const pool = pools.get(client)!;
        const at = pool.findIndex((o) => o.id.value === id.value);
        if (at >= 0) pool.splice(at, 1);
      });
    }
    await Promise.all(clients.map((c, i) => c.subscribe({ user: os.userInfo().username, name: `scale-${i}` })));
    const withFrameworks = rssKb(master.pid!);
    const t0 = performance.now();
    for (let offset = 0; offset < agents; offset += PER_SIMULATOR) {
      simulators.push(
        spawnMeseta([
          'simulate-agents',
          `--master=127.0.0.1:${port}`,
          `--count=${Math.min(PER_SIMULATOR, agents - offset)}`,
          `--id_offset=${offset}`,
          '--resources=cpus:8;mem:32768;disk:100000;ports:[31000-32000]',
          `--task_duration=${taskSeconds}secs`,
          '--registration_rate=5000',
          '--quiet',
        ]),
      );
    }
    await waitFor(
      `${agents} agents connected`,
      async () => (await getJson<Record<string, number>>(`${url}/metrics/snapshot`))['master/slaves_connected'] === agents,
      600_000,
      250,
    );
    const registrationSeconds = (performance.now() - t0) / 1000;
    const withAgents = rssKb(master.pid!);
    // Collected before the clock starts, so the forced pause is outside the latency window.
    const collectedWithAgents = collect ? await collectedRssKb(master.pid!, inspectPort) : undefined;
    // Every agent offered and every offer parsed by its framework before the clock starts: the
    // 200 frameworks share this process, and launching while they still parse the first 50,000
    // offers would time this process's backlog along with the master.
    await waitFor('an offer of every agent', () => [...pools.values()].reduce((n, p) => n + p.length, 0) >= agents, 60_000, 50);

    // Timed apart: the warm-up's launches (`w-…`) and the measured ones (`t-…`).
    const timing = { warmup: new Launches(), measured: new Launches() };
    const warmupFinished = new Set<string>();
    for (const client of clients) {
      client.on('update', (status) => {
        const id = status.task_id.value;
        const launches = id.startsWith('w-') ? timing.warmup : timing.measured;
        if (status.state === 'TASK_RUNNING') launches.running(id);
        else if (status.state === 'TASK_FINISHED' && launches === timing.warmup) warmupFinished.add(id);
      });
    }
    // Steady launches: every 10 ms, the tasks due so far, one per offer, frameworks in turn.
    let turn = 0;
    const launchAtRate = (count: number, launches: Launches, prefix: string, labels?: TaskInfo['labels']): Promise<number> => {
      let launched = 0;
      const start = performance.now();
      return new Promise<number>((done) => {
        const pace = setInterval(() => {
          const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000));
          for (let tries = 0; launched < due && tries < FRAMEWORKS * 2; tries++) {
            const client = clients[turn++ % FRAMEWORKS]!;
            const offer = pools.get(client)!.shift();
            if (!offer) continue;
            const taken = new OfferMatcher(offer).tryTake(TASK);
            if (!taken) continue;
            const id = `${prefix}-${launched++}`;
            launches.accepted(id);
            const task: TaskInfo = { name: id, task_id: { value: id }, agent_id: offer.agent_id, command: { value: 'true' }, resources: taken };
            if (labels) task.labels = labels;
            void client.launch([offer.id], [task], { refuse_seconds: 0 }).catch(() => undefined);
          }
          if (launched >= count) {
            clearInterval(pace);
            done(launched);
          }
        }, 10);
      });
    };
    let beforeLaunches = withAgents;
    let collectedBeforeLaunches = collectedWithAgents;
    if (warmup > 0) {
      const warmed = await launchAtRate(warmup, timing.warmup, 'w', { labels: [{ key: 'duration', value: '1' }] });
      await waitFor(`${warmed} warm-up tasks finished`, () => warmupFinished.size >= warmed, 120_000, 20);
      // The warm-up's finished tasks (kept as completed tasks) are not counted against the timed ones.
      beforeLaunches = rssKb(master.pid!);
      collectedBeforeLaunches = collect ? await collectedRssKb(master.pid!, inspectPort) : undefined;
    }
    const heapBeforeLaunches = await snapshot();
    const timeline = new CpuTimeline([
      { name: 'master', pids: [master.pid!] },
      { name: 'simulators', pids: simulators.map((s) => s.pid!) },
      { name: 'frameworks', pids: [process.pid] },
      kernelMemoryThreads(),
    ]);
    const launchesStart = performance.now();
    const launched = await launchAtRate(Math.round(rate * seconds), timing.measured, 't');
    const latencies = timing.measured.latencies;
    const runningIds = timing.measured.runningIds;
    await waitFor(`${launched} tasks running`, () => runningIds.size >= launched, 60_000, 20).catch(() => undefined);
    timeline.stop();
    const slowest = timing.measured.slowest();
    const withTasks = rssKb(master.pid!);
    const heapWithTasks = await snapshot();
    const collectedWithTasks = collect ? await collectedRssKb(master.pid!, inspectPort) : undefined;
    const timed = async (path: string): Promise<number> => {
      const began = performance.now();
      await (await fetch(`${url}${path}`)).arrayBuffer();
      return round(performance.now() - began);
    };
    const endpointMs = { slaves: await timed('/master/slaves'), state: await timed('/master/state') };
    const result: MasterScaleResult = {
      bench: 'master-scale',
      node: process.version,
      cpus: os.cpus().length,
      date: new Date().toISOString(),
      agents,
      frameworks: FRAMEWORKS,
      tasks: latencies.length,
      taskSeconds,
      masterNodeArgs: options.masterNodeArgs ?? [],
      registrationSeconds: round(registrationSeconds),
      agentsRegisteredPerSecond: round(agents / registrationSeconds),
      latencyMs: summary(latencies),
      warmup: { tasks: timing.warmup.latencies.length, ...(timing.warmup.latencies.length > 0 ? { latencyMs: summary(timing.warmup.latencies) } : {}) },
      masterRssKb: { idle, withAgents, withFrameworks, withTasks },
      endpointMs,
      ...(slowest
        ? {
            slowestLaunch: {
              ms: round(slowest.runningAt - slowest.acceptedAt),
              acceptedAfterMs: round(slowest.acceptedAt - launchesStart),
              cpu: timeline.stretch(slowest.acceptedAt, slowest.runningAt),
            },
          }
        : {}),
      kbPerAgent: round((withAgents - withFrameworks) / agents),
      // With a collection between the two readings, the garbage of registration is not counted against the tasks.
      kbPerTask: round((withTasks - (collectedBeforeLaunches ?? beforeLaunches)) / Math.max(1, launched)),
      ...(collectedWithAgents !== undefined && collectedWithTasks !== undefined
        ? {
            collected: {
              withAgentsKb: collectedWithAgents,
              withTasksKb: collectedWithTasks,
              kbPerTask: round((collectedWithTasks - (collectedBeforeLaunches ?? collectedWithAgents)) / Math.max(1, launched)),
            },
          }
        : {}),
      ...(heapBeforeLaunches !== undefined && heapWithTasks !== undefined
        ? { heapBytesPerTask: Math.round((heapWithTasks - heapBeforeLaunches) / Math.max(1, launched)) }
        : {}),
    };
    for (const client of clients) client.close();
    await Promise.all(simulators.map((s) => stopProcess(s)));
    await stopProcess(master);
    const profile = options.profile ? readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
    if (profile) {
      result.masterProfile = summarizeCpuProfile(join(profileDir, profile), 25);
      // Kept for a closer look (inclusive time per call path in Chrome DevTools).
      copyFileSync(join(profileDir, profile), join(os.tmpdir(), 'meseta-master-scale.cpuprofile'));
    }
    if (options.print ?? true) print(result, launched);
    writeResult('master-scale', result, options.outFile);
    return result;
  } finally {
    for (const client of clients) client.close();
    await Promise.all(simulators.map((s) => stopProcess(s)));
    await stopProcess(master);
    rmSync(workDir, { recursive: true, force: true });
  }
}

function print(r: MasterScaleResult, launched: number): void {
  process.stdout.write(
    `master-scale: ${r.agents} simulated agents, ${r.frameworks} frameworks, ${launched} × ${r.taskSeconds} s tasks` +
      (r.masterNodeArgs.length > 0 ? ` (master node args: ${r.masterNodeArgs.join(' ')})` : '') +
      '\n' +
      `  registration: ${r.registrationSeconds} s (${r.agentsRegisteredPerSecond} agents/s)\n` +
      `  ACCEPT → TASK_RUNNING: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms (${r.tasks} tasks; Mesos paper < ${MESOS_PAPER_OVERHEAD_MS} ms, target p99 ≤ ${TARGET_P99_MS} ms)\n` +
      (r.warmup.latencyMs
        ? `  cold start, the ${r.warmup.tasks} warm-up launches before: p50 ${r.warmup.latencyMs.p50} ms, p99 ${r.warmup.latencyMs.p99} ms, max ${r.warmup.latencyMs.max} ms\n`
        : '') +
      (r.slowestLaunch
        ? `  slowest launch ${r.slowestLaunch.ms} ms, accepted ${r.slowestLaunch.acceptedAfterMs} ms into the launches; over ${describeStretch(r.slowestLaunch.cpu)}\n`
        : '') +
      `  master RSS: idle ${r.masterRssKb.idle} kB, +frameworks ${r.masterRssKb.withFrameworks} kB, +agents (each offered) ${r.masterRssKb.withAgents} kB, +tasks ${r.masterRssKb.withTasks} kB\n` +
      `  per agent ${r.kbPerAgent} kB (target ≤ ${TARGET_KB_PER_AGENT}), per task ${r.kbPerTask} kB between collections\n` +
      (r.collected
        ? `  after full collections: +agents ${r.collected.withAgentsKb} kB, +tasks ${r.collected.withTasksKb} kB: per task ${r.collected.kbPerTask} kB (target ≤ ${TARGET_KB_PER_TASK})\n`
        : '') +
      `  /master/slaves answered in ${r.endpointMs.slaves} ms, /master/state in ${r.endpointMs.state} ms\n` +
      (r.heapBytesPerTask !== undefined ? `  live JS heap per task (heap snapshots): ${r.heapBytesPerTask} B\n` : ''),
  );
  if (r.masterProfile) {
    process.stdout.write(`  master CPU profile (${r.masterProfile.totalMs} ms sampled), self time by function:\n`);
    for (const e of r.masterProfile.functions.slice(0, 25)) process.stdout.write(`    ${String(e.percent).padStart(5)}%  ${e.name}\n`);
  }
}

/** One set of launches, timed: when each was accepted and how long until its first TASK_RUNNING. */
class Launches {
  private readonly acceptedAt = new Map<string, number>();
  readonly runningIds = new Set<string>();
  readonly latencies: number[] = [];
  private longest: { acceptedAt: number; runningAt: number } | undefined;

  accepted(id: string): void {
    this.acceptedAt.set(id, performance.now());
  }

  running(id: string): void {
    const at = this.acceptedAt.get(id);
    // A resent update (its acknowledgement was late) is not a second launch.
    if (at === undefined || this.runningIds.has(id)) return;
    this.runningIds.add(id);
    const now = performance.now();
    this.latencies.push(now - at);
    if (!this.longest || now - at > this.longest.runningAt - this.longest.acceptedAt) this.longest = { acceptedAt: at, runningAt: now };
  }

  /** The launch that took longest to TASK_RUNNING: when it was accepted and when it ran (`performance.now()`, ms). */
  slowest(): { acceptedAt: number; runningAt: number } | undefined {
    return this.longest;
  }
}

function summary(latencies: number[]): { p50: number; p99: number; max: number } {
  return { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(Math.max(...latencies)) };
}

/**
 * Live heap in a V8 `.heapsnapshot` (bytes): the sum of its nodes' self sizes.
 * Scans the `nodes` array as text rather than parsing the file, which can be
 * larger than the longest string V8 allows.
 */
export function heapSnapshotBytes(file: string): number {
  const text = readFileSync(file);
  const start = text.indexOf('"nodes":[');
  if (start < 0) throw new Error(`${file}: not a heap snapshot (no nodes array)`);
  const header = JSON.parse(`${text.subarray(0, text.lastIndexOf(',', start)).toString('utf8')}}`) as {
    snapshot: { meta: { node_fields: string[] } };
  };
  const fields = header.snapshot.meta.node_fields;
  const selfSize = fields.indexOf('self_size');
  let total = 0;
  let field = 0;
  let value = 0;
  let inNumber = false;
  for (let i = start + '"nodes":['.length; i < text.length; i++) {
    const c = text[i]!;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      inNumber = true;
      continue;
    }
    if (inNumber) {
      if (field === selfSize) total += value;
      field = (field + 1) % fields.length;
      value = 0;
      inNumber = false;
    }
    if (c === 93 /* ] */) break;
  }
  return total;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const num = (name: string): number | undefined => flagNumber(args, name);
  const [agents, rate, seconds, taskSeconds, warmup] = [num('agents'), num('rate'), num('seconds'), num('task_seconds'), num('warmup')];
  const heapSnapshotDir = flagString(args, 'heap-snapshots');
  const masterNodeArgs = flagString(args, 'master_node_args')?.split(/\s+/).filter((a) => a !== '');
  await run({
    smoke: args.includes('--smoke'),
    profile: args.includes('--profile'),
    ...(agents ? { agents } : {}),
    ...(rate ? { rate } : {}),
    ...(taskSeconds ? { taskSeconds } : {}),
    ...(seconds ? { seconds } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
    ...(heapSnapshotDir ? { heapSnapshotDir } : {}),
    ...(masterNodeArgs ? { masterNodeArgs } : {}),
    ...(args.includes('--collect') ? { collect: true } : args.includes('--no_collect') ? { collect: false } : {}),
  });
}

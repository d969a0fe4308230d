/**
 * Small helpers shared by the cluster benches (start, placement, master-scale):
 * free ports, spawning `bin/meseta` processes, waiting with a bound, reading a
 * process's memory from /proc, percentiles, writing results.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reapOnExit } from '../test/support/reap-on-exit.js';

/** Repository root (dist/bench/x.js → two levels up). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MESETA = join(ROOT, 'bin', 'meseta');

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** Whether `port` can be bound on 127.0.0.1 right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/**
 * The first of `count` consecutive ports all free on 127.0.0.1 right now
 * (for `meseta local --agent_port`, whose agent i listens on port + i), below
 * the kernel's ephemeral range so outgoing connections do not take them.
 * Throws after 100 tries.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** Node's default V8 platform pool: helper threads per process, whatever the machine. */
const NODE_DEFAULT_V8_POOL = 4;

/**
 * Node's arguments for every meseta process a bench starts: V8's platform
 * pool sized to the machine, `--v8-pool-size=min(4, cores)`, unless
 * `nodeOptions` (NODE_OPTIONS, which the children inherit) sets it already.
 * Pure; throws nothing.
 *
 * Why: Node gives each process 4 helper threads on any machine, and V8 splits
 * each young-generation collection between the main thread and every helper,
 * which all must finish before the main thread goes on. The failover bench
 * runs a dozen processes on this machine's 2 cores; with 4 helpers per process
 * a new leader's collections waited on helpers that had no core. Alternated
 * runs (10,000 agents, 100,000 tasks, session 34): pool of 2 ≥ 10,000 agents/s
 * in 8 of 11 (9,216–12,422), default pool in 3 of 11 (8,117–12,690), the new
 * leader's main thread waiting for a core 84–189 ms of the window against
 * 180–333; a pool of 1 gained nothing (also in an earlier session). On a
 * machine with 4 or more cores this is Node's default. A master host with
 * fewer cores is started the same way (README, "Benchmarks").
 */
export function mesetaNodeArgs(cores = availableParallelism(), nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  if (/(^|\s)--v8[-_]pool[-_]size\b/.test(nodeOptions)) return [];
  return [`--v8-pool-size=${Math.max(1, Math.min(NODE_DEFAULT_V8_POOL, cores))}`];
}

/** How the benches start meseta's processes, for their printed headers: `node --v8-pool-size=2`, or the NODE_OPTIONS that set it. */
export function describeMesetaNodeArgs(): string {
  const args = mesetaNodeArgs();
  return args.length > 0 ? `node ${args.join(' ')}` : `NODE_OPTIONS=${process.env.NODE_OPTIONS ?? ''}`;
}

/**
 * Spawns `node [mesetaNodeArgs()] [nodeArgs] bin/meseta <args>` with output
 * ignored (or inherited, or piped to the caller); `nodeArgs` come later, so
 * they win over the defaults.
 */
export function spawnMeseta(args: string[], nodeArgs: string[] = [], stdio: 'ignore' | 'inherit' | 'pipe' = 'ignore'): ChildProcess {
  return reapOnExit(spawn(process.execPath, [...mesetaNodeArgs(), ...nodeArgs, MESETA, ...args], { stdio }));
}

/** Sends SIGTERM and waits for exit (SIGKILL after `graceMs`). */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `probe` every `intervalMs` until it returns a value (not undefined/false); throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GETs JSON. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** USER_HZ of Linux's /proc times. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) of process `pid` so far, ms, from /proc (0 when unknown). */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** What Linux's scheduler says of one thread: time on a CPU and time runnable but waiting for one, ms. */
export interface ThreadSchedStat {
  runMs: number;
  waitMs: number;
}

/**
 * Scheduler statistics of process `pid`'s main thread (its JavaScript event
 * loop; V8's and libuv's helper threads are not counted) so far, from
 * /proc/<pid>/schedstat; zeros when unknown (not Linux, or the process is gone).
 * `waitMs` is how long the thread was ready to run while every CPU was busy
 * with something else: on a machine shared by the benches' processes it tells
 * a thread that was short of work from one that was short of a CPU.
 */
export function mainThreadSchedStat(pid: number | undefined): ThreadSchedStat {
  if (pid === undefined) return { runMs: 0, waitMs: 0 };
  try {
    const [runNs, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: (runNs ?? 0) / 1e6, waitMs: (waitNs ?? 0) / 1e6 };
  } catch {
    return { runMs: 0, waitMs: 0 };
  }
}

/**
 * CPU time the whole machine has spent busy so far (every CPU's user, nice,
 * system, irq, softirq and steal time in /proc/stat), ms.
 */
export function machineBusyMs(): number {
  return machineTimes().busyMs;
}

/**
 * The machine's CPU time so far (all CPUs, /proc/stat), ms: `busyMs` as
 * machineBusyMs; of it, `kernelMs` the kernel's own (system, irq and softirq
 * time) and `stealMs` what the hypervisor gave to other guests while this
 * machine had work (a virtual machine's lost time).
 */
export function machineTimes(): { busyMs: number; kernelMs: number; stealMs: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const ms = (ticks: number): number => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busyMs: ms(user + nice + system + irq + softirq + steal), kernelMs: ms(system + irq + softirq), stealMs: ms(steal) };
}

/** Resident set size of a process in kB (VmRSS of /proc/<pid>/status). */
export function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0);
}

/** The value of `--name=VALUE` among a bench's command-line `args`, or undefined. */
export function flagString(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** `--name=N` as a number, or undefined when absent. */
export function flagNumber(args: readonly string[], name: string): number | undefined {
  const text = flagString(args, name);
  return text === undefined ? undefined : Number(text);
}

/** The `p` quantile (0..1) of `xs`, nearest-rank; NaN for an empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Rounds to 2 decimals. */
export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Writes `result` as JSON to `outFile` (default `bench/results/<name>.json`; '' = nowhere). */
export function writeResult(name: string, result: unknown, outFile?: string): void {
  const file = outFile ?? join(ROOT, 'bench', 'results', `${name}.json`);
  if (file === '') return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** One line of a CPU profile summary. */
export interface ProfileEntry {
  /** `function file:line` or a file/package name. */
  name: string;
  ms: number;
  percent: number;
}

/**
 * Self time of a `.cpuprofile` (from `node --cpu-prof`) by function and by
 * source (file under the repository, package under node_modules, or node
 * internal), top `n` of each.
 */
export function summarizeCpuProfile(path: string, n = 12): { totalMs: number; functions: ProfileEntry[]; sources: ProfileEntry[] } {
  interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const functions = new Map<string, number>();
  const sources = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const pkg = frame.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
    const url = pkg ? `npm:${pkg}` : frame.url.replace(`file://${ROOT}/`, '');
    const fn = `${frame.functionName || '(anonymous)'} ${url}${url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const source = url === '' ? frame.functionName : url;
    sources.set(source, (sources.get(source) ?? 0) + us);
  }
  const top = (m: Map<string, number>): ProfileEntry[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: round(us / 1000), percent: round((100 * us) / total) }));
  return { totalMs: round(total / 1000), functions: top(functions), sources: top(sources) };
}

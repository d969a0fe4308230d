/**
 * Allocator benchmark: time of one full hierarchical-DRF allocation pass over
 * a large cluster (every agent free, so every agent is offered), and of an
 * idle pass right after (everything allocated, nothing to offer).
 *
 * Run: `node dist/bench/allocator.js [--smoke] [--runs=N]`. Prints a table and
 * writes `bench/results/allocator.json`. `--smoke` uses a tenth of the sizes.
 * A bench runner can `import { run }` instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Resource } from '../src/mesos/types.js';
import { HierarchicalDRFAllocator } from '../src/master/allocator/hierarchical-drf-allocator.js';
import { flagNumber } from './bench-util.js';

/** Options of {@link run}. */
export interface BenchOptions {
  /** A tenth of the sizes (CI smoke run). Default false. */
  smoke?: boolean;
  /** Measured runs per scenario, after one warm-up. Default 5. */
  runs?: number;
  /** Where to write the JSON; default `bench/results/allocator.json` of the repository. Empty string: don't write. */
  outFile?: string;
  /** Print the table to stdout. Default true. */
  print?: boolean;
}

/** Figures of one cluster size. Times in milliseconds. */
export interface ScenarioResult {
  name: string;
  agents: number;
  frameworks: number;
  roles: number;
  /** Allocations returned by the full pass (one per agent expected). */
  allocations: number;
  /** Building the allocator (adding agents and frameworks), median. */
  setupMs: number;
  /** One full pass, median / min / max over the measured runs. */
  passMs: { median: number; min: number; max: number };
  /**
   * Process CPU time (user + system, all threads) of the full pass, median:
   * less sensitive than wall time to other processes sharing the machine.
   */
  passCpuMs: number;
  /** One pass when everything is already allocated, median. */
  idlePassMs: number;
  /** recoverResources of every offer of the full pass (declines with a 5 s filter), median. */
  recoverAllMs: number;
  /** The pass after those declines: a filter checked on every agent, offers to the next framework; median. */
  declinedPassMs: number;
  /** Full pass, per 1,000 agents. */
  msPer1kAgents: number;
}

/** What {@link run} returns (and writes as JSON). */
export interface BenchResult {
  bench: 'allocator';
  smoke: boolean;
  runs: number;
  node: string;
  cpus: number;
  date: string;
  scenarios: ScenarioResult[];
}

const AGENT_TOTAL: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 8 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 32768 } },
  { name: 'disk', type: 'SCALAR', scalar: { value: 100000 } },
  { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
];

/** Builds an allocator with `agents` identical agents and `frameworks` spread round-robin over `roles`. */
function build(agents: number, frameworks: number, roles: number): HierarchicalDRFAllocator {
  const alloc = new HierarchicalDRFAllocator({ weights: { 'role-0': 2 } });
  for (let f = 0; f < frameworks; f++) {
    alloc.addFramework(`fw-${pad(f, 5)}`, { roles: [`role-${f % roles}`] }, true);
  }
  for (let a = 0; a < agents; a++) {
    alloc.addAgent(`agent-${pad(a, 6)}`, { hostname: `host-${a}`, total: AGENT_TOTAL }, []);
  }
  return alloc;
}

function scenario(name: string, agents: number, frameworks: number, roles: number, runs: number): ScenarioResult {
  const setups: number[] = [];
  const passes: number[] = [];
  const idles: number[] = [];
  const cpus: number[] = [];
  const recovers: number[] = [];
  const declined: number[] = [];
  let allocations = 0;
  // Run 0 is the warm-up (JIT), not counted.
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const alloc = build(agents, frameworks, roles);
    // Collect the previous run's allocator and the set-up garbage now, so a
    // major GC of it is not billed to the pass being measured.
    collectGarbage();
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    const out = alloc.allocate(1_000_000);
    const t2 = performance.now();
    const c2 = process.cpuUsage(c1);
    alloc.allocate(1_001_000);
    const t3 = performance.now();
    // Every offer declined with the default 5 s filter: the next pass must
    // check a filter on every agent and offer it to the next framework.
    for (const a of out) alloc.recoverResources(a.frameworkId, a.agentId, a.role, a.resources, 5, 1_001_000);
    const t4 = performance.now();
    collectGarbage();
    const t5 = performance.now();
    const again = alloc.allocate(1_002_000);
    const t6 = performance.now();
    allocations = out.length;
    if (again.length !== out.length) throw new Error(`declined pass offered ${again.length} of ${out.length} agents`);
    if (i === 0) continue;
    recovers.push(t4 - t3);
    declined.push(t6 - t5);
    setups.push(t1 - t0);
    passes.push(t2 - t1);
    cpus.push((c2.user + c2.system) / 1000);
    idles.push(t3 - t2);
  }
  const median = percentile(passes, 0.5);
  return {
    name,
    agents,
    frameworks,
    roles,
    allocations,
    setupMs: round(percentile(setups, 0.5)),
    passMs: { median: round(median), min: round(Math.min(...passes)), max: round(Math.max(...passes)) },
    passCpuMs: round(percentile(cpus, 0.5)),
    idlePassMs: round(percentile(idles, 0.5)),
    recoverAllMs: round(percentile(recovers, 0.5)),
    declinedPassMs: round(percentile(declined, 0.5)),
    msPer1kAgents: round((median / agents) * 1000),
  };
}

/**
 * Runs both scenarios of issue 9 (10,000 agents × 1,000 frameworks, then
 * 50,000 agents × 1,000 frameworks, both over 100 roles; a tenth with `smoke`).
 */
export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const smoke = options.smoke ?? false;
  const runs = options.runs ?? 5;
  const k = smoke ? 10 : 1;
  const { availableParallelism } = await import('node:os');
  const result: BenchResult = {
    bench: 'allocator',
    smoke,
    runs,
    node: process.version,
    cpus: availableParallelism(),
    date: new Date().toISOString(),
    scenarios: [
      scenario(`${10 / k}k agents`, 10_000 / k, 1_000 / k, 100 / k, runs),
      scenario(`${50 / k}k agents`, 50_000 / k, 1_000 / k, 100 / k, runs),
    ],
  };
  if (options.print ?? true) console.log(table(result));
  const outFile = options.outFile ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results/allocator.json');
  if (outFile !== '') {
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}

function table(r: BenchResult): string {
  const head = ['scenario', 'agents', 'frameworks', 'roles', 'offers', 'setup ms', 'pass ms (median)', 'min', 'max', 'cpu ms', 'idle pass ms', 'decline all ms', 'pass after declines ms', 'ms/1k agents'];
  const rows = r.scenarios.map((s) => [
    s.name,
    String(s.agents),
    String(s.frameworks),
    String(s.roles),
    String(s.allocations),
    s.setupMs.toFixed(1),
    s.passMs.median.toFixed(1),
    s.passMs.min.toFixed(1),
    s.passMs.max.toFixed(1),
    s.passCpuMs.toFixed(1),
    s.idlePassMs.toFixed(2),
    s.recoverAllMs.toFixed(1),
    s.declinedPassMs.toFixed(1),
    s.msPer1kAgents.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `allocator bench${r.smoke ? ' (smoke)' : ''}: node ${r.node}, ${r.cpus} cpus, median of ${r.runs} runs after a warm-up`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

/**
 * A full GC, via `--expose-gc` switched on at run time (the bench is started
 * as plain `node dist/bench/allocator.js`). Silently a no-op if unavailable.
 */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') (gc as () => void)();
  } catch {
    // No GC hook: the figures then include GC pauses.
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const runs = flagNumber(args, 'runs');
  await run({ smoke: args.includes('--smoke'), ...(runs ? { runs } : {}) });
}

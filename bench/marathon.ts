/**
 * Marathon at scale: one app of N instances (default 1,000) posted to our
 * Marathon, timed until every instance is TASK_RUNNING, then scaled to 0 and
 * timed until none is left; instances per second each way. Two clusters of
 * 10 agents:
 *  - simulated: `meseta master` + `meseta simulate-agents --count=10` +
 *    `meseta marathon` (three processes, Marathon with its default flags);
 *  - real: `meseta local --num_agents=10` (master, 10 agents and Marathon in
 *    one process), the app's command `sleep 1000` in real processes.
 * Anchor: Marathon 0.15 started 500 instances in 14 s (≈ 35/s). Targets:
 * ≥ 300/s simulated, ≥ 100/s real.
 *
 *   node dist/bench/marathon.js [--smoke] [--instances=N] [--only=simulated|real] [--profile]
 *
 * `--profile` runs Marathon (simulated cluster) under `node --cpu-prof` and
 * summarises where its time went.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { flagNumber, flagString, freePort, freePortRange, getJson, round, spawnMeseta, stopProcess, summarizeCpuProfile, waitFor, writeResult } from './bench-util.js';

/** Marathon 0.15: 500 instances in 14 s. */
export const MARATHON_015_PER_SECOND = 35;
export const MARATHON_TARGET_SIMULATED = 300;
export const MARATHON_TARGET_REAL = 100;
const AGENTS = 10;

export interface MarathonBenchOptions {
  smoke?: boolean;
  /** Instances of the app; default 1,000 (100 with smoke). */
  instances?: number;
  /** Run one cluster only. */
  only?: 'simulated' | 'real';
  /** Profile Marathon on the simulated cluster. */
  profile?: boolean;
  outFile?: string;
  print?: boolean;
}

/** One cluster's figures. */
export interface MarathonRun {
  cluster: 'simulated' | 'real';
  agents: number;
  instances: number;
  /** POST /v2/apps → every instance TASK_RUNNING. */
  upSeconds: number;
  upPerSecond: number;
  /** PUT instances=0 → no instance left. */
  downSeconds: number;
  downPerSecond: number;
}

export interface MarathonBenchResult {
  bench: 'marathon';
  node: string;
  cpus: number;
  date: string;
  runs: MarathonRun[];
  marathonProfile?: ReturnType<typeof summarizeCpuProfile>;
}

interface AppStatus {
  app: { tasksRunning: number; tasksStaged: number; instances: number; deployments: unknown[] };
}

/** Runs the benchmark; returns (and optionally prints and writes) its figures. */
export async function run(options: MarathonBenchOptions = {}): Promise<MarathonBenchResult> {
  const instances = options.instances ?? (options.smoke ? 100 : 1000);
  const result: MarathonBenchResult = { bench: 'marathon', node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), runs: [] };
  if (options.only !== 'real') {
    const { run: r, profile } = await simulated(instances, options.profile ?? false);
    result.runs.push(r);
    if (profile) result.marathonProfile = profile;
  }
  if (options.only !== 'simulated') result.runs.push(await real(instances));
  if (options.print ?? true) print(result);
  writeResult('marathon', result, options.outFile);
  return result;
}

/** Master, 10 simulated agents and Marathon as three processes. */
async function simulated(instances: number, profile: boolean): Promise<{ run: MarathonRun; profile?: ReturnType<typeof summarizeCpuProfile> }> {
  const workDir = mkdtempSync(join(os.tmpdir(), 'meseta-bench-marathon-'));
  const profileDir = join(workDir, 'profile');
  const port = await freePort();
  const marathonPort = await freePort();
  const processes: ChildProcess[] = [];
  try {
    processes.push(spawnMeseta(['master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(workDir, 'master')}`, '--quiet']));
    await waitFor('master', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 30_000);
    processes.push(
      spawnMeseta([
        'simulate-agents', `--master=127.0.0.1:${port}`, `--count=${AGENTS}`,
        `--resources=cpus:${instances};mem:${instances * 64};disk:100000;ports:[31000-32000]`, '--task_duration=100000secs', '--quiet',
      ]),
    );
    await waitFor(`${AGENTS} agents`, async () => (await getJson<Record<string, number>>(`http://127.0.0.1:${port}/metrics/snapshot`))['master/slaves_connected'] === AGENTS, 30_000);
    const marathon = spawnMeseta(
      ['marathon', `--master=127.0.0.1:${port}`, `--http_port=${marathonPort}`, '--http_address=127.0.0.1', `--work_dir=${join(workDir, 'marathon')}`, '--quiet'],
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    processes.push(marathon);
    const figures = await scaleUpAndDown(`http://127.0.0.1:${marathonPort}`, instances, 'simulated');
    await stopProcess(marathon);
    const file = profile ? readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
    return { run: figures, ...(file ? { profile: summarizeCpuProfile(join(profileDir, file), 25) } : {}) };
  } finally {
    for (const p of processes.reverse()) await stopProcess(p);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** `meseta local --num_agents=10`: real agents, real `sleep` processes. */
async function real(instances: number): Promise<MarathonRun> {
  const workDir = mkdtempSync(join(os.tmpdir(), 'meseta-bench-marathon-local-'));
  const port = await freePort();
  const agentPort = await freePortRange(AGENTS);
  const marathonPort = await freePort();
  // Each agent offers room for all instances; tasks ask for little, so only the machine limits.
  const cluster = spawnMeseta([
    'local', `--ip=127.0.0.1`, `--port=${port}`, `--agent_port=${agentPort}`, `--num_agents=${AGENTS}`, `--marathon_port=${marathonPort}`, '--chronos_port=0',
    `--work_dir=${workDir}`, `--runtime_dir=${join(workDir, 'run')}`, `--resources=cpus:${instances / 10};mem:${instances * 8};disk:4096;ports:[31000-32000]`, '--quiet',
  ], [], 'pipe');
  let stderr = '';
  cluster.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  cluster.stdout?.resume();
  try {
    await waitFor(
      `${AGENTS} agents`,
      async () => {
        if (cluster.exitCode !== null) throw new Error(`meseta local exited with ${cluster.exitCode}: ${stderr.slice(-2000)}`);
        return (await getJson<Record<string, number>>(`http://127.0.0.1:${port}/metrics/snapshot`))['master/slaves_connected'] === AGENTS;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}${stderr ? `; meseta local said: ${stderr.slice(-2000)}` : ''}`);
    });
    return await scaleUpAndDown(`http://127.0.0.1:${marathonPort}`, instances, 'real');
  } finally {
    await stopProcess(cluster, 60_000);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Posts the app, waits for all instances running, scales to 0, waits for none. */
async function scaleUpAndDown(url: string, instances: number, cluster: MarathonRun['cluster']): Promise<MarathonRun> {
  await waitFor('Marathon', async () => (await fetch(`${url}/ping`)).ok, 60_000, 50);
  const id = '/bench/sleepers';
  // The list form carries the counts without every task's JSON (GET /v2/apps/<id> embeds the tasks: the poll would cost more than the work).
  const status = async (): Promise<AppStatus> => {
    const { apps } = await getJson<{ apps: Array<AppStatus['app'] & { id: string }> }>(`${url}/v2/apps?id=${encodeURIComponent(id)}`);
    const app = apps.find((a) => a.id === id);
    if (!app) throw new Error(`app ${id} not listed`);
    return { app };
  };
  const upStart = performance.now();
  const posted = await fetch(`${url}/v2/apps`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id, cmd: 'sleep 1000', cpus: 0.01, mem: 4, instances }),
  });
  if (!posted.ok) throw new Error(`POST /v2/apps: ${posted.status} ${await posted.text()}`);
  await waitFor(`${instances} instances running`, async () => (await status()).app.tasksRunning === instances, 600_000, 50);
  const upSeconds = (performance.now() - upStart) / 1000;
  const downStart = performance.now();
  const put = await fetch(`${url}/v2/apps${id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ instances: 0 }) });
  if (!put.ok) throw new Error(`PUT /v2/apps${id}: ${put.status} ${await put.text()}`);
  await waitFor(
    'no instance left',
    async () => {
      const { app } = await status();
      return app.tasksRunning === 0 && app.tasksStaged === 0 && app.deployments.length === 0;
    },
    600_000,
    50,
  );
  const downSeconds = (performance.now() - downStart) / 1000;
  return {
    cluster,
    agents: AGENTS,
    instances,
    upSeconds: round(upSeconds),
    upPerSecond: round(instances / upSeconds),
    downSeconds: round(downSeconds),
    downPerSecond: round(instances / downSeconds),
  };
}

function print(r: MarathonBenchResult): void {
  for (const x of r.runs) {
    const target = x.cluster === 'simulated' ? MARATHON_TARGET_SIMULATED : MARATHON_TARGET_REAL;
    process.stdout.write(
      `marathon (${x.cluster}, ${x.agents} agents): ${x.instances} instances running in ${x.upSeconds} s (${x.upPerSecond}/s; ` +
        `Marathon 0.15 ≈ ${MARATHON_015_PER_SECOND}/s, target ≥ ${target}/s); scaled to 0 in ${x.downSeconds} s (${x.downPerSecond}/s)\n`,
    );
  }
  if (r.marathonProfile) {
    process.stdout.write(`  Marathon CPU profile (${r.marathonProfile.totalMs} ms sampled), self time by function:\n`);
    for (const e of r.marathonProfile.functions.slice(0, 25)) process.stdout.write(`    ${String(e.percent).padStart(5)}%  ${e.name}\n`);
    process.stdout.write('  by source:\n');
    for (const e of r.marathonProfile.sources.slice(0, 15)) process.stdout.write(`    ${String(e.percent).padStart(5)}%  ${e.name}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const instances = flagNumber(args, 'instances');
  const onlyArg = flagString(args, 'only');
  await run({
    smoke: args.includes('--smoke'),
    profile: args.includes('--profile'),
    ...(instances ? { instances } : {}),
    ...(onlyArg === 'simulated' || onlyArg === 'real' ? { only: onlyArg } : {}),
  });
}

/**
 * Start-up: `meseta local` from spawn to the first offer accepted by a
 * framework (our scheduler client subscribes as soon as the master answers
 * `/health`, and launches one `true` task into its first offer). Median of a
 * few runs. Anchor: Mesos + ZooKeeper + Marathon start in tens of seconds;
 * target ≤ 1 s.
 *
 *   node dist/bench/start.js [--smoke] [--runs=N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SchedulerClient } from '../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../src/scheduler/master-detector.js';
import { OfferMatcher } from '../src/scheduler/offer-matcher.js';
import type { Resource } from '../src/mesos/types.js';
import { flagNumber, freePort, percentile, round, spawnMeseta, stopProcess, waitFor, writeResult } from './bench-util.js';

/** Target from issue 9, ms. */
export const START_TARGET_MS = 1000;

export interface StartBenchOptions {
  smoke?: boolean;
  /** Runs; default 5 (2 with smoke). */
  runs?: number;
  outFile?: string;
  print?: boolean;
}

/** One run's milestones, ms after spawn. */
export interface StartRun {
  /** `/health` answered 200. */
  healthMs: number;
  /** SUBSCRIBED received. */
  subscribedMs: number;
  /** First OFFERS event. */
  firstOfferMs: number;
  /** The ACCEPT (LAUNCH of one task) answered 202. */
  acceptedMs: number;
}

export interface StartBenchResult {
  bench: 'start';
  node: string;
  cpus: number;
  date: string;
  runs: StartRun[];
  /** Median of `acceptedMs`. */
  medianMs: number;
  targetMs: number;
}

const TASK: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 16 } },
];

/** Runs the benchmark; returns (and optionally prints and writes) its figures. */
export async function run(options: StartBenchOptions = {}): Promise<StartBenchResult> {
  const count = options.runs ?? (options.smoke ? 2 : 5);
  const runs: StartRun[] = [];
  for (let i = 0; i < count; i++) runs.push(await once());
  const result: StartBenchResult = {
    bench: 'start',
    node: process.version,
    cpus: os.cpus().length,
    date: new Date().toISOString(),
    runs,
    medianMs: round(percentile(runs.map((r) => r.acceptedMs), 0.5)),
    targetMs: START_TARGET_MS,
  };
  if (options.print ?? true) {
    const m = (k: keyof StartRun): number => round(percentile(runs.map((r) => r[k]), 0.5));
    process.stdout.write(
      `start: meseta local, spawn → first offer accepted, median of ${count}\n` +
        `  /health ${m('healthMs')} ms, SUBSCRIBED ${m('subscribedMs')} ms, first offer ${m('firstOfferMs')} ms, accepted ${result.medianMs} ms\n` +
        `  target ≤ ${START_TARGET_MS} ms: ${result.medianMs <= START_TARGET_MS ? 'met' : 'missed'} (ratio ${round(result.medianMs / START_TARGET_MS)})\n`,
    );
  }
  writeResult('start', result, options.outFile);
  return result;
}

async function once(): Promise<StartRun> {
  const port = await freePort();
  const agentPort = await freePort();
  const workDir = mkdtempSync(join(os.tmpdir(), 'meseta-bench-start-'));
  const t0 = performance.now();
  const cluster = spawnMeseta([
    'local',
    `--port=${port}`,
    `--agent_port=${agentPort}`,
    `--work_dir=${workDir}`,
    `--runtime_dir=${join(workDir, 'run')}`,
    '--resources=cpus:2;mem:2048;disk:2048;ports:[31000-32000]',
    '--quiet',
  ]);
  const client = new SchedulerClient({ detector: createMasterDetector(`127.0.0.1:${port}`), backoff: { initialMs: 10, maxMs: 50 } });
  try {
    await waitFor('master /health', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 30_000, 5);
    const healthMs = performance.now() - t0;
    const firstOffer = new Promise<{ at: number; offer: import('../src/mesos/types.js').Offer }>((done) => {
      const off = client.on('offers', (offers) => {
        off();
        done({ at: performance.now() - t0, offer: offers[0]! });
      });
    });
    await client.subscribe({ user: os.userInfo().username, name: 'start-bench' });
    const subscribedMs = performance.now() - t0;
    const { at: firstOfferMs, offer } = await firstOffer;
    const taken = new OfferMatcher(offer).tryTake(TASK)!;
    await client.launch([offer.id], [{ name: 'first', task_id: { value: 'first' }, agent_id: offer.agent_id, command: { value: 'true' }, resources: taken }]);
    const acceptedMs = performance.now() - t0;
    return { healthMs: round(healthMs), subscribedMs: round(subscribedMs), firstOfferMs: round(firstOfferMs), acceptedMs: round(acceptedMs) };
  } finally {
    client.close();
    await stopProcess(cluster);
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const runs = flagNumber(args, 'runs');
  await run({ smoke: args.includes('--smoke'), ...(runs ? { runs } : {}) });
}

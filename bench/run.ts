/**
 * `npm run bench` runs every benchmark and prints one table; `-- --smoke` runs
 * each at a small size (well under a minute). Results also go to
 * bench/results/<bench>.json.
 */
import { join } from 'node:path';
import { run as allocator } from './allocator.js';
import { run as launch } from './launch.js';
import { run as docker, dockerUnavailable } from './docker.js';
import { run as start, START_TARGET_MS } from './start.js';
import { run as placement, NOMAD_C1M_PER_SECOND } from './placement.js';
import { run as masterScale, MESOS_PAPER_OVERHEAD_MS, TARGET_KB_PER_AGENT, TARGET_KB_PER_TASK } from './master-scale.js';
import { run as failover, FAILOVER_TARGET_AGENTS_PER_SECOND, FAILOVER_TARGET_FRAMEWORK_MS, MESOS_REREGISTRATION_PER_SECOND } from './failover.js';
import { run as marathon, MARATHON_015_PER_SECOND, MARATHON_TARGET_REAL, MARATHON_TARGET_SIMULATED } from './marathon.js';
import { zookeeperMissing } from '../test/support/zookeeper.js';
import { describeMesetaNodeArgs, ROOT } from './bench-util.js';

const smoke = process.argv.includes('--smoke');
const rows: Array<[string, string, string]> = [];

const alloc = await allocator({ smoke, print: false, ...(smoke ? { runs: 3 } : {}) });
for (const s of alloc.scenarios) {
  rows.push([`allocator: one pass, ${s.agents} agents / ${s.frameworks} frameworks`, `${s.passMs.median} ms`, `${s.msPer1kAgents} ms per 1k agents`]);
}
const l = await launch({ smoke, print: false });
rows.push([`launch: ${l.tasks} × 'true' via meseta local (${l.isolation})`, `${l.mesetaTasksPerSecond} tasks/s`, `${l.ratioToFloor} × floor (${l.floorTasksPerSecond}/s sh -c true, 2 at a time)${l.waitedForFreedInodesSeconds > 0 ? `; waited ${l.waitedForFreedInodesSeconds} s first for ext4 to stop holding back the last run's freed inodes` : ''}`]);
if (l.workDirOnTmpfs) {
  const cpu = l.workDirOnTmpfs.cpuMsPerTask;
  rows.push([
    `launch, work dir on tmpfs`,
    `${l.workDirOnTmpfs.mesetaTasksPerSecond} tasks/s`,
    `${l.workDirOnTmpfs.ratioToFloor} × floor; CPU per task ${cpu.meseta} ms meseta local, ${cpu.launchersAndTasks} ms launchers and tasks, ${cpu.framework} ms framework`,
  ]);
}
const dockerMissing = await dockerUnavailable();
// The test suite runs the smoke size and requires what it set up: a missing component fails it there.
if (dockerMissing && process.env.MESETA_REQUIRE_DOCKER === '1') throw new Error(`bench docker: ${dockerMissing} (MESETA_REQUIRE_DOCKER=1)`);
if (dockerMissing) {
  process.stdout.write(`bench docker skipped: ${dockerMissing}\n`);
  rows.push(['docker: Docker tasks via meseta local vs docker run --rm', 'skipped', dockerMissing]);
} else {
  const dk = await docker({ smoke, print: false });
  rows.push([`docker: ${dk.tasks} × busybox 'true' via meseta local --containerizers=docker,mesos`, `${dk.mesetaSeconds} s`, `${dk.wallTimeRatio} × docker run --rm wall time (${dk.dockerRunSeconds} s, ${dk.baselineParallel} at a time = Meseta's mean in flight)`]);
}
const st = await start({ smoke, print: false });
rows.push(['start: meseta local, spawn → first offer accepted', `${st.medianMs} ms`, `target ≤ ${START_TARGET_MS} ms (${st.medianMs <= START_TARGET_MS ? 'met' : 'missed'})`]);
const pl = await placement({ smoke, print: false });
rows.push([
  `placement: ${pl.tasks} tasks, 1 framework, ${pl.agents} simulated agents`,
  `${pl.placedPerSecond} tasks/s placed`,
  `${pl.ratioToNomad} × Nomad C1M (${NOMAD_C1M_PER_SECOND}/s); ACCEPT→TASK_RUNNING ${pl.runningPerSecond}/s`,
]);
const ms = await masterScale({ smoke, print: false });
rows.push([`master-scale: ${ms.agents} agents, ${ms.frameworks} frameworks, ACCEPT→RUNNING p50/p99`, `${ms.latencyMs.p50}/${ms.latencyMs.p99} ms`, `Mesos paper < ${MESOS_PAPER_OVERHEAD_MS} ms; ${ms.kbPerAgent} kB/agent, ${ms.kbPerTask} kB/task in the master between collections` +
    (ms.collected ? ` (${ms.collected.kbPerTask} kB/task after full collections)` : '') +
    (ms.warmup.latencyMs ? `; cold start (${ms.warmup.tasks} warm-up launches) p99 ${ms.warmup.latencyMs.p99} ms` : '')]);
// The memory targets are read after full collections, which disturb the latency figures (see
// master-scale's `collect`), so the full run measures memory in a second run of its own. (The
// smoke run collects in its only run; its few tasks make the per-task figure too coarse to judge.)
if (!smoke) {
  const memory = await masterScale({ collect: true, print: false, outFile: join(ROOT, 'bench', 'results', 'master-scale-collected.json') });
  if (memory.collected) {
    const met = memory.collected.kbPerTask <= TARGET_KB_PER_TASK && memory.kbPerAgent <= TARGET_KB_PER_AGENT;
    rows.push([
      `master-scale memory: ${memory.agents} agents, ${memory.tasks} tasks, after full collections`,
      `${memory.collected.kbPerTask} kB/task`,
      `${memory.kbPerAgent} kB/agent; targets ≤ ${TARGET_KB_PER_TASK} kB/task, ≤ ${TARGET_KB_PER_AGENT} kB/agent (${met ? 'met' : 'missed'}); ${memory.kbPerTask} kB/task between collections`,
    ]);
  }
}
const zkMissing = zookeeperMissing();
if (zkMissing && process.env.MESETA_REQUIRE_ZOOKEEPER === '1') throw new Error(`bench failover: ${zkMissing} (MESETA_REQUIRE_ZOOKEEPER=1)`);
if (zkMissing) {
  rows.push(['failover: 3 masters with --zk, SIGKILL the leader', 'skipped', zkMissing]);
} else {
  const fo = await failover({ smoke, print: false });
  rows.push([
    `failover: 3 masters, ${fo.agents} agents, ${fo.tasks} tasks; agents reregistered`,
    `${fo.agentsReregisteredPerSecond} agents/s`,
    `${fo.ratioToMesos} × Mesos 1.5 (${MESOS_REREGISTRATION_PER_SECOND}/s), target ${FAILOVER_TARGET_AGENTS_PER_SECOND}/s; all back ${fo.agentsBackAfterElectionMs} ms after election`,
  ]);
  rows.push([
    `failover: leader serving after SIGKILL; frameworks back after election`,
    `${fo.leaderServingMs}/${fo.frameworksBackAfterElectionMs} ms`,
    `--zk_session_timeout=${fo.zkSessionTimeoutSecs}secs; target frameworks ≤ ${FAILOVER_TARGET_FRAMEWORK_MS} ms`,
  ]);
}
const mt = await marathon({ smoke, print: false });
for (const r of mt.runs) {
  const target = r.cluster === 'simulated' ? MARATHON_TARGET_SIMULATED : MARATHON_TARGET_REAL;
  rows.push([
    `marathon: ${r.instances} instances on ${r.agents} ${r.cluster} agents, up / scale to 0`,
    `${r.upPerSecond}/${r.downPerSecond} /s`,
    `${Math.round((r.upPerSecond / MARATHON_015_PER_SECOND) * 10) / 10} × Marathon 0.15 (${MARATHON_015_PER_SECOND}/s), target ${target}/s`,
  ]);
}

const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(`\nbenchmark${' '.repeat(width - 9)}  figure            ratio / note\n`);
for (const [name, figure, note] of rows) process.stdout.write(`${name.padEnd(width)}  ${figure.padEnd(16)}  ${note}\n`);
process.stdout.write(`(node ${process.version}, ${alloc.cpus} cpus${smoke ? ', smoke sizes' : ''}; meseta processes started with ${describeMesetaNodeArgs()})\n`);

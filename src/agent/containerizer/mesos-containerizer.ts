/**
 * The Mesos containerizer for command tasks and executors: one native launcher
 * per container (native/meseta-launcher.c) and the isolators named by
 * `--isolation` (src/agent/isolator).
 *
 * Per-container checkpoints, under `<runtimeDir>/containers/<containerId>/`:
 *
 *   config.json       what was launched (the launcher writes what we give it, first)
 *   launcher.json     launcher and task pids with start times (by the launcher, once
 *                     the task started, before it reports; tmp + rename)
 *   pid               the task's pid (checkpoints of earlier versions only)
 *   status            the task's raw wait status, then `swept` when the launcher
 *                     killed what the task left in its cgroups or session (once it
 *                     reaped it), and `cgroups_removed` when it removed them too
 *   termination.json  the ContainerTermination we reported (by us, at the end),
 *                     unless `status` alone gives it: a restarted agent finalizes
 *                     from `status` just as we did (see finalize)
 *
 * Launchers are started by one small fork server per containerizer
 * (launcher-server.ts), which is their parent and reports each one's exit.
 *
 * How a container's end is noticed: while the fork server that started its
 * launcher runs, the exit it reports, with the `status` file it read for us
 * (so the event loop reads none per task); after an agent restart (or if the server
 * or the launcher died) nobody tells us, Node has no pidfd, so a single timer
 * polls the `status` file and the pids' liveness every `pollMs` (500 ms): cheap
 * (two small reads per container) and well inside the latency a status update
 * tolerates. When the launcher is gone too, the task's exit status is lost and the
 * termination says so.
 *
 * When a container's main process ends, whatever it left behind in the container
 * is killed, as Mesos destroys a container when its executor exits. The launcher
 * does that itself, and then removes the container's cgroups unless the kernel
 * OOM-killed in them (LauncherOutcome): for a short task, reading the cgroups and
 * asking for their removal was a fifth of the agent's work.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { removeTree } from '../remove-tree.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ContainerLaunchError,
  UnknownContainerError,
  type ContainerConfig,
  type ContainerInfoRuntime,
  type ContainerTermination,
  type ContainerUsage,
  type Containerizer,
} from './containerizer.js';
import { decodeWaitStatus, parseStatusFile, signalName, terminationMessage, type LauncherOutcome, type LauncherSpec } from './launcher.js';
import { LauncherServer } from './launcher-server.js';
import { createIsolators } from '../isolator/create-isolators.js';
import type { ContainerLimitation, Isolator } from '../isolator/isolator.js';
import { type ProcStat, isAlive, readProcStat, sessionMembers } from '../isolator/procfs.js';

/** Constructor options; flag names are the Mesos agent's. */
export interface MesosContainerizerOptions {
  /** `--isolation`, e.g. `cgroups/cpu,cgroups/mem` or the Mesos default `posix/cpu,posix/mem`. */
  isolation: string;
  /** Where per-container checkpoints go (`--runtime_dir`). */
  runtimeDir: string;
  /** `--cgroups_root`, default `mesos`. */
  cgroupsRoot?: string;
  /** `--cgroups_hierarchy`, default `/sys/fs/cgroup`. */
  cgroupsHierarchy?: string;
  /**
   * `--cgroups_enable_cfs`: cap CPU with CFS quota under `cgroups/cpu`. Default true
   * here (Mesos: false), so `cpus` is a hard limit and not just a weight.
   */
  cgroupsEnableCfs?: boolean;
  /** Path of the built `meseta-launcher`. */
  launcherPath: string;
  logger?: { info(msg: string): void; warn(msg: string): void };
  /** How often containers we are not the parent of are checked, in ms (default 500). */
  pollMs?: number;
  /** How often running containers are checked for OOM kills, in ms (default 1000). */
  limitationCheckMs?: number;
}

interface Container {
  readonly id: string;
  readonly dir: string;
  /** Task pid; 0 while unknown. */
  pid: number;
  pidStartTicks?: number;
  launcherPid?: number;
  launcherStartTicks?: number;
  /** The launcher SIGKILLed what the task left in its container (no /proc scan needed without cgroups). */
  swept?: boolean;
  /** Settles once the launch finished (either way); destroy waits for it. */
  launched: Promise<unknown>;
  limitation?: ContainerLimitation;
  termination?: ContainerTermination;
  readonly ended: Promise<ContainerTermination>;
  resolveEnded(t: ContainerTermination): void;
  destroying?: Promise<void>;
  finalizing?: Promise<void>;
}

/** `launcher.json`, written by the launcher; lets a restarted agent tell our pids from recycled ones. */
interface LauncherCheckpoint {
  launcherPid: number;
  launcherStartTicks?: number;
  pid: number;
  pidStartTicks?: number;
}

const KILL_POLL_MS = 20;
const KILL_ATTEMPTS = 250; // × 20 ms: 5 s for SIGKILLed processes to disappear
const END_WAIT_MS = 10_000;

/**
 * The ContainerTermination for a raw wait status (undefined = unknown) and an
 * isolator limitation, if any; pure. Mirrors the command executor's messages.
 */
export function toTermination(status: number | undefined, limitation?: ContainerLimitation): ContainerTermination {
  const t: ContainerTermination =
    status === undefined
      ? { message: 'Command terminated; its exit status is unknown (the launcher is gone)' }
      : { status, message: terminationMessage(status) };
  if (status !== undefined) {
    const decoded = decodeWaitStatus(status);
    if ('exitCode' in decoded) t.exitCode = decoded.exitCode;
    else t.signal = signalName(decoded.signal);
  }
  if (limitation) t.limitation = limitation;
  return t;
}

/**
 * Splits a container's CPU time (as its isolator measured it, e.g. from the
 * cgroup) into user and system time in the proportion its processes' `/proc`
 * times show (Mesos reads `cpuacct.stat`/`cpu.stat` for the same split). Pure.
 * All user time when the processes show none.
 */
export function splitCpuTime(totalSecs: number, stats: ProcStat[]): { cpusUserTimeSecs: number; cpusSystemTimeSecs: number } {
  const user = stats.reduce((sum, s) => sum + s.utime + s.cutime, 0);
  const system = stats.reduce((sum, s) => sum + s.stime + s.cstime, 0);
  if (user + system === 0) return { cpusUserTimeSecs: totalSecs, cpusSystemTimeSecs: 0 };
  const userSecs = (totalSecs * user) / (user + system);
  return { cpusUserTimeSecs: userSecs, cpusSystemTimeSecs: totalSecs - userSecs };
}

/** See the module comment. Implements the `Containerizer` seam. */
export class MesosContainerizer implements Containerizer {
  private readonly isolators: Isolator[];
  private readonly containers = new Map<string, Container>();
  /** Containers whose end we must poll for (not our child, or launcher lost). */
  private readonly polled = new Set<Container>();
  private pollTimer: NodeJS.Timeout | undefined;
  private limitationTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;
  private readonly pollMs: number;
  private readonly limitationCheckMs: number;
  private readonly launchers: LauncherServer;

  /**
   * @throws UnknownIsolatorError for an unknown isolator name (`Unknown isolator 'foo/bar'`).
   * @throws CgroupUnavailableError when a cgroups isolator's controller is not mounted.
   */
  constructor(private readonly options: MesosContainerizerOptions) {
    this.isolators = createIsolators(options.isolation, {
      cgroupsHierarchy: options.cgroupsHierarchy ?? '/sys/fs/cgroup',
      cgroupsRoot: options.cgroupsRoot ?? 'mesos',
      cgroupsEnableCfs: options.cgroupsEnableCfs ?? true,
      removeDirs: (dirs) => this.launchers.removeDirs(dirs),
    });
    this.pollMs = options.pollMs ?? 500;
    this.limitationCheckMs = options.limitationCheckMs ?? 1000;
    this.launchers = new LauncherServer(options.launcherPath, (lost) => this.pollLost(lost));
  }

  /** Names of the isolators in use, comma-separated, in flag order. */
  get isolation(): string {
    return this.isolators.map((i) => i.name).join(',');
  }

  async launch(config: ContainerConfig): Promise<ContainerInfoRuntime> {
    const id = config.containerId;
    if (this.containers.has(id)) throw new ContainerLaunchError(`Container '${id}' already exists`);
    const c = this.newContainer(id);
    let settle!: () => void;
    c.launched = new Promise<void>((r) => (settle = r));
    this.containers.set(id, c);
    try {
      // The checkpoint dir, config.json and launcher.json are the launcher's to write: for a
      // short task they were a tenth of this thread's work per task.
      const configJson = JSON.stringify({
        containerId: id,
        sandbox: config.sandbox,
        command: config.command,
        cpus: config.cpus,
        memMB: config.memMB,
        user: config.user,
        isolation: this.isolation,
      });
      const cgroups = new Set<string>();
      const cgroupWrites: LauncherSpec['cgroupWrites'] = [];
      let oomCheck: string | undefined;
      for (const isolator of this.isolators) {
        const prepared = await isolator.prepare({ containerId: id, cpus: config.cpus, memMB: config.memMB });
        // On v2 the cpu and memory isolators name the same directory: create and join it once.
        prepared.cgroups.forEach((dir) => cgroups.add(dir));
        cgroupWrites.push(...prepared.writes);
        oomCheck ??= prepared.oomCheck;
      }
      const started = await this.launchers.launch({
        launcherPath: this.options.launcherPath,
        sandbox: config.sandbox,
        stdoutPath: config.stdoutPath,
        stderrPath: config.stderrPath,
        checkpointDir: c.dir,
        config: configJson,
        statusFile: join(c.dir, 'status'),
        cgroups: [...cgroups],
        cgroupWrites,
        oomCheck,
        makeSandbox: config.createSandbox,
        user: config.user,
        command: config.command,
        env: config.env,
      });
      c.pid = started.pid;
      c.launcherPid = started.launcherPid;
      // Exits heard before this line are kept for us by the server.
      this.launchers.watch(started.launcherPid, (_status, outcome) => void this.check(c, outcome));
      // The launcher reads both start times itself (and checkpointed them); /proc here only if it could not.
      c.launcherStartTicks = started.launcherStartTicks ?? (await readProcStat(c.launcherPid))?.startTicks;
      c.pidStartTicks = started.pidStartTicks ?? (await readProcStat(c.pid))?.startTicks;
      for (const isolator of this.isolators) await isolator.isolate(id, c.pid);
    } catch (err) {
      this.containers.delete(id);
      await this.cleanupIsolators(id);
      removeContainerDir(c.dir);
      settle();
      const reason = err instanceof Error ? err.message : String(err);
      throw new ContainerLaunchError(`Failed to launch container '${id}': ${reason}`, { cause: err });
    }
    settle();
    this.ensureTimers();
    this.options.logger?.info(`Launched container ${id} (pid ${c.pid}) with ${this.isolation}`);
    return { containerId: id, pid: c.pid };
  }

  /**
   * Deletes whole trees in the launcher server's process, off the event loop
   * (the agent's retired checkpoints); see LauncherServer.removeTrees.
   */
  removeTrees(paths: string[]): Promise<void> {
    return this.launchers.removeTrees(paths);
  }

  async wait(containerId: string): Promise<ContainerTermination> {
    const c = this.containers.get(containerId);
    if (!c) throw new UnknownContainerError(`Unknown container '${containerId}'`);
    return c.ended;
  }

  async destroy(containerId: string, gracePeriodMs: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c || c.termination) return;
    c.destroying ??= this.runDestroy(c, gracePeriodMs);
    return c.destroying;
  }

  /**
   * Re-adopts the containers asked for, and destroys every other container
   * found under `<runtimeDir>/containers/` (Mesos's orphans: a non-checkpointing
   * framework's, whose executor left no checkpoint, or a run the agent no longer
   * knows), then forgets them. Resolves once the orphans are gone.
   */
  async recover(containerIds: string[]): Promise<ContainerInfoRuntime[]> {
    const recovered: ContainerInfoRuntime[] = [];
    for (const id of [...containerIds].sort()) {
      const known = this.containers.get(id);
      if (known) {
        recovered.push({ containerId: id, pid: known.pid });
        continue;
      }
      const c = await this.adopt(id);
      if (c) recovered.push({ containerId: id, pid: c.pid });
      else this.options.logger?.warn(`Cannot recover container ${id}: no checkpoint in ${this.dirOf(id)}`);
    }
    await this.destroyOrphans(new Set(containerIds));
    this.ensureTimers();
    return recovered;
  }

  /** Reads a container's checkpoints and starts watching it; undefined when it has no `config.json`. */
  private async adopt(id: string): Promise<Container | undefined> {
    const c = this.newContainer(id);
    if ((await readText(join(c.dir, 'config.json'))) === undefined) return undefined;
    const checkpoint = await readJson<LauncherCheckpoint>(join(c.dir, 'launcher.json'));
    c.launcherPid = checkpoint?.launcherPid;
    c.launcherStartTicks = checkpoint?.launcherStartTicks;
    c.pidStartTicks = checkpoint?.pidStartTicks;
    c.pid = checkpoint?.pid ?? Number((await readText(join(c.dir, 'pid')))?.trim() ?? 0);
    this.containers.set(id, c);
    const ended = await readJson<ContainerTermination>(join(c.dir, 'termination.json'));
    if (ended) {
      c.termination = ended;
      c.resolveEnded(ended);
    } else {
      this.polled.add(c);
      await this.check(c);
    }
    return c;
  }

  private async destroyOrphans(wanted: ReadonlySet<string>): Promise<void> {
    const names = await readdir(this.containersDir).catch(() => [] as string[]);
    const orphans = names.filter((id) => !wanted.has(id) && !this.containers.has(id));
    await Promise.all(
      orphans.map(async (id) => {
        const c = await this.adopt(id);
        if (!c) return removeContainerDir(this.dirOf(id));
        if (!c.termination) this.options.logger?.info(`Destroying orphan container ${id}`);
        await this.destroy(id, 0);
        await this.forget(id);
      }),
    );
  }

  async usage(containerId: string): Promise<ContainerUsage> {
    const c = this.containers.get(containerId);
    if (!c) throw new UnknownContainerError(`Unknown container '${containerId}'`);
    if (c.termination) return {};
    const pids = await this.pidsOf(c);
    const out: ContainerUsage = {};
    for (const isolator of this.isolators) {
      const u = await isolator.usage(containerId, pids);
      out.memRssBytes ??= u.memRssBytes;
      out.cpuTimeSecs ??= u.cpuTimeSecs;
    }
    const stats = (await Promise.all(pids.map((p) => readProcStat(p)))).filter((s) => s !== undefined);
    out.processes = stats.length;
    if (out.cpuTimeSecs !== undefined) Object.assign(out, splitCpuTime(out.cpuTimeSecs, stats));
    return out;
  }

  /**
   * Forgets an ended container and deletes its checkpoints (call once its terminal
   * status update is safely acknowledged), the files in the launcher server's
   * process rather than on the event loop. False for unknown or running containers.
   */
  async forget(containerId: string): Promise<boolean> {
    const c = this.containers.get(containerId);
    if (!c?.termination) return false;
    this.containers.delete(containerId);
    this.ensureTimers();
    await this.launchers.removeTrees([c.dir]).catch((err: Error) => {
      this.options.logger?.warn(`Container ${containerId}: cannot remove its checkpoints: ${err.message}`);
      removeContainerDir(c.dir);
    });
    return true;
  }

  /**
   * Stops watching: clears the timers and lets go of the launchers so the agent's
   * process can exit. Running tasks are left alone (they outlive the agent by
   * design); a later containerizer `recover`s them. Pending `wait`s stay pending.
   */
  close(): void {
    this.closed = true;
    clearInterval(this.pollTimer);
    clearInterval(this.limitationTimer);
    this.pollTimer = this.limitationTimer = undefined;
    this.launchers.close();
  }

  /** The launcher server died: nobody will report these launchers' exits, so poll for them. */
  private pollLost(launcherPids: number[]): void {
    const lost = new Set(launcherPids);
    for (const c of this.containers.values()) {
      if (!c.termination && c.launcherPid !== undefined && lost.has(c.launcherPid)) this.polled.add(c);
    }
    this.ensureTimers();
  }

  /** `<runtimeDir>/containers`: one dir per container. */
  private get containersDir(): string {
    return join(this.options.runtimeDir, 'containers');
  }

  private dirOf(id: string): string {
    return join(this.containersDir, id);
  }

  private newContainer(id: string): Container {
    let resolveEnded!: (t: ContainerTermination) => void;
    const ended = new Promise<ContainerTermination>((r) => (resolveEnded = r));
    return {
      id,
      dir: this.dirOf(id),
      pid: 0,
      launched: Promise.resolve(),
      ended,
      resolveEnded,
    };
  }

  /** SIGTERM the tree, wait up to the grace period, SIGKILL what is left, wait for the end. */
  private async runDestroy(c: Container, gracePeriodMs: number): Promise<void> {
    await c.launched;
    if (!this.containers.has(c.id) || c.termination) return;
    this.options.logger?.info(`Destroying container ${c.id} (grace ${gracePeriodMs} ms)`);
    if (gracePeriodMs > 0) {
      await this.signalAll(c, 'SIGTERM');
      await this.endWithin(c, gracePeriodMs);
    }
    if (c.termination) return;
    await this.killUntilGone(c);
    const giveUp = Date.now() + END_WAIT_MS;
    while (!c.termination && Date.now() < giveUp) {
      await this.check(c);
      if (!c.termination) await delay(KILL_POLL_MS);
    }
    if (!c.termination) {
      this.options.logger?.warn(`Container ${c.id}: launcher did not report after the kill; finishing without it`);
      await this.finalize(c, await readOutcome(c.dir));
    }
  }

  /**
   * Waits up to `ms` for the container to end. Its main process ending ends it
   * (its launcher kills the rest): the launcher server reports that, and for a
   * container polled instead, it is looked at every KILL_POLL_MS here. Nothing
   * walks the container's processes meanwhile: a poll of each session, for
   * every container of a burst of kills, was O(containers × processes).
   */
  private async endWithin(c: Container, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!c.termination && Date.now() < deadline) {
      const left = Math.max(1, deadline - Date.now());
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([c.ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.polled.has(c) ? Math.min(KILL_POLL_MS, left) : left)))]);
      clearTimeout(timer);
      if (!c.termination && this.polled.has(c)) await this.check(c);
    }
  }

  /** Every live process of the container: its cgroup when there is one, else the task's session. */
  private async pidsOf(c: Container): Promise<number[]> {
    for (const isolator of this.isolators) {
      const pids = await isolator.pids(c.id);
      if (pids !== undefined) return pids;
    }
    if (c.pid <= 0 || c.swept) return [];
    return (await sessionMembers(c.pid)).map((s) => s.pid).sort((a, b) => a - b);
  }

  private async signalAll(c: Container, signal: NodeJS.Signals): Promise<void> {
    for (const pid of await this.pidsOf(c)) {
      try {
        process.kill(pid, signal);
      } catch {
        // ESRCH: already gone.
      }
    }
  }

  private async killUntilGone(c: Container): Promise<void> {
    for (let attempt = 0; attempt < KILL_ATTEMPTS; attempt++) {
      if ((await this.pidsOf(c)).length === 0) return;
      let killed = false;
      for (const isolator of this.isolators) {
        if (!killed && isolator.killAll) killed = await isolator.killAll(c.id);
      }
      // Pid by pid also catches what forked between reading the list and the signal.
      if (!killed) await this.signalAll(c, 'SIGKILL');
      await delay(KILL_POLL_MS);
    }
    this.options.logger?.warn(`Container ${c.id}: processes survive SIGKILL: ${(await this.pidsOf(c)).join(',')}`);
  }

  /** Has the container ended? Finalizes it if so; otherwise makes sure someone will look again. */
  private async check(c: Container, reported?: LauncherOutcome): Promise<void> {
    if (c.termination || c.finalizing) return;
    const outcome = reported ?? (await readOutcome(c.dir));
    if (outcome !== undefined) return this.finalize(c, outcome);
    if (c.launcherPid !== undefined && (await isAlive(c.launcherPid, c.launcherStartTicks))) return;
    if (c.pid > 0 && (await isAlive(c.pid, c.pidStartTicks))) {
      // The launcher is gone but the task runs on: nobody will reap it for us, so poll.
      this.polled.add(c);
      this.ensureTimers();
      return;
    }
    // The launcher writes the status before it exits: read once more to close the race.
    return this.finalize(c, await readOutcome(c.dir));
  }

  private finalize(c: Container, outcome: LauncherOutcome | undefined): Promise<void> {
    const status = outcome?.status;
    c.swept = outcome?.swept;
    c.finalizing ??= (async () => {
      try {
        // The launcher emptied and removed the cgroups, having read no OOM kill: nothing to read, kill or remove.
        if (!outcome?.cgroupsRemoved) {
          c.limitation ??= await this.firstLimitation(c.id);
          await this.killUntilGone(c);
          await this.cleanupIsolators(c.id);
        }
      } catch (err) {
        this.options.logger?.warn(`Container ${c.id}: cleanup failed: ${(err as Error).message}`);
      }
      const termination = toTermination(status, c.limitation);
      // With the cgroups gone and no limitation, the status file holds all of it:
      // a restarted agent's check() derives this same termination from it. That
      // is every task's common end, and the write and rename here were the
      // agent's last file operations per task on its event loop.
      if (!outcome?.cgroupsRemoved || c.limitation) {
        try {
          writeJson(join(c.dir, 'termination.json'), termination);
        } catch (err) {
          this.options.logger?.warn(`Container ${c.id}: cannot checkpoint termination: ${(err as Error).message}`);
        }
      }
      c.termination = termination;
      this.polled.delete(c);
      this.ensureTimers();
      this.options.logger?.info(`Container ${c.id} ended: ${termination.message}`);
      c.resolveEnded(termination);
    })();
    return c.finalizing;
  }

  private async firstLimitation(containerId: string): Promise<ContainerLimitation | undefined> {
    for (const isolator of this.isolators) {
      const limitation = await isolator.limitation(containerId);
      if (limitation) return limitation;
    }
    return undefined;
  }

  private async cleanupIsolators(containerId: string): Promise<void> {
    for (const isolator of this.isolators) {
      await isolator.cleanup(containerId).catch((err: Error) =>
        this.options.logger?.warn(`Container ${containerId}: ${isolator.name} cleanup failed: ${err.message}`),
      );
    }
  }

  /**
   * Starts or stops the two shared timers. Like the launchers, they keep the
   * process alive while there is something to watch, until close().
   */
  private ensureTimers(): void {
    if (this.closed) return;
    if (this.polled.size > 0 && !this.pollTimer) {
      this.pollTimer = setInterval(() => {
        for (const c of [...this.polled]) void this.check(c);
      }, this.pollMs);
    } else if (this.polled.size === 0 && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
    // Ended containers awaiting forget() keep the timer on; checkLimitations skips them,
    // and this stays O(1) per launch rather than a scan of every container.
    const running = this.containers.size > 0;
    if (running && !this.limitationTimer && this.isolators.some((i) => i.name === 'cgroups/mem')) {
      this.limitationTimer = setInterval(() => void this.checkLimitations(), this.limitationCheckMs);
    } else if (!running && this.limitationTimer) {
      clearInterval(this.limitationTimer);
      this.limitationTimer = undefined;
    }
  }

  /**
   * The kernel OOM-kills one process, which need not be the task's main one (e.g. a
   * child of `sh -c`); Mesos then destroys the whole container, and so do we.
   */
  private async checkLimitations(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const c of this.containers.values()) {
        if (c.termination || c.destroying || c.finalizing || c.pid === 0) continue;
        const limitation = await this.firstLimitation(c.id);
        if (!limitation) continue;
        c.limitation = limitation;
        this.options.logger?.warn(`Container ${c.id}: ${limitation.message.split('\n')[0]}`);
        void this.destroy(c.id, 0);
      }
    } finally {
      this.ticking = false;
    }
  }
}

/*
 * The files below are a few hundred bytes in the runtime dir, read and written
 * directly: through libuv's thread pool each call would cost ~100 µs of CPU in
 * hand-offs, several times the call itself, and a task makes about ten.
 */

async function readText(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The launcher's `status` checkpoint, or undefined if it has not written one. */
async function readOutcome(dir: string): Promise<LauncherOutcome | undefined> {
  const text = await readText(join(dir, 'status'));
  return text === undefined ? undefined : parseStatusFile(text);
}

/** Writes JSON atomically (tmp + rename) so a crash never leaves half a checkpoint. @throws the fs error. */
function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

/** Deletes a container's runtime dir; never throws. */
function removeContainerDir(dir: string): void {
  try {
    removeTree(dir);
  } catch {
    // A leftover costs only disk: containers are found through the checkpoints, not by listing.
  }
}

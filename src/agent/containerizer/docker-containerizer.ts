/**
 * The Docker containerizer (Mesos `--containerizers=docker`): runs containers
 * whose ContainerInfo is type DOCKER through the Docker engine, talking to its
 * API over the unix socket (docker-engine.ts). Mesos drives the docker CLI from
 * a separate `mesos-docker-executor`; Meseta makes the same engine calls from
 * the agent, as its command executor runs in the agent too.
 *
 *   launch:  map the config (docker-run-config.ts) → image present? else pull
 *            (bounded) → create `mesos-<agent-id>.<container-id>` → start →
 *            follow its logs into <sandbox>/stdout|stderr → inspect (pid, IPs)
 *   end:     engine `wait` → logs drained → inspect (exit code, OOMKilled) →
 *            termination → removed after `--docker_remove_delay`
 *   destroy: `docker stop -t <grace>` (SIGTERM, SIGKILL after the grace)
 *   recover: containers labelled with this agent's work_dir: the known ones
 *            are re-adopted, the others removed (as Mesos removes orphans)
 *
 * The engine keeps containers running when the agent exits, so nothing needs a
 * checkpoint of ours: the labels are the checkpoint. Output a container writes
 * while no agent follows it stays in the engine's log and is not copied to the
 * sandbox after a restart (re-adopted containers are followed from that moment).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { NetworkInfo } from '../../mesos/types.js';
import {
  ContainerLaunchError,
  UnknownContainerError,
  type ContainerConfig,
  type ContainerInfoRuntime,
  type ContainerTermination,
  type Containerizer,
} from './containerizer.js';
import { DockerEngine, type DockerStats } from './docker-engine.js';
import { dockerNetworkInfos, dockerTermination } from './docker-inspect.js';
import { DOCKER_LABELS, parseContainerName } from './docker-naming.js';
import { buildDockerRun } from './docker-run-config.js';
import { createSandbox } from '../sandbox.js';

/** Resource usage as the engine measures it (the seam's `ContainerUsage` fields). */
export interface DockerUsage {
  /** Resident memory in bytes. */
  memRssBytes?: number;
  /** User + system CPU time in seconds. */
  cpuTimeSecs?: number;
  cpusUserTimeSecs?: number;
  cpusSystemTimeSecs?: number;
  /** Live processes of the container. */
  processes?: number;
}

/** Constructor options; flag names are the Mesos agent's. */
export interface DockerContainerizerOptions {
  /** `--docker_socket`, default `/var/run/docker.sock`. */
  socketPath: string;
  /** Absolute `--work_dir`: labels this agent's containers across restarts. */
  owner: string;
  /** `--sandbox_directory`, default `/mnt/mesos/sandbox`. */
  sandboxDirectory?: string;
  /** `--docker_remove_delay` in ms (Mesos default 6 hours). */
  removeDelayMs?: number;
  /** Bound on an image pull, ms (default 5 minutes). */
  pullTimeoutMs?: number;
  /** Bound on each short engine call, ms (default 30 s). */
  callTimeoutMs?: number;
  /** Cap CPU with a CFS quota (default true, as our Mesos containerizer). */
  enableCfsQuota?: boolean;
  logger?: { info(msg: string): void; warn(msg: string): void };
}

interface DockerContainer {
  readonly id: string;
  readonly name: string;
  engineId?: string;
  pid: number;
  memMB?: number;
  networkInfos: NetworkInfo[];
  /** Settles once launch finished, either way; destroy waits for it. */
  launched: Promise<void>;
  logs?: Promise<void>;
  sinks?: WriteStream[];
  termination?: ContainerTermination;
  readonly ended: Promise<ContainerTermination>;
  resolveEnded(t: ContainerTermination): void;
  watching?: Promise<void>;
  destroying?: Promise<void>;
}

const DEFAULT_REMOVE_DELAY_MS = 6 * 60 * 60 * 1000;
const DEFAULT_PULL_TIMEOUT_MS = 5 * 60 * 1000;
/** How long the end of a container waits for its log stream to drain. */
const LOG_DRAIN_MS = 10_000;
/** Retry interval when the engine's `wait` fails but the container still runs. */
const WAIT_RETRY_MS = 1_000;
/** How long destroy waits for the engine to report the stop. */
const STOP_REPORT_MS = 30_000;

/** See the module comment. Implements the `Containerizer` seam. */
export class DockerContainerizer implements Containerizer {
  readonly isolation = 'docker';
  private readonly engine: DockerEngine;
  private readonly containers = new Map<string, DockerContainer>();
  /** Pending `--docker_remove_delay` removals, forgotten containers' included. */
  private readonly removeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: DockerContainerizerOptions) {
    this.engine = new DockerEngine({ socketPath: options.socketPath, callTimeoutMs: options.callTimeoutMs });
  }

  /**
   * Checks that the engine answers, as a Mesos agent checks `docker version` before
   * it starts; resolves with the engine's version.
   * @throws DockerEngineError `Docker engine at <socket> failed to report its version: <why>`.
   */
  probe(): Promise<string> {
    return this.engine.version();
  }

  async launch(config: ContainerConfig): Promise<ContainerInfoRuntime> {
    const id = config.containerId;
    if (this.containers.has(id)) throw new ContainerLaunchError(`Container '${id}' already exists`);
    const run = buildDockerRun(config, {
      owner: this.options.owner,
      sandboxDirectory: this.options.sandboxDirectory,
      enableCfsQuota: this.options.enableCfsQuota,
    });
    const c = this.newContainer(id, run.name);
    c.memMB = config.memMB;
    let settle!: () => void;
    c.launched = new Promise<void>((r) => (settle = r));
    this.containers.set(id, c);
    try {
      if (config.createSandbox) await createSandbox(config.sandbox, config.createSandbox.latestLink);
      await this.ensureImage(run.image, run.forcePull);
      c.engineId = await this.engine.create(run.name, run.spec);
      c.sinks = [createWriteStream(config.stdoutPath, { flags: 'a' }), createWriteStream(config.stderrPath, { flags: 'a' })];
      await this.engine.start(c.engineId);
      c.logs = this.follow(c, 0);
      const view = await this.engine.inspect(c.engineId);
      c.pid = view?.State?.Pid ?? 0;
      c.networkInfos = view ? dockerNetworkInfos(view) : [];
    } catch (error) {
      this.containers.delete(id);
      if (c.engineId) await this.engine.remove(c.engineId).catch(() => undefined);
      await closeSinks(c);
      settle();
      if (error instanceof ContainerLaunchError) throw error;
      throw new ContainerLaunchError(`Failed to launch Docker container ${run.name}: ${(error as Error).message}`, { cause: error });
    }
    c.watching = this.watch(c);
    settle();
    this.options.logger?.info(`Launched Docker container ${run.name} (${run.image}, network ${run.network}, pid ${c.pid})`);
    const runtime: ContainerInfoRuntime = { containerId: id, pid: c.pid };
    if (c.networkInfos.length > 0) runtime.networkInfos = c.networkInfos;
    return runtime;
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

  async recover(containerIds: string[]): Promise<ContainerInfoRuntime[]> {
    const wanted = new Set(containerIds);
    const listed = await this.engine.listByLabel(DOCKER_LABELS.owner, this.options.owner);
    const recovered: ContainerInfoRuntime[] = [];
    for (const entry of listed.sort((a, b) => a.id.localeCompare(b.id))) {
      const name = entry.names[0] ?? entry.id;
      const id = entry.labels[DOCKER_LABELS.containerId] ?? parseContainerName(name)?.containerId;
      if (id === undefined || !wanted.has(id)) {
        this.options.logger?.info(`Removing orphaned Docker container ${name}`);
        await this.engine.remove(entry.id).catch((e: Error) => this.options.logger?.warn(e.message));
        continue;
      }
      const known = this.containers.get(id);
      if (known) {
        recovered.push({ containerId: id, pid: known.pid });
        continue;
      }
      const view = await this.engine.inspect(entry.id);
      if (!view) continue;
      const c = this.newContainer(id, name);
      c.engineId = entry.id;
      c.pid = view.State?.Pid ?? 0;
      c.networkInfos = dockerNetworkInfos(view);
      this.containers.set(id, c);
      if (view.State?.Running) {
        c.watching = this.watch(c);
      } else {
        this.finish(c, dockerTermination(view));
      }
      const runtime: ContainerInfoRuntime = { containerId: id, pid: c.pid };
      if (c.networkInfos.length > 0) runtime.networkInfos = c.networkInfos;
      recovered.push(runtime);
    }
    return recovered;
  }

  async usage(containerId: string): Promise<DockerUsage> {
    const c = this.containers.get(containerId);
    if (!c) throw new UnknownContainerError(`Unknown container '${containerId}'`);
    if (c.termination || !c.engineId) return {};
    return usageFromStats(await this.engine.stats(c.engineId));
  }

  /** The Docker name of a container this containerizer runs (for logs and tests). */
  nameOf(containerId: string): string | undefined {
    return this.containers.get(containerId)?.name;
  }

  /** Stops the removal timers; running containers are left alone (they outlive the agent). */
  close(): void {
    for (const timer of this.removeTimers) clearTimeout(timer);
    this.removeTimers.clear();
  }

  /**
   * Drops an ended container's record; the engine's container stays until its
   * removal (`--docker_remove_delay`), whose timer is kept apart for close().
   */
  async forget(containerId: string): Promise<boolean> {
    if (!this.containers.get(containerId)?.termination) return false;
    this.containers.delete(containerId);
    return true;
  }

  private newContainer(id: string, name: string): DockerContainer {
    let resolveEnded!: (t: ContainerTermination) => void;
    const ended = new Promise<ContainerTermination>((r) => (resolveEnded = r));
    return { id, name, pid: 0, networkInfos: [], launched: Promise.resolve(), ended, resolveEnded };
  }

  private async ensureImage(image: string, forcePull: boolean): Promise<void> {
    if (!forcePull && (await this.engine.imagePresent(image))) return;
    this.options.logger?.info(`Pulling Docker image '${image}'${forcePull ? ' (force_pull_image)' : ''}`);
    await this.engine.pull(image, this.options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS);
  }

  /** Follows the container's output into its sandbox files; never rejects. */
  private follow(c: DockerContainer, sinceSecs: number): Promise<void> {
    const [stdout, stderr] = c.sinks ?? [];
    if (!c.engineId || !stdout || !stderr) return Promise.resolve();
    return this.engine
      .followLogs(c.engineId, sinceSecs, stdout, stderr)
      .catch((e: Error) => this.options.logger?.warn(`Container ${c.name}: ${e.message}`));
  }

  /** Waits for the container's end through the engine, then finishes it. */
  private async watch(c: DockerContainer): Promise<void> {
    const engineId = c.engineId!;
    for (;;) {
      try {
        await this.engine.wait(engineId);
        break;
      } catch (error) {
        const view = await this.engine.inspect(engineId).catch(() => undefined);
        if (view && view.State?.Running) {
          this.options.logger?.warn(`Container ${c.name}: ${(error as Error).message}; waiting again`);
          await delay(WAIT_RETRY_MS);
          continue;
        }
        break;
      }
    }
    if (c.logs) await within(c.logs, LOG_DRAIN_MS);
    await closeSinks(c);
    const view = await this.engine.inspect(engineId).catch(() => undefined);
    this.finish(c, view ? dockerTermination(view, c.memMB) : { message: `Container ${c.name} is gone; its exit status is unknown` });
  }

  private finish(c: DockerContainer, termination: ContainerTermination): void {
    if (c.termination) return;
    c.termination = termination;
    this.options.logger?.info(`Docker container ${c.name} ended: ${termination.message}`);
    this.scheduleRemoval(c);
    c.resolveEnded(termination);
  }

  private scheduleRemoval(c: DockerContainer): void {
    if (!c.engineId) return;
    const engineId = c.engineId;
    const remove = (): void => {
      void this.engine
        .remove(engineId)
        .then(() => this.options.logger?.info(`Removed Docker container ${c.name}`))
        .catch((e: Error) => this.options.logger?.warn(e.message));
    };
    const delayMs = this.options.removeDelayMs ?? DEFAULT_REMOVE_DELAY_MS;
    if (delayMs <= 0) return remove();
    const timer = setTimeout(() => {
      this.removeTimers.delete(timer);
      remove();
    }, delayMs);
    this.removeTimers.add(timer);
    // The agent process must not stay up for a removal; recovery removes leftovers.
    timer.unref();
  }

  private async runDestroy(c: DockerContainer, gracePeriodMs: number): Promise<void> {
    await c.launched;
    if (!this.containers.has(c.id) || c.termination || !c.engineId) return;
    const graceSecs = Math.max(0, Math.ceil(gracePeriodMs / 1000));
    this.options.logger?.info(`Stopping Docker container ${c.name} (grace ${graceSecs} s)`);
    try {
      await this.engine.stop(c.engineId, graceSecs);
    } catch (error) {
      this.options.logger?.warn(`${(error as Error).message}; removing it`);
      await this.engine.remove(c.engineId).catch((e: Error) => this.options.logger?.warn(e.message));
    }
    const reported = await within(c.ended, STOP_REPORT_MS);
    if (!reported) this.finish(c, { message: `Container ${c.name} was stopped; the engine did not report its exit` });
  }
}

/** Whether `promise` settled within `ms`; the timer is cleared either way so it never holds the process. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function closeSinks(c: DockerContainer): Promise<void> {
  const sinks = c.sinks ?? [];
  c.sinks = undefined;
  await Promise.all(sinks.map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
}

/**
 * ContainerUsage from the engine's stats: resident memory (cgroup v1 `rss`, v2
 * `anon`, else `usage`), CPU time split into user/system, processes. Pure.
 */
export function usageFromStats(stats: DockerStats): DockerUsage {
  const usage: DockerUsage = {};
  const mem = stats.memory_stats;
  const rss = mem?.stats?.['rss'] ?? mem?.stats?.['anon'] ?? mem?.usage;
  if (rss !== undefined) usage.memRssBytes = rss;
  const cpu = stats.cpu_stats?.cpu_usage;
  if (cpu?.total_usage !== undefined) usage.cpuTimeSecs = cpu.total_usage / 1e9;
  if (cpu?.usage_in_usermode !== undefined) usage.cpusUserTimeSecs = cpu.usage_in_usermode / 1e9;
  if (cpu?.usage_in_kernelmode !== undefined) usage.cpusSystemTimeSecs = cpu.usage_in_kernelmode / 1e9;
  if (stats.pids_stats?.current !== undefined) usage.processes = stats.pids_stats.current;
  return usage;
}

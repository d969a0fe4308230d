/**
 * Where a container's cgroups live and the few file operations the cgroups
 * isolators need, for both cgroup versions:
 *
 *   v1 (one mount per controller):  <hierarchy>/<controller>/<root>/<containerId>/
 *   v2 (unified):                   <hierarchy>/<root>/<containerId>/
 *
 * `hierarchy` and `root` are the agent flags `--cgroups_hierarchy` (`/sys/fs/cgroup`)
 * and `--cgroups_root` (`mesos`). Paths depend only on the container id, so a
 * restarted agent finds the cgroups of containers it did not create.
 *
 * A container's cgroups are created and its limits written by its launcher
 * (see IsolationLaunchInfo); this class plans those paths and does the rest:
 * reads and pids as direct (synchronous) system calls, removal through the
 * RemoveDirs it is given. cgroupfs lives in kernel memory and never waits on a
 * disk; a direct read costs a few µs of the agent's thread, while going through
 * libuv's thread pool costs ~100 µs of CPU per call in hand-offs.
 */
import { accessSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { removeEmptyDirs } from '../remove-tree.js';

/** 1 = legacy per-controller hierarchies, 2 = unified hierarchy. */
export type CgroupVersion = 1 | 2;
/** The controllers our isolators use (v2 folds `cpuacct` into `cpu`). */
export type CgroupController = 'cpu' | 'cpuacct' | 'memory';

/**
 * v2 when the hierarchy root itself is a cgroup2 mount (it has `cgroup.controllers`);
 * otherwise v1. A hybrid setup (v2 only at `<hierarchy>/unified`) counts as v1,
 * because the resource controllers are bound to the v1 mounts there.
 */
export function detectCgroupVersion(hierarchy: string): CgroupVersion {
  return existsSync(join(hierarchy, 'cgroup.controllers')) ? 2 : 1;
}

/**
 * Removes empty directories in order, a missing one counting as removed; rejects
 * with the fs error (`code` `EBUSY` while exiting tasks are still in a cgroup).
 */
export type RemoveDirs = (dirs: string[]) => Promise<void>;

/** RemoveDirs on the calling thread. */
async function removeDirsHere(dirs: string[]): Promise<void> {
  removeEmptyDirs(dirs);
}

/** Thrown at construction when a needed controller is not available. */
export class CgroupUnavailableError extends Error {
  readonly code = 'CGROUP_UNAVAILABLE';
}

const RMDIR_ATTEMPTS = 100;
const RMDIR_BACKOFF_MS = 20;

/** A cgroup hierarchy as the isolators see it. One instance is shared by all cgroups isolators. */
export class CgroupHierarchy {
  readonly version: CgroupVersion;
  private readonly mounts = new Map<CgroupController, string>();

  /**
   * @param removeDirs how cgroups are removed: the agent passes its launcher
   *   server's, which keeps cgroupfs's slow rmdirs off the event loop.
   * @throws CgroupUnavailableError if `hierarchy` is not a cgroup hierarchy at all.
   */
  constructor(
    readonly hierarchy: string,
    readonly root: string,
    private readonly removeDirs: RemoveDirs = removeDirsHere,
  ) {
    if (!existsSync(hierarchy)) throw new CgroupUnavailableError(`cgroups hierarchy '${hierarchy}' does not exist`);
    this.version = detectCgroupVersion(hierarchy);
  }

  /**
   * Checks, once at agent start, that `controller` can be used.
   * @throws CgroupUnavailableError naming the missing mount or controller.
   */
  require(controller: CgroupController): void {
    if (this.mounts.has(controller)) return;
    if (this.version === 2) {
      const available = readFileSync(join(this.hierarchy, 'cgroup.controllers'), 'utf8').split(/\s+/);
      const wanted = controller === 'cpuacct' ? 'cpu' : controller;
      if (!available.includes(wanted)) {
        throw new CgroupUnavailableError(`cgroup v2 controller '${wanted}' is not available in ${this.hierarchy}`);
      }
      this.mounts.set(controller, this.hierarchy);
      return;
    }
    const mount = join(this.hierarchy, controller);
    if (!existsSync(join(mount, 'cgroup.procs'))) {
      throw new CgroupUnavailableError(`cgroup v1 controller '${controller}' is not mounted at ${mount}`);
    }
    // Co-mounted controllers (`cpu,cpuacct`) resolve to one directory; callers dedupe on it.
    this.mounts.set(controller, realpathSync(mount));
  }

  /** The container's cgroup directory for `controller` (the same one for all controllers on v2). */
  dir(controller: CgroupController, containerId: string): string {
    return join(this.parentDir(controller), containerId);
  }

  /** `<mount>/<root>`: the parent of every container's cgroup for `controller`. */
  private parentDir(controller: CgroupController): string {
    const mount = this.mounts.get(controller);
    if (mount === undefined) throw new Error(`bug: cgroup controller '${controller}' used before require()`);
    return join(mount, this.root);
  }

  /**
   * The container's cgroup directory for `controller`, for the launcher to
   * create: makes sure its parent (`<mount>/<root>`) exists, and on v2 that the
   * controller is enabled down to it; both once per agent, not per container.
   * @throws the fs error when the parent cannot be created.
   */
  planCreate(controller: CgroupController, containerId: string): string {
    if (this.version === 2) this.enableV2(controller === 'cpuacct' ? 'cpu' : controller);
    else this.ensureParent(controller);
    return this.dir(controller, containerId);
  }

  private readonly parents = new Set<string>();

  private ensureParent(controller: CgroupController): void {
    const parent = this.parentDir(controller);
    if (this.parents.has(parent)) return;
    mkdirSync(parent, { recursive: true });
    this.parents.add(parent);
  }

  /**
   * Whether the controller's cgroups have `file` (optional knobs like swap
   * limits). That depends on the kernel, not on the cgroup, so the parent of
   * the containers' cgroups is asked (planCreate made it), once per file name.
   */
  has(controller: CgroupController, file: string): boolean {
    let known = this.knobs.get(file);
    if (known === undefined) {
      try {
        accessSync(join(this.parentDir(controller), file));
        known = true;
      } catch {
        known = false;
      }
      this.knobs.set(file, known);
    }
    return known;
  }

  private readonly knobs = new Map<string, boolean>();

  /**
   * Text of `file` in the container's cgroup, or undefined if the cgroup (or file) is gone.
   * Read synchronously on purpose: cgroupfs files are generated in memory by the kernel
   * and never wait on a disk, and a direct read costs ~10 µs against ~100 µs through
   * libuv's thread pool, which matters when hundreds of containers are polled each second.
   */
  async read(controller: CgroupController, containerId: string, file: string): Promise<string | undefined> {
    try {
      return readFileSync(join(this.dir(controller, containerId), file), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Pids in the container's cgroup, or undefined if it does not exist. */
  async procs(controller: CgroupController, containerId: string): Promise<number[] | undefined> {
    const text = await this.read(controller, containerId, 'cgroup.procs');
    if (text === undefined) return undefined;
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  }

  /** v2 only: SIGKILLs every process of the cgroup at once (`cgroup.kill`, Linux ≥ 5.14). */
  async killAll(containerId: string): Promise<boolean> {
    if (this.version !== 2) return false;
    try {
      writeFileSync(join(this.dir('memory', containerId), 'cgroup.kill'), '1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Removes the container's cgroups for `controllers` (duplicates on v2 are
   * fine). Idempotent (a missing cgroup is fine). Retries while the kernel
   * still holds exiting tasks in one (EBUSY), for up to ~2 s.
   */
  async remove(controllers: CgroupController[], containerId: string): Promise<void> {
    const dirs = [...new Set(controllers.map((c) => this.dir(c, containerId)))];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.removeDirs(dirs);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EBUSY' || attempt >= RMDIR_ATTEMPTS) throw err;
        await delay(RMDIR_BACKOFF_MS);
      }
    }
  }

  private readonly enabled = new Set<string>();

  /** v2: a controller is usable in a child only if every ancestor lists it in `cgroup.subtree_control`. */
  private enableV2(controller: 'cpu' | 'memory'): void {
    if (this.enabled.has(controller)) return;
    let dir = this.hierarchy;
    for (const part of ['', ...this.root.split('/').filter((p) => p !== '')]) {
      dir = join(dir, part);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cgroup.subtree_control'), `+${controller}`);
    }
    this.enabled.add(controller);
  }
}

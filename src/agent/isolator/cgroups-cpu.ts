/**
 * `cgroups/cpu`: Mesos's cgroups cpu isolator (cpu + cpuacct subsystems).
 *
 * Limits: v1 `cpu.shares` = max(2, 1024 × cpus); v2 `cpu.weight` mapped from those
 * shares. CFS quota (v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`, v2 `cpu.max`) =
 * 100 ms × cpus per 100 ms when `enableCfs` is on. Mesos turns quota on only with
 * `--cgroups_enable_cfs`; the Mesos containerizer here turns it on by default
 * whenever `cgroups/cpu` is asked for, because a hard cap is what the users of
 * `cpus` in the seeds expect (see MesosContainerizerOptions.cgroupsEnableCfs).
 *
 * Usage: v1 `cpuacct.usage` (ns), v2 `cpu.stat` `usage_usec`.
 */
import { cpuWritesV1, cpuWritesV2, parseFlatKeyed, writesInto } from './cgroup-limits.js';
import type { CgroupController, CgroupHierarchy } from './cgroup-hierarchy.js';
import type { ContainerLimitation, IsolatedContainer, IsolationLaunchInfo, Isolator, IsolatorUsage } from './isolator.js';

/** See the module comment. @throws CgroupUnavailableError if the cpu controller is missing. */
export class CgroupsCpuIsolator implements Isolator {
  readonly name = 'cgroups/cpu';
  private readonly controllers: CgroupController[];

  constructor(
    private readonly cgroups: CgroupHierarchy,
    private readonly enableCfs: boolean,
  ) {
    cgroups.require('cpu');
    this.controllers = ['cpu'];
    if (cgroups.version === 1) {
      // cpuacct only gives usage; without it the isolator still limits.
      try {
        cgroups.require('cpuacct');
        this.controllers.push('cpuacct');
      } catch {
        /* usage() will report no cpu time */
      }
    }
  }

  async prepare(container: IsolatedContainer): Promise<IsolationLaunchInfo> {
    const cgroups = new Set<string>();
    for (const c of this.controllers) cgroups.add(this.cgroups.planCreate(c, container.containerId));
    const cpuDir = this.cgroups.dir('cpu', container.containerId);
    const writes =
      this.cgroups.version === 1
        ? cpuWritesV1(container.cpus, this.enableCfs)
        : cpuWritesV2(container.cpus, this.enableCfs);
    return { cgroups: [...cgroups], writes: writesInto(cpuDir, writes) };
  }

  async isolate(): Promise<void> {
    // The launcher's child joined the cgroup itself before exec: nothing to move.
  }

  async limitation(): Promise<ContainerLimitation | undefined> {
    return undefined; // CPU is throttled, never a reason to kill.
  }

  async pids(containerId: string): Promise<number[] | undefined> {
    return this.cgroups.procs('cpu', containerId);
  }

  async usage(containerId: string): Promise<IsolatorUsage> {
    if (this.cgroups.version === 2) {
      const stat = await this.cgroups.read('cpu', containerId, 'cpu.stat');
      const usec = stat === undefined ? undefined : parseFlatKeyed(stat).get('usage_usec');
      return usec === undefined ? {} : { cpuTimeSecs: usec / 1e6 };
    }
    if (!this.controllers.includes('cpuacct')) return {};
    const ns = await this.cgroups.read('cpuacct', containerId, 'cpuacct.usage');
    return ns === undefined ? {} : { cpuTimeSecs: Number(ns.trim()) / 1e9 };
  }

  async cleanup(containerId: string): Promise<void> {
    await this.cgroups.remove(this.controllers, containerId);
  }
}

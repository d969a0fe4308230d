/**
 * `posix/cpu` and `posix/mem`: Mesos's default isolators. They isolate nothing
 * (no limits are enforced) and only measure usage from `/proc`, summed over the
 * container's processes (its session, see procfs.sessionMembers).
 */
import { CLOCK_TICKS_PER_SEC, readProcStat, vmRssBytes } from './procfs.js';
import type { ContainerLimitation, IsolationLaunchInfo, Isolator, IsolatorUsage } from './isolator.js';

abstract class PosixIsolator implements Isolator {
  abstract readonly name: string;
  async prepare(): Promise<IsolationLaunchInfo> {
    return { cgroups: [], writes: [] };
  }
  async isolate(): Promise<void> {}
  async limitation(): Promise<ContainerLimitation | undefined> {
    return undefined;
  }
  async pids(): Promise<number[] | undefined> {
    return undefined; // The containerizer falls back to the task's session.
  }
  abstract usage(containerId: string, pids: number[]): Promise<IsolatorUsage>;
  async cleanup(): Promise<void> {}
}

/** `posix/cpu`: CPU time = Σ (utime + stime + cutime + cstime) of the live processes, in seconds. */
export class PosixCpuIsolator extends PosixIsolator {
  readonly name = 'posix/cpu';
  async usage(_containerId: string, pids: number[]): Promise<IsolatorUsage> {
    const stats = await Promise.all(pids.map((p) => readProcStat(p)));
    // cutime/cstime hold only reaped children, so nothing is counted twice.
    const ticks = stats.reduce((sum, s) => sum + (s ? s.utime + s.stime + s.cutime + s.cstime : 0), 0);
    return { cpuTimeSecs: ticks / CLOCK_TICKS_PER_SEC };
  }
}

/** `posix/mem`: RSS = Σ VmRSS of the live processes, in bytes (shared pages counted per process). */
export class PosixMemIsolator extends PosixIsolator {
  readonly name = 'posix/mem';
  async usage(_containerId: string, pids: number[]): Promise<IsolatorUsage> {
    const rss = await Promise.all(pids.map((p) => vmRssBytes(p)));
    return { memRssBytes: rss.reduce((a, b) => a + b, 0) };
  }
}

/**
 * `cgroups/mem`: Mesos's cgroups memory isolator.
 *
 * Limit: v1 `memory.limit_in_bytes` (and `memory.memsw.limit_in_bytes` when swap
 * accounting exists), v2 `memory.max` (and `memory.swap.max` = 0) = memMB MiB,
 * floored at 32 MB. Over the limit the kernel OOM-kills inside the cgroup; this
 * isolator reports that as `REASON_CONTAINER_LIMITATION_MEMORY` with Mesos's
 * message. Detection reads counters (v1 `memory.oom_control` `oom_kill`, v2
 * `memory.events` `oom_kill`) rather than an eventfd, since Node cannot wait on
 * one; the containerizer polls `limitation()` and checks it again at exit.
 *
 * Usage: v1 `memory.stat` `total_rss`, v2 `memory.stat` `anon`.
 */
import { join } from 'node:path';
import {
  memoryLimitationMessage,
  memWritesV1,
  memWritesV2,
  oomKilledV1,
  oomKilledV2,
  parseFlatKeyed,
  writesInto,
} from './cgroup-limits.js';
import type { CgroupHierarchy } from './cgroup-hierarchy.js';
import type { ContainerLimitation, IsolatedContainer, IsolationLaunchInfo, Isolator, IsolatorUsage } from './isolator.js';

/** See the module comment. @throws CgroupUnavailableError if the memory controller is missing. */
export class CgroupsMemIsolator implements Isolator {
  readonly name = 'cgroups/mem';

  constructor(private readonly cgroups: CgroupHierarchy) {
    cgroups.require('memory');
  }

  async prepare(container: IsolatedContainer): Promise<IsolationLaunchInfo> {
    const dir = this.cgroups.planCreate('memory', container.containerId);
    const v1 = this.cgroups.version === 1;
    const swap = this.cgroups.has('memory', v1 ? 'memory.memsw.limit_in_bytes' : 'memory.swap.max');
    const writes = v1 ? memWritesV1(container.memMB, { swap }) : memWritesV2(container.memMB, { swap });
    return { cgroups: [dir], writes: writesInto(dir, writes), oomCheck: join(dir, v1 ? 'memory.oom_control' : 'memory.events') };
  }

  async isolate(): Promise<void> {
    // The launcher's child joined the cgroup itself before exec: nothing to move.
  }

  async limitation(containerId: string): Promise<ContainerLimitation | undefined> {
    // Polled for every running container: the common case must cost one small read.
    const read = (file: string): Promise<string | undefined> => this.cgroups.read('memory', containerId, file);
    const num = async (file: string): Promise<number> => {
      const text = (await read(file))?.trim() ?? '';
      return /^\d+$/.test(text) ? Number(text) : 0;
    };
    let limit: number;
    let maxUsed: number;
    if (this.cgroups.version === 1) {
      const oomControl = await read('memory.oom_control');
      if (oomControl === undefined) return undefined;
      const exact = parseFlatKeyed(oomControl).has('oom_kill');
      if (exact && !oomKilledV1({ oomControl, failcnt: 0, maxUsageBytes: 0, limitBytes: 0 })) return undefined;
      limit = await num('memory.limit_in_bytes');
      maxUsed = await num('memory.max_usage_in_bytes');
      const failcnt = await num('memory.failcnt');
      if (!oomKilledV1({ oomControl, failcnt, maxUsageBytes: maxUsed, limitBytes: limit })) return undefined;
    } else {
      const events = await read('memory.events');
      if (events === undefined || !oomKilledV2(events)) return undefined;
      limit = await num('memory.max');
      // memory.peak exists from Linux 5.19; before that the current usage is the best we have.
      maxUsed = (await num('memory.peak')) || (await num('memory.current'));
    }
    const stat = (await read('memory.stat')) ?? '';
    return { reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: memoryLimitationMessage(limit, maxUsed, stat) };
  }

  async pids(containerId: string): Promise<number[] | undefined> {
    return this.cgroups.procs('memory', containerId);
  }

  async usage(containerId: string): Promise<IsolatorUsage> {
    const stat = await this.cgroups.read('memory', containerId, 'memory.stat');
    if (stat === undefined) return {};
    const fields = parseFlatKeyed(stat);
    const rss = this.cgroups.version === 1 ? (fields.get('total_rss') ?? fields.get('rss')) : fields.get('anon');
    return rss === undefined ? {} : { memRssBytes: rss };
  }

  async killAll(containerId: string): Promise<boolean> {
    return this.cgroups.killAll(containerId);
  }

  async cleanup(containerId: string): Promise<void> {
    await this.cgroups.remove(['memory'], containerId);
  }
}

/**
 * Pure cgroup arithmetic and file contents for the cgroups isolators, v1 and v2.
 * No I/O: inputs are resource amounts or the text of cgroup files, outputs are
 * numbers, `{file, content}` writes (by absolute path: `writesInto`), or a
 * limitation verdict.
 *
 * Constants are Mesos's (src/slave/containerizer/mesos/isolators/cgroups):
 * 1024 shares per cpu with a floor of 2, a 100 ms CFS period with a 1 ms quota
 * floor, and a 32 MB memory floor.
 */
import { join } from 'node:path';

/** `cpu.shares` granted per cpu (Mesos `CPU_SHARES_PER_CPU`). */
export const CPU_SHARES_PER_CPU = 1024;
/** Smallest `cpu.shares` (Mesos `MIN_CPU_SHARES`, the kernel's floor). */
export const MIN_CPU_SHARES = 2;
/** CFS period in microseconds (Mesos `CPU_CFS_PERIOD` = 100 ms). */
export const CFS_PERIOD_US = 100_000;
/** Smallest CFS quota in microseconds (Mesos `MIN_CPU_CFS_QUOTA` = 1 ms). */
export const MIN_CFS_QUOTA_US = 1_000;
/** Smallest memory limit in MB (Mesos `MIN_MEMORY` = 32 MB). */
export const MIN_MEMORY_MB = 32;

const MiB = 1024 * 1024;

/** One write into a cgroup directory: `file` is relative to it. */
export interface CgroupWrite {
  file: string;
  content: string;
}

/** A write by absolute path, as the launcher carries it out (IsolationLaunchInfo.writes). */
export interface CgroupFileWrite {
  path: string;
  content: string;
}

/** `writes` into the cgroup directory `dir`, by absolute path. Pure. */
export function writesInto(dir: string, writes: readonly CgroupWrite[]): CgroupFileWrite[] {
  return writes.map((w) => ({ path: join(dir, w.file), content: w.content }));
}

/** v1 `cpu.shares` for `cpus` cores: max(2, round(1024 × cpus)). */
export function cpuShares(cpus: number): number {
  return Math.max(MIN_CPU_SHARES, Math.round(CPU_SHARES_PER_CPU * cpus));
}

/** CFS quota in µs per 100 ms period for `cpus` cores: max(1 ms, 100 ms × cpus). */
export function cfsQuotaUs(cpus: number): number {
  return Math.max(MIN_CFS_QUOTA_US, Math.round(CFS_PERIOD_US * cpus));
}

/**
 * v2 `cpu.weight` (1..10000) equivalent to v1 `shares` (2..262144), with the
 * linear map the OCI runtimes use: 1 + (shares − 2) × 9999 / 262142.
 */
export function cpuWeightFromShares(shares: number): number {
  const clamped = Math.min(262_144, Math.max(MIN_CPU_SHARES, shares));
  return 1 + Math.floor(((clamped - 2) * 9999) / 262_142);
}

/** Memory limit in bytes for `memMB` megabytes (MiB), floored at 32 MB like Mesos. */
export function memLimitBytes(memMB: number): number {
  return Math.max(MIN_MEMORY_MB, memMB) * MiB;
}

/** Which optional knobs the cgroup directory offers (files present or not). */
export interface CgroupFeatures {
  /** v1 `memory.memsw.limit_in_bytes` / v2 `memory.swap.max` exists (swap accounting on). */
  swap: boolean;
}

/**
 * v1 cpu writes: `cpu.shares` always; with `enableCfs` also `cpu.cfs_period_us`
 * and `cpu.cfs_quota_us` (Mesos only does so with `--cgroups_enable_cfs`).
 */
export function cpuWritesV1(cpus: number, enableCfs: boolean): CgroupWrite[] {
  const writes: CgroupWrite[] = [{ file: 'cpu.shares', content: String(cpuShares(cpus)) }];
  if (enableCfs) {
    writes.push({ file: 'cpu.cfs_period_us', content: String(CFS_PERIOD_US) });
    writes.push({ file: 'cpu.cfs_quota_us', content: String(cfsQuotaUs(cpus)) });
  }
  return writes;
}

/** v2 cpu writes: `cpu.weight` always; `cpu.max` = `<quota> <period>` with CFS, else `max <period>`. */
export function cpuWritesV2(cpus: number, enableCfs: boolean): CgroupWrite[] {
  return [
    { file: 'cpu.weight', content: String(cpuWeightFromShares(cpuShares(cpus))) },
    {
      file: 'cpu.max',
      content: enableCfs ? `${cfsQuotaUs(cpus)} ${CFS_PERIOD_US}` : `max ${CFS_PERIOD_US}`,
    },
  ];
}

/**
 * v1 memory writes, in the order the kernel accepts on a fresh cgroup:
 * `memory.limit_in_bytes` first, then (if swap accounting exists)
 * `memory.memsw.limit_in_bytes` to the same value, so the task cannot swap past it.
 */
export function memWritesV1(memMB: number, features: CgroupFeatures): CgroupWrite[] {
  const limit = String(memLimitBytes(memMB));
  const writes: CgroupWrite[] = [{ file: 'memory.limit_in_bytes', content: limit }];
  if (features.swap) writes.push({ file: 'memory.memsw.limit_in_bytes', content: limit });
  return writes;
}

/** v2 memory writes: `memory.max`, and `memory.swap.max` = 0 when it exists. */
export function memWritesV2(memMB: number, features: CgroupFeatures): CgroupWrite[] {
  const writes: CgroupWrite[] = [{ file: 'memory.max', content: String(memLimitBytes(memMB)) }];
  if (features.swap) writes.push({ file: 'memory.swap.max', content: '0' });
  return writes;
}

/**
 * Parses flat-keyed cgroup files (`memory.stat`, `memory.events`, `cpu.stat`,
 * `memory.oom_control`): lines of `key value`. Non-numeric values are skipped.
 */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^-?\d+$/.test(value)) out.set(key, Number(value));
  }
  return out;
}

/** What the v1 memory cgroup says after (or during) a run; file texts as read. */
export interface MemoryStateV1 {
  oomControl: string;
  failcnt: number;
  maxUsageBytes: number;
  limitBytes: number;
}

/**
 * Whether the kernel OOM-killed in a v1 memory cgroup. Kernels ≥ 4.13 count kills in
 * `memory.oom_control` (`oom_kill N`), which is exact. Older ones only show
 * `under_oom 1` (while stuck) or a failed charge at the limit (`failcnt` > 0 with the
 * peak usage at the limit), which is what we fall back to.
 */
export function oomKilledV1(state: MemoryStateV1): boolean {
  const control = parseFlatKeyed(state.oomControl);
  const kills = control.get('oom_kill');
  if (kills !== undefined) return kills > 0;
  if (control.get('under_oom') === 1) return true;
  return state.failcnt > 0 && state.maxUsageBytes >= state.limitBytes;
}

/** Whether the kernel OOM-killed in a v2 cgroup, from `memory.events` (`oom_kill N`). */
export function oomKilledV2(memoryEvents: string): boolean {
  return (parseFlatKeyed(memoryEvents).get('oom_kill') ?? 0) > 0;
}

/**
 * Bytes the way Mesos prints them (stout `Bytes`): the largest unit that loses no
 * information, e.g. 67108864 → `64MB`, 1049600 → `1025KB`, 1536 → `1536B`.
 */
export function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ['TB', 1024 ** 4],
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ];
  if (bytes === 0) return '0B';
  for (const [unit, size] of units) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/**
 * The limitation message of Mesos's memory isolator on OOM:
 * `Memory limit exceeded: Requested: 64MB Maximum Used: 64MB\n\nMEMORY STATISTICS: \n<memory.stat>\n`.
 */
export function memoryLimitationMessage(limitBytes: number, maxUsedBytes: number, memoryStat: string): string {
  return (
    `Memory limit exceeded: Requested: ${formatBytes(limitBytes)} ` +
    `Maximum Used: ${formatBytes(maxUsedBytes)}\n\nMEMORY STATISTICS: \n${memoryStat.trimEnd()}\n`
  );
}

/**
 * Builds the isolators named by the agent's `--isolation` flag (Mesos default
 * `posix/cpu,posix/mem`). Known names: `posix/cpu`, `posix/mem`, `cgroups/cpu`,
 * `cgroups/mem`.
 */
import { CgroupHierarchy, type RemoveDirs } from './cgroup-hierarchy.js';
import { CgroupsCpuIsolator } from './cgroups-cpu.js';
import { CgroupsMemIsolator } from './cgroups-mem.js';
import type { Isolator } from './isolator.js';
import { PosixCpuIsolator, PosixMemIsolator } from './posix.js';

/** Options for the cgroups isolators (agent flags `--cgroups_hierarchy`, `--cgroups_root`). */
export interface IsolatorOptions {
  cgroupsHierarchy: string;
  cgroupsRoot: string;
  /** Apply CFS quota with `cgroups/cpu` (Mesos `--cgroups_enable_cfs`). */
  cgroupsEnableCfs: boolean;
  /** How cgroup directories are removed (see CgroupHierarchy); default: rmdir on this thread. */
  removeDirs?: RemoveDirs;
}

/** Thrown for an `--isolation` value naming an isolator we do not have. */
export class UnknownIsolatorError extends Error {
  readonly code = 'UNKNOWN_ISOLATOR';
  constructor(readonly isolator: string) {
    super(`Unknown isolator '${isolator}'`);
  }
}

/** Splits `--isolation` into names: trimmed, empties dropped, duplicates dropped, order kept. */
export function parseIsolation(isolation: string): string[] {
  return [...new Set(isolation.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

/**
 * One isolator per name, in the flag's order.
 * @throws UnknownIsolatorError for an unknown name (`Unknown isolator 'foo/bar'`).
 * @throws CgroupUnavailableError when a cgroups isolator's controller is not mounted.
 */
export function createIsolators(isolation: string, options: IsolatorOptions): Isolator[] {
  const names = parseIsolation(isolation);
  for (const name of names) {
    if (!KNOWN.has(name)) throw new UnknownIsolatorError(name);
  }
  let cgroups: CgroupHierarchy | undefined;
  const hierarchy = (): CgroupHierarchy =>
    (cgroups ??= new CgroupHierarchy(options.cgroupsHierarchy, options.cgroupsRoot, options.removeDirs));
  return names.map((name): Isolator => {
    switch (name) {
      case 'posix/cpu':
        return new PosixCpuIsolator();
      case 'posix/mem':
        return new PosixMemIsolator();
      case 'cgroups/cpu':
        return new CgroupsCpuIsolator(hierarchy(), options.cgroupsEnableCfs);
      default:
        return new CgroupsMemIsolator(hierarchy());
    }
  });
}

const KNOWN = new Set(['posix/cpu', 'posix/mem', 'cgroups/cpu', 'cgroups/mem']);

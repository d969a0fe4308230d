/**
 * Agent resource auto-detection: what `--resources` leaves out is measured on
 * the host, as `Containerizer::resources(flags)` does in Mesos.
 *
 * Rules (Mesos defaults): cpus = number of CPUs (fallback 1); mem (MB) =
 * total − 1 GB when total ≥ 2 GB, else half (unmeasurable: 1 GB); disk (MB) =
 * size of the `--work_dir` filesystem − 5 GB when ≥ 10 GB, else half
 * (unmeasurable: 10 GB); ports = `[31000-32000]`. A name present in the flag, under any role,
 * is taken from the flag and not detected.
 */
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { Resource } from '../mesos/types.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

/** Host measurements; a field left undefined means "could not measure" (fallback used). */
export interface HostFacts {
  /** Logical CPUs. */
  cpus?: number;
  /** Total physical memory in bytes. */
  memBytes?: number;
  /** Total size in bytes of the filesystem holding `--work_dir`. */
  diskBytes?: number;
}

function resource(name: string, value: number, role: string): Resource {
  const base: Resource = { name, type: 'SCALAR', scalar: { value }, role };
  return role === '*' ? base : { ...base, reservations: [{ type: 'STATIC', role }] };
}

/**
 * Pure part of detection: fills `cpus`, `mem`, `disk`, `ports` that
 * `flagResources` lacks from `facts` (MB values rounded down to whole MB, as
 * Mesos divides bytes by 1 MB in integers). Output order: cpus, mem, disk,
 * ports, then the flag's other resources in their given order. Detected
 * resources get `defaultRole` (`--default_role`, `*` = unreserved).
 */
export function resolveAgentResources(flagResources: readonly Resource[], facts: HostFacts, defaultRole = '*'): Resource[] {
  const given = (name: string): Resource[] => flagResources.filter((r) => r.name === name);
  const out: Resource[] = [];

  const cpus = given('cpus');
  out.push(...(cpus.length > 0 ? cpus : [resource('cpus', facts.cpus && facts.cpus > 0 ? facts.cpus : 1, defaultRole)]));

  const mem = given('mem');
  if (mem.length > 0) {
    out.push(...mem);
  } else {
    const total = facts.memBytes && facts.memBytes > 0 ? facts.memBytes : undefined;
    // The fallback is the value to offer, not a total to shrink (DEFAULT_MEM).
    const bytes = total === undefined ? GB : total >= 2 * GB ? total - GB : total / 2;
    out.push(resource('mem', Math.floor(bytes / MB), defaultRole));
  }

  const disk = given('disk');
  if (disk.length > 0) {
    out.push(...disk);
  } else {
    const total = facts.diskBytes && facts.diskBytes > 0 ? facts.diskBytes : undefined;
    // Likewise DEFAULT_DISK is offered as is.
    const bytes = total === undefined ? 10 * GB : total >= 10 * GB ? total - 5 * GB : total / 2;
    out.push(resource('disk', Math.floor(bytes / MB), defaultRole));
  }

  const ports = given('ports');
  if (ports.length > 0) {
    out.push(...ports);
  } else {
    const base: Resource = { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: defaultRole };
    out.push(defaultRole === '*' ? base : { ...base, reservations: [{ type: 'STATIC', role: defaultRole }] });
  }

  const known = new Set(['cpus', 'mem', 'disk', 'ports']);
  out.push(...flagResources.filter((r) => !known.has(r.name)));
  return out;
}

/** Size of the filesystem holding `dir`, walking up to an existing ancestor; undefined if unknown. */
async function filesystemBytes(dir: string): Promise<number | undefined> {
  let at = path.resolve(dir);
  for (;;) {
    try {
      const st = await statfs(at);
      return Number(st.blocks) * Number(st.bsize);
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return undefined;
      at = parent;
    }
  }
}

/**
 * Agent total resources: `flagResources` (parsed `--resources`) completed with
 * host measurements — CPUs from `os.availableParallelism()`, memory from
 * `os.totalmem()`, disk from `statfs(workDir)` (or its nearest existing
 * ancestor). Never throws for a failed measurement: Mesos's fallbacks apply.
 * See `resolveAgentResources` for the rules and the output order.
 */
export async function detectAgentResources(flagResources: Resource[], workDir: string, defaultRole = '*'): Promise<Resource[]> {
  const facts: HostFacts = {
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    memBytes: os.totalmem(),
    diskBytes: await filesystemBytes(workDir),
  };
  return resolveAgentResources(flagResources, facts, defaultRole);
}

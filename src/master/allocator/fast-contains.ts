/**
 * A cheap `a ⊇ b` for the allocator's hot paths (filter checks, recovering a
 * whole offer), deciding only the plain cases and deferring the rest.
 *
 * `containsResources` of mesos/resources normalizes both sides and builds
 * string keys on every call — fine per call, too slow when a pass checks a
 * filter on each of 50,000 agents. Here entries are matched by a linear scan
 * without allocating. An entry is *plain* when it is SCALAR or RANGES, has no
 * disk info, is not revocable or shared, carries no `allocation_info`, and
 * its reservation (if any) is a single STATIC one without principal or labels; plain
 * entries are matched by name, type and reservation role. Anything else
 * returns undefined, and the caller falls back to `containsResources`.
 */
import { reservationRole } from '../../mesos/resources.js';
import type { Range, Resource } from '../../mesos/types.js';

/**
 * `a ⊇ b` when both are plain (see the module comment), else undefined.
 * Scalars are compared in Mesos's 0.001 fixed point; ranges by containment.
 * With `allocationRole`, entries must instead all carry `allocation_info`
 * of that role (as a task's resources and the offer they come from do), and
 * are compared as if they carried none.
 */
export function fastContains(a: readonly Resource[], b: readonly Resource[], allocationRole?: string): boolean | undefined {
  for (let i = 0; i < a.length; i++) if (!isPlain(a[i]!, allocationRole)) return undefined;
  for (let i = 0; i < b.length; i++) if (!isPlain(b[i]!, allocationRole)) return undefined;
  for (let i = 0; i < b.length; i++) {
    const want = b[i]!;
    const role = reservationRole(want);
    if (want.type === 'SCALAR') {
      // Sum b's entries of this kind once, at its first occurrence.
      let need = 0;
      let first = true;
      for (let j = 0; j < b.length; j++) {
        const y = b[j]!;
        if (y.type !== 'SCALAR' || y.name !== want.name || reservationRole(y) !== role) continue;
        if (j < i) {
          first = false;
          break;
        }
        need += fixed(y.scalar?.value ?? 0);
      }
      if (!first || need <= 0) continue;
      let have = 0;
      for (let j = 0; j < a.length; j++) {
        const x = a[j]!;
        if (x.type === 'SCALAR' && x.name === want.name && reservationRole(x) === role) have += fixed(x.scalar?.value ?? 0);
      }
      if (have < need) return false;
    } else {
      for (const r of want.ranges?.range ?? []) {
        if (!rangeCovered(a, want.name, role, r)) return false;
      }
    }
  }
  return true;
}

/** Both ways: `a` and `b` hold the same plain resources; undefined if not plain. */
export function fastEquals(a: readonly Resource[], b: readonly Resource[]): boolean | undefined {
  const ab = fastContains(a, b);
  if (ab !== true) return ab;
  return fastContains(b, a);
}

function isPlain(r: Resource, allocationRole: string | undefined): boolean {
  if (r.type === 'SET' || r.disk !== undefined || r.revocable !== undefined || r.shared !== undefined) return false;
  if (allocationRole === undefined ? r.allocation_info !== undefined : r.allocation_info?.role !== allocationRole) return false;
  const stack = r.reservations;
  if (stack !== undefined) {
    if (stack.length > 1) return false;
    for (let i = 0; i < stack.length; i++) {
      const s = stack[i]!;
      if ((s.type !== undefined && s.type !== 'STATIC') || s.principal !== undefined || s.labels !== undefined) return false;
    }
  }
  return true;
}

/**
 * True if the inclusive range `r` lies within the union of `name` ranges of
 * `a` reserved to `role`. Walks forward from `r.begin`, extending coverage
 * with any range that touches it (ranges may be split across entries).
 */
function rangeCovered(a: readonly Resource[], name: string, role: string, r: Range): boolean {
  if (r.end < r.begin) return true;
  let next = r.begin; // first value not yet known to be covered
  for (;;) {
    let advanced = false;
    for (let j = 0; j < a.length; j++) {
      const x = a[j]!;
      if (x.type !== 'RANGES' || x.name !== name || reservationRole(x) !== role) continue;
      const list = x.ranges?.range ?? [];
      for (let k = 0; k < list.length; k++) {
        const g = list[k]!;
        if (g.begin <= next && g.end >= next) {
          if (g.end >= r.end) return true;
          next = g.end + 1;
          advanced = true;
        }
      }
    }
    if (!advanced) return false;
  }
}

function fixed(v: number): number {
  return Math.round(v * 1000);
}

/** `stripAllocationInfo` that returns the input itself when no entry has `allocation_info`. */
export function withoutAllocationInfo(resources: readonly Resource[]): readonly Resource[] {
  for (let i = 0; i < resources.length; i++) {
    if (resources[i]!.allocation_info !== undefined) return resources.map(stripOne);
  }
  return resources;
}

function stripOne(r: Resource): Resource {
  const copy = Object.assign({}, r);
  delete copy.allocation_info;
  return copy;
}

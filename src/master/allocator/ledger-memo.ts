/**
 * The resource arithmetic an agent ledger starts from, done once per shape
 * rather than once per agent. After a failover 10,000 agents reregister at
 * once, most with the same total and tasks of a few shapes; normalizing each
 * agent's total and summing each agent's task lists was ~20 µs an agent, a
 * sixth of the new leader's work per reregistration (failover bench profile).
 *
 * What is remembered is frozen, so a caller that tried to change it in place
 * would throw rather than change every agent's books.
 */
import equal from 'fast-deep-equal';
import { normalizeResources, scaleScalars, stripAllocationInfo, subtractNormalized } from '../../mesos/resources.js';
import type { Resource } from '../../mesos/types.js';
import { deepFreeze } from '../shared-resources.js';
import { quantitiesFromResources, type Quantities } from './quantities.js';

/** Distinct agent totals remembered at most (a cluster has few machine shapes; others pass through). */
const TOTALS_REMEMBERED = 8;

/** Normalized, without `allocation_info`: what the ledger keeps. */
function canonicalUse(resources: readonly Resource[]): Resource[] {
  return normalizeResources(stripAllocationInfo(normalizeResources(resources)));
}

/**
 * Agent totals in the ledger's form (normalized, without `allocation_info`),
 * shared between agents whose totals are deep-equal. The last few distinct
 * totals are compared with the one asked for, newest first; a miss is
 * normalized and remembered in place of the oldest.
 */
export class AgentTotals {
  /** Newest first: a deep copy of the raw total asked for, and its frozen canonical form. */
  private readonly recent: { raw: Resource[]; canonical: readonly Resource[] }[] = [];

  /** Canonical forms of frozen totals (shared lists, see AgentShapes), by identity. */
  private readonly ofFrozen = new WeakMap<readonly Resource[], readonly Resource[]>();

  /**
   * `total` normalized, without `allocation_info`; frozen, shared with equal
   * totals. A frozen `total` is looked up by identity (and then kept as a
   * key while it lives); any other is compared with the recent ones and not kept.
   */
  canonical(total: readonly Resource[]): readonly Resource[] {
    if (Object.isFrozen(total)) {
      let canonical = this.ofFrozen.get(total);
      if (canonical === undefined) this.ofFrozen.set(total, (canonical = this.byValue(total)));
      return canonical;
    }
    return this.byValue(total);
  }

  private byValue(total: readonly Resource[]): readonly Resource[] {
    for (let i = 0; i < this.recent.length; i++) {
      const known = this.recent[i]!;
      if (equal(known.raw, total)) {
        if (i > 0) this.recent.unshift(...this.recent.splice(i, 1));
        return known.canonical;
      }
    }
    // Worked from our own copy: the canonical form may share nested objects (reservations,
    // disk) with its input, and freezing must not reach into the caller's list.
    const raw = structuredClone(total) as Resource[];
    const canonical = deepFreeze(canonicalUse(raw));
    this.recent.unshift({ raw, canonical });
    if (this.recent.length > TOTALS_REMEMBERED) this.recent.pop();
    return canonical;
  }
}

/** Per frozen task resource list: copies → their summed canonical form. */
const repeated = new WeakMap<readonly Resource[], Map<number, readonly Resource[]>>();

/**
 * The sum of `lists` in the ledger's form (normalized, without
 * `allocation_info`), as a preallocation takes it. When every list is one
 * frozen list (a master's tasks share theirs, see SharedResources) the sum is
 * that list's, scaled, and remembered per number of copies; anything else is
 * summed entry by entry. Frozen when remembered; never mutate the result.
 */
export function summedUse(lists: readonly (readonly Resource[])[]): readonly Resource[] {
  const first = lists[0];
  if (first === undefined) return [];
  for (const list of lists) if (list !== first) return canonicalUse(lists.flat());
  return Object.isFrozen(first) ? repeatedUse(first, lists.length) : canonicalUse(lists.flat());
}

/** Quantities of frozen lists (what this module returns), computed once per list. */
const quantities = new WeakMap<readonly Resource[], Quantities>();

/**
 * `quantitiesFromResources(list)`, shared for a frozen list: the same vector
 * for every call, which callers must only read. A list not frozen gets a new one.
 */
export function sharedQuantities(list: readonly Resource[]): Quantities {
  if (!Object.isFrozen(list)) return quantitiesFromResources(list);
  let q = quantities.get(list);
  if (q === undefined) quantities.set(list, (q = quantitiesFromResources(list)));
  return q;
}

function repeatedUse(list: readonly Resource[], copies: number): readonly Resource[] {
  let byCopies = repeated.get(list);
  if (byCopies === undefined) repeated.set(list, (byCopies = new Map()));
  let one = byCopies.get(1);
  if (one === undefined) byCopies.set(1, (one = deepFreeze(canonicalUse(list))));
  if (copies === 1) return one;
  let use = byCopies.get(copies);
  if (use === undefined) {
    use = deepFreeze(scaleScalars(one, copies) ?? canonicalUse(new Array<readonly Resource[]>(copies).fill(list).flat()));
    byCopies.set(copies, use);
  }
  return use;
}

/** Per frozen list: per frozen list taken from it, the frozen difference. */
const differences = new WeakMap<readonly Resource[], WeakMap<readonly Resource[], readonly Resource[]>>();

/**
 * `subtractNormalized(from, part)`, computed once per pair when both lists are
 * frozen (an agent's shared total less its tasks' shared sum: after a
 * failover most agents come back as the same pair) and then frozen and
 * shared; never mutate the result. Other pairs are computed each time.
 */
export function sharedDifference(from: readonly Resource[], part: readonly Resource[]): readonly Resource[] {
  if (!Object.isFrozen(from) || !Object.isFrozen(part)) return subtractNormalized(from, part);
  let byPart = differences.get(from);
  if (byPart === undefined) differences.set(from, (byPart = new WeakMap()));
  let difference = byPart.get(part);
  if (difference === undefined) byPart.set(part, (difference = deepFreeze(subtractNormalized(from, part))));
  return difference;
}

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
import { normalizeResources, scaleScalars, stripAllocationInfo, subtractNormalized } from '../../mesos/resources.js';
import type { Resource } from '../../mesos/types.js';
import { AgentShapes } from '../agent-shapes.js';
import { deepFreeze } from '../shared-resources.js';
import { quantitiesFromResources, type Quantities } from './quantities.js';

/** Normalized, without `allocation_info`: what the ledger keeps. */
function canonicalUse(resources: readonly Resource[]): Resource[] {
  return normalizeResources(stripAllocationInfo(normalizeResources(resources)));
}

/**
 * Agent totals in the ledger's form (normalized, without `allocation_info`),
 * shared between agents whose totals are deep-equal. A frozen total (the
 * master shares its agents' totals, see AgentShapes) is looked up by identity
 * once it has been seen; any other is matched by value against the last few
 * shapes met, and a copy of it is what gets remembered.
 */
export class AgentTotals {
  private readonly shapes = new AgentShapes();
  /** Frozen canonical forms, by shape (ours, and every frozen total asked for). */
  private readonly ofShape = new WeakMap<readonly Resource[], readonly Resource[]>();

  /** `total` normalized, without `allocation_info`; frozen, shared with equal totals. An unfrozen `total` is neither kept nor frozen. */
  canonical(total: readonly Resource[]): readonly Resource[] {
    const known = this.ofShape.get(total);
    if (known !== undefined) return known;
    const shape = this.shapes.share(total, true);
    let canonical = this.ofShape.get(shape);
    // `shape` is ours and deep-frozen, so the canonical form may share its nested objects.
    if (canonical === undefined) this.ofShape.set(shape, (canonical = deepFreeze(canonicalUse(shape))));
    if (Object.isFrozen(total)) this.ofShape.set(total, canonical);
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

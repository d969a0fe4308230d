/**
 * One agent as the allocator sees it: its total, what is still available
 * (split by reservation role), and what is allocated to each framework+role.
 *
 * Invariant (checked by the property tests): available + Σ allocations = total,
 * per reservation pool. Available resources are kept in pools keyed by the
 * role they are reserved to (`*` = unreserved), so an allocation pass can hand
 * a whole pool over without any resource arithmetic: the hot path only moves
 * arrays and adds quantity vectors.
 */
import {
  addNormalized,
  addResources,
  containsResources,
  normalizeResources,
  reservationRole,
  subtractNormalized,
} from '../../mesos/resources.js';
import type { Resource } from '../../mesos/types.js';
import { fastContains, fastEquals, withoutAllocationInfo } from './fast-contains.js';
import { sharedDifference, sharedQuantities, summedUse } from './ledger-memo.js';
import { exactly } from '../../mesos/values.js';
import { addQuantities, GPUS, quantitiesFromResources, zeroQuantities, type Quantities } from './quantities.js';

/** Available resources reserved to one role (or unreserved), with their quantity vector. */
interface Pool {
  /** Normalized, without `allocation_info`; may be a frozen list shared with other ledgers. */
  resources: readonly Resource[];
  q: Quantities;
}

/** What one framework holds on this agent under one role. */
export interface AgentAllocation {
  readonly frameworkId: string;
  readonly role: string;
  /** Normalized, without `allocation_info`; may be a frozen list shared with other ledgers. */
  resources: readonly Resource[];
  q: Quantities;
}

/** The resources an agent can offer to one role right now (never mutated by the caller). */
export interface Offerable {
  /** Pool keys (reservation roles) the resources come from. */
  readonly pools: readonly string[];
  /** Normalized, without `allocation_info`. */
  readonly resources: readonly Resource[];
  readonly q: Quantities;
}

/** Thrown when the master gives back resources the allocator never allocated (a master bug). */
export class AllocatorInvariantError extends Error {
  readonly code = 'ALLOCATOR_INVARIANT';
  constructor(message: string) {
    super(message);
    this.name = 'AllocatorInvariantError';
  }
}

/** Per-agent bookkeeping of the hierarchical allocator. */
export class AgentLedger {
  active = true;
  /** Fair-kind quantities of `total` (cpus, mem, disk, gpus); may be shared with other ledgers: read only. */
  readonly totalQ: Quantities;
  /** Mesos `--filter_gpu_resources`: agents with gpus are offered only to GPU_RESOURCES frameworks. */
  readonly hasGpus: boolean;
  private readonly pools = new Map<string, Pool>();
  /** Pool keys in sorted order, `*` first, so multi-pool offers are built deterministically. */
  private poolKeys: string[] = [];
  private readonly allocations = new Map<string, AgentAllocation>();

  /**
   * @param total the agent's resources (unreserved or reserved), normalized and
   *   without `allocation_info`, as AgentTotals gives them: kept as they are, never changed.
   */
  constructor(
    readonly id: string,
    readonly hostname: string,
    readonly total: readonly Resource[],
  ) {
    this.totalQ = sharedQuantities(this.total);
    this.hasGpus = this.totalQ[GPUS]! > 0;
    this.addToPools(this.total, true);
  }

  /** True if nothing is available in any pool. */
  get exhausted(): boolean {
    return this.poolKeys.length === 0;
  }

  /** True if some available resources are reserved (the pass may serve several roles). */
  get hasReservedAvailable(): boolean {
    return this.poolKeys.length > 1 || (this.poolKeys.length === 1 && this.poolKeys[0] !== '*');
  }

  /**
   * Available resources `role` may use: unreserved ones plus those reserved to
   * `role` or to one of its ancestors (`eng` reservations serve `eng/dev`), as
   * Mesos's `isAllocatableTo`. Undefined when there are none.
   */
  offerable(role: string): Offerable | undefined {
    const keys = this.poolKeys;
    if (keys.length === 1) {
      // The common case: one pool, no copying.
      const k = keys[0]!;
      if (!allocatableTo(k, role)) return undefined;
      const p = this.pools.get(k)!;
      return { pools: keys, resources: p.resources, q: p.q };
    }
    const use = keys.filter((k) => allocatableTo(k, role));
    if (use.length === 0) return undefined;
    if (use.length === 1) {
      const p = this.pools.get(use[0]!)!;
      return { pools: use, resources: p.resources, q: p.q };
    }
    const resources: Resource[] = [];
    const q = zeroQuantities();
    for (const k of use) {
      const p = this.pools.get(k)!;
      resources.push(...p.resources);
      addQuantities(q, p.q);
    }
    return { pools: use, resources, q };
  }

  /** Moves an {@link Offerable} (as just returned) into the allocation of `frameworkId`+`role`. */
  take(frameworkId: string, role: string, offer: Offerable): void {
    for (const k of offer.pools) this.pools.delete(k);
    this.poolKeys =
      offer.pools.length === this.poolKeys.length ? [] : this.poolKeys.filter((k) => !offer.pools.includes(k));
    // The pools are gone, so the allocation may adopt their arrays without copying.
    this.allocate(frameworkId, role, offer.resources, offer.q, true);
  }

  /**
   * Records resources already in use when the agent (re)joins: the sum of
   * `lists` (one per task or executor). Takes them out of the available pools
   * (clamped: what the pools lack is ignored). Returns their quantities, which
   * may be shared: read only.
   */
  preallocate(frameworkId: string, role: string, lists: readonly (readonly Resource[])[]): Quantities {
    // Summed first (an agent coming back with 10 tasks hands 20 entries, and stripping each
    // before summing copied all 20), and once per shape when the tasks share one list.
    const used = summedUse(lists);
    this.removeFromPools(used);
    const q = sharedQuantities(used);
    this.allocate(frameworkId, role, used, q);
    return q;
  }

  /**
   * Gives `resources` of `frameworkId`+`role` back to the available pools.
   * Returns the recovered quantities, or undefined if that framework+role holds
   * nothing here (a race with removal: ignored, as Mesos does).
   * @throws AllocatorInvariantError if the resources exceed the allocation.
   */
  recover(frameworkId: string, role: string, resources: readonly Resource[]): Quantities | undefined {
    const k = allocationKey(frameworkId, role);
    const a = this.allocations.get(k);
    if (!a) return undefined;
    const given = withoutAllocationInfo(resources);
    if (fastEquals(a.resources, given) === true) {
      // The common case, a whole offer declined: no arithmetic, and our own
      // (already normalized) array goes back to the pools.
      this.allocations.delete(k);
      this.addToPools(a.resources, true);
      return a.q;
    }
    const back = normalizeResources(given);
    // The plain case (what a task or an offer remainder gives back) is decided
    // without normalizing both sides again; the temporaries that would make
    // are most of the master's garbage per launch.
    if (!(fastContains(a.resources, back) ?? containsResources(a.resources, back))) {
      throw new AllocatorInvariantError(
        `recoverResources: agent ${this.id} framework ${frameworkId} role ${role} holds ${JSON.stringify(a.resources)}, ` +
          `cannot give back ${JSON.stringify(back)}`,
      );
    }
    a.resources = subtractNormalized(a.resources, back);
    a.q = quantitiesFromResources(a.resources);
    if (a.resources.length === 0) this.allocations.delete(k);
    this.addToPools(back, true);
    return quantitiesFromResources(back);
  }

  /** Returns the whole allocation of `frameworkId` (all roles) to the pools; for framework removal. */
  recoverFramework(frameworkId: string): AgentAllocation[] {
    const out: AgentAllocation[] = [];
    for (const [k, a] of [...this.allocations]) {
      if (a.frameworkId !== frameworkId) continue;
      this.allocations.delete(k);
      this.addToPools(a.resources, true);
      out.push(a);
    }
    return out;
  }

  /** All allocations on this agent, sorted by framework then role. */
  allocationList(): AgentAllocation[] {
    return [...this.allocations.values()].sort((a, b) => cmp(a.frameworkId, b.frameworkId) || cmp(a.role, b.role));
  }

  /** Available resources of every pool, `*` first then by role. */
  available(): Resource[] {
    return this.poolKeys.flatMap((k) => this.pools.get(k)!.resources);
  }

  /** One line: id, state, available, allocations. */
  describe(): string {
    const allocs = this.allocationList()
      .map((a) => `${a.frameworkId}/${a.role}=${brief(a.resources)}`)
      .join(' ');
    return `${this.id}${this.active ? '' : ' (inactive)'} available=${brief(this.available())}${allocs ? ` allocated: ${allocs}` : ''}`;
  }

  private allocate(frameworkId: string, role: string, resources: readonly Resource[], q: Quantities, adopt = false): void {
    if (resources.length === 0) return;
    const k = allocationKey(frameworkId, role);
    const a = this.allocations.get(k);
    if (a) {
      a.resources = addResources(a.resources, resources);
      addQuantities(a.q, q);
    } else {
      this.allocations.set(k, {
        frameworkId,
        role,
        // A frozen list is shared as it is: nothing changes a ledger's lists in place.
        resources: adopt || Object.isFrozen(resources) ? resources : [...resources],
        q: adopt ? q : Float64Array.from(q),
      });
    }
  }

  /** @param normalized `resources` are known normalized (taken from our own books). */
  private addToPools(resources: readonly Resource[], normalized = false): void {
    for (const [k, part] of byReservation(resources)) {
      // A part of a canonical list is canonical, and so are the pools.
      const canonical = normalized ? part : normalizeResources(part);
      const p = this.pools.get(k);
      this.setPool(k, p ? addNormalized(p.resources, canonical) : canonical);
    }
  }

  /** @param resources normalized (preallocate's, after the agent's report was summed). */
  private removeFromPools(resources: readonly Resource[]): void {
    for (const [k, part] of byReservation(resources)) {
      const p = this.pools.get(k);
      if (p) this.setPool(k, sharedDifference(p.resources, part));
    }
  }

  /** @param resources normalized; kept as they are (a frozen list stays shared). */
  private setPool(k: string, resources: readonly Resource[]): void {
    const had = this.pools.has(k);
    if (resources.length === 0) this.pools.delete(k);
    // A pool's vector is its own: an allocation that takes the pool adds to it in place.
    else this.pools.set(k, { resources, q: Object.isFrozen(resources) ? sharedQuantities(resources).slice() : quantitiesFromResources(resources) });
    // Most changes refill or drain a pool that stays: the key order is unchanged.
    if (had === this.pools.has(k)) return;
    this.poolKeys = [...this.pools.keys()].sort((a, b) => (a === '*' ? -1 : b === '*' ? 1 : cmp(a, b)));
  }
}

/** True if resources reserved to `reservedTo` (`*` = unreserved) may be offered to `role`. */
export function allocatableTo(reservedTo: string, role: string): boolean {
  return reservedTo === '*' || reservedTo === role || role.startsWith(`${reservedTo}/`);
}

function allocationKey(frameworkId: string, role: string): string {
  return `${frameworkId}\0${role}`;
}

/**
 * `resources` split by reservation role. Lists go into the pools and are kept,
 * so each is exact in size: usually all share one role and the list is one
 * copy (a list grown by push keeps room for ~17 entries, ~130 bytes an agent).
 */
function byReservation(resources: readonly Resource[]): ReadonlyMap<string, readonly Resource[]> {
  if (!Object.isFrozen(resources)) return splitByReservation(resources);
  let parts = frozenSplits.get(resources);
  if (parts === undefined) {
    parts = splitByReservation(resources);
    for (const part of parts.values()) Object.freeze(part);
    frozenSplits.set(resources, parts);
  }
  return parts;
}

/**
 * Splits of frozen lists (shared totals and task sums), remembered and
 * frozen: after a failover every agent's ledger starts from one of a few such lists.
 */
const frozenSplits = new WeakMap<readonly Resource[], ReadonlyMap<string, readonly Resource[]>>();

function splitByReservation(resources: readonly Resource[]): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  const first = resources[0];
  if (first === undefined) return out;
  const role = reservationRole(first);
  if (resources.every((r) => reservationRole(r) === role)) return out.set(role, resources.slice());
  for (const r of resources) {
    const k = reservationRole(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  for (const [k, list] of out) out.set(k, exactly(list));
  return out;
}

function brief(resources: readonly Resource[]): string {
  return resources
    .map((r) => {
      const role = reservationRole(r);
      const v =
        r.type === 'SCALAR'
          ? String(r.scalar?.value ?? 0)
          : r.type === 'RANGES'
            ? `[${(r.ranges?.range ?? []).map((g) => `${g.begin}-${g.end}`).join(',')}]`
            : `{${(r.set?.item ?? []).join(',')}}`;
      return `${r.name}${role === '*' ? '' : `(${role})`}:${v}`;
    })
    .join(';');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

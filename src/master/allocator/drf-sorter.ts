/**
 * Dominant Resource Fairness sorter: clients (roles, or frameworks within a
 * role) ordered by weighted dominant share, lowest first.
 *
 * Mirrors Mesos's `DRFSorter` (`src/master/allocator/sorter/drf/sorter.cpp`):
 * share = max over scalar kinds with a non-zero cluster total of
 * allocated/total, divided by the client's weight; ties broken by client name.
 * Inactive clients keep their allocation (it still counts for the cluster) but
 * are left out of the order, as Mesos's `deactivate`.
 *
 * Performance contract: a full sort only after the total or a weight changed;
 * an allocation change moves just that client within the order (its share
 * only moved one way), so an allocation pass costs O(distance moved) per
 * decision instead of a sort per agent.
 */
import {
  addQuantities,
  isZeroQuantities,
  KIND_COUNT,
  quantitiesToRecord,
  subtractQuantities,
  zeroQuantities,
  type Quantities,
} from './quantities.js';

/** One client as handed out by {@link DRFSorter.order}: read-only view. */
export interface SorterEntry<T> {
  readonly name: string;
  readonly payload: T;
}

interface Client<T> extends SorterEntry<T> {
  weight: number;
  active: boolean;
  allocation: Quantities;
  share: number;
  /** Index in `order` while active and the order is clean. */
  index: number;
}

/** DRF sorter over clients carrying a payload of type `T` (the caller's state). */
export class DRFSorter<T> {
  private readonly clients = new Map<string, Client<T>>();
  private sorted: Array<Client<T>> = [];
  private total: Quantities = zeroQuantities();
  private dirty = false;

  /**
   * Adds an active client with no allocation.
   * @throws Error if `name` is already a client (a caller bug).
   */
  add(name: string, payload: T, weight = 1): void {
    if (this.clients.has(name)) throw new Error(`DRFSorter: client '${name}' already added`);
    const c: Client<T> = { name, payload, weight: validWeight(weight), active: true, allocation: zeroQuantities(), share: 0, index: -1 };
    this.clients.set(name, c);
    this.insert(c);
  }

  /** Removes a client and its allocation. No-op for an unknown name. */
  remove(name: string): void {
    const c = this.clients.get(name);
    if (!c) return;
    if (c.active) this.detach(c);
    this.clients.delete(name);
  }

  /** True if `name` is a client (active or not). */
  has(name: string): boolean {
    return this.clients.has(name);
  }

  /** Number of clients, active or not. */
  get size(): number {
    return this.clients.size;
  }

  /** The payload of `name`, or undefined. */
  get(name: string): T | undefined {
    return this.clients.get(name)?.payload;
  }

  /** Puts the client back into the order. No-op if unknown or already active. */
  activate(name: string): void {
    const c = this.clients.get(name);
    if (!c || c.active) return;
    c.active = true;
    this.insert(c);
  }

  /** Takes the client out of the order, keeping its allocation. No-op if unknown or inactive. */
  deactivate(name: string): void {
    const c = this.clients.get(name);
    if (!c || !c.active) return;
    this.detach(c);
    c.active = false;
  }

  /** True if `name` is an active client. */
  isActive(name: string): boolean {
    return this.clients.get(name)?.active ?? false;
  }

  /** Sets the weight (share divisor, > 0; anything else means 1). No-op for an unknown name. */
  setWeight(name: string, weight: number): void {
    const c = this.clients.get(name);
    if (!c) return;
    c.weight = validWeight(weight);
    this.dirty = true;
  }

  /** Replaces the cluster total the shares are computed against (copied). */
  setTotal(total: Quantities): void {
    this.total = Float64Array.from(total);
    this.dirty = true;
  }

  /** Adds `q` to the client's allocation. No-op for an unknown name. */
  allocated(name: string, q: Quantities): void {
    const c = this.clients.get(name);
    if (!c) return;
    addQuantities(c.allocation, q);
    this.reshare(c);
  }

  /** Subtracts `q` from the client's allocation (clamped at zero). No-op for an unknown name. */
  unallocated(name: string, q: Quantities): void {
    const c = this.clients.get(name);
    if (!c) return;
    subtractQuantities(c.allocation, q);
    this.reshare(c);
  }

  /** True if the client holds a non-zero allocation of some kind. */
  hasAllocation(name: string): boolean {
    const c = this.clients.get(name);
    return c !== undefined && !isZeroQuantities(c.allocation);
  }

  /** A copy of the client's allocation, or a zero vector for an unknown name. */
  allocation(name: string): Quantities {
    const c = this.clients.get(name);
    return c ? Float64Array.from(c.allocation) : zeroQuantities();
  }

  /** The client's weighted dominant share in [0, 1/weight], or 0 for an unknown name. */
  share(name: string): number {
    const c = this.clients.get(name);
    return c ? this.computeShare(c) : 0;
  }

  /**
   * Active clients, lowest weighted dominant share first, ties by name. The
   * array is the sorter's own and changes with the next allocation change:
   * callers that keep iterating after changing an allocation must copy it.
   */
  order(): ReadonlyArray<SorterEntry<T>> {
    if (this.dirty) this.resort();
    return this.sorted;
  }

  /** Names of all clients, sorted, for describe(). */
  names(): string[] {
    return [...this.clients.keys()].sort();
  }

  /** One line per client in order, then inactive ones: name, share, weight, allocation. */
  describe(indent = ''): string {
    const lines: string[] = [];
    const inactive = [...this.clients.values()].filter((c) => !c.active).sort((a, b) => compareNames(a.name, b.name));
    for (const c of [...(this.order() as Array<Client<T>>), ...inactive]) {
      const w = c.weight === 1 ? '' : ` weight=${c.weight}`;
      const a = c.active ? '' : ' (inactive)';
      lines.push(`${indent}${c.name} share=${this.computeShare(c).toFixed(4)}${w}${a} ${JSON.stringify(quantitiesToRecord(c.allocation))}`);
    }
    return lines.join('\n');
  }

  private computeShare(c: Client<T>): number {
    let share = 0;
    for (let i = 0; i < KIND_COUNT; i++) {
      const t = this.total[i]!;
      if (t > 0) {
        const s = c.allocation[i]! / t;
        if (s > share) share = s;
      }
    }
    return share / c.weight;
  }

  private resort(): void {
    const active: Array<Client<T>> = [];
    for (const c of this.clients.values()) {
      if (!c.active) continue;
      c.share = this.computeShare(c);
      active.push(c);
    }
    active.sort(compareClients);
    active.forEach((c, i) => (c.index = i));
    this.sorted = active;
    this.dirty = false;
  }

  /**
   * Recomputes one client's share and moves it to its place in a clean order:
   * binary search for the place among the others, then shift the clients in
   * between by one (their cached indexes too).
   */
  private reshare(c: Client<T>): void {
    if (this.dirty) return;
    c.share = this.computeShare(c);
    if (!c.active) return;
    const order = this.sorted;
    const from = c.index;
    if (from + 1 < order.length && compareClients(order[from + 1]!, c) < 0) {
      // Moved up: first index in (from, n) whose client sorts after c.
      let lo = from + 1;
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareClients(order[mid]!, c) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let i = from; i < lo - 1; i++) {
        const next = order[i + 1]!;
        order[i] = next;
        next.index = i;
      }
      order[lo - 1] = c;
      c.index = lo - 1;
    } else if (from > 0 && compareClients(c, order[from - 1]!) < 0) {
      // Moved down: first index in [0, from) whose client sorts after c.
      let lo = 0;
      let hi = from;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareClients(order[mid]!, c) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let i = from; i > lo; i--) {
        const prev = order[i - 1]!;
        order[i] = prev;
        prev.index = i;
      }
      order[lo] = c;
      c.index = lo;
    }
  }

  private insert(c: Client<T>): void {
    if (this.dirty) return;
    c.share = this.computeShare(c);
    const order = this.sorted;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareClients(order[mid]!, c) < 0) lo = mid + 1;
      else hi = mid;
    }
    order.splice(lo, 0, c);
    for (let i = lo; i < order.length; i++) order[i]!.index = i;
  }

  private detach(c: Client<T>): void {
    if (this.dirty) return;
    const order = this.sorted;
    order.splice(c.index, 1);
    for (let i = c.index; i < order.length; i++) order[i]!.index = i;
    c.index = -1;
  }
}

function validWeight(w: number): number {
  return Number.isFinite(w) && w > 0 ? w : 1;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareClients<T>(a: Client<T>, b: Client<T>): number {
  if (a.share !== b.share) return a.share < b.share ? -1 : 1;
  return compareNames(a.name, b.name);
}

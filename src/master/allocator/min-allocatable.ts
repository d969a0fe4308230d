/**
 * The `--min_allocatable_resources` check: an offer is worth sending only if it
 * holds at least one of the configured quantity sets in full.
 *
 * Mirrors Mesos's `HierarchicalAllocatorProcess::allocatable`: the sets are
 * OR-ed (`|` in the flag), the quantities within one set AND-ed (`;`), and the
 * quantities are summed over every reservation of the offered resources. An
 * empty list of sets means everything non-empty is allocatable.
 */
import type { Resource } from '../../mesos/types.js';
import { kindIndex, type Quantities } from './quantities.js';

/** Mesos's default `cpus:0.01|mem:32`: a hundredth of a cpu, or 32 MB of memory. */
export const DEFAULT_MIN_ALLOCATABLE: ReadonlyArray<Readonly<Record<string, number>>> = [
  { cpus: 0.01 },
  { mem: 32 },
];

interface CompiledSet {
  /** Fair-kind indexes and their minimums (parallel arrays: plain loops, no iterators, on the hot path). */
  kindIndexes: number[];
  kindMins: number[];
  /** Pairs (resource name, minimum) for other names, summed from the resources. */
  others: Array<[string, number]>;
}

/** A compiled `--min_allocatable_resources` value. */
export class MinAllocatable {
  private readonly sets: CompiledSet[];

  /** @param sets quantity sets by resource name (cpus, mem MB, disk MB, gpus, or custom). */
  constructor(sets: ReadonlyArray<Readonly<Record<string, number>>> = DEFAULT_MIN_ALLOCATABLE) {
    this.sets = sets.map((set) => {
      const compiled: CompiledSet = { kindIndexes: [], kindMins: [], others: [] };
      for (const name of Object.keys(set).sort()) {
        const min = set[name]!;
        const i = kindIndex(name);
        if (i >= 0) {
          compiled.kindIndexes.push(i);
          compiled.kindMins.push(min);
        } else {
          compiled.others.push([name, min]);
        }
      }
      return compiled;
    });
  }

  /**
   * True if `resources` (whose fair-kind sums are `q`) hold at least one set.
   * Custom names count scalar values, the number of values for ranges, and
   * the number of items for sets.
   */
  passes(q: Quantities, resources: readonly Resource[]): boolean {
    const sets = this.sets;
    if (sets.length === 0) return true;
    for (let s = 0; s < sets.length; s++) {
      const set = sets[s]!;
      let ok = true;
      for (let j = 0; j < set.kindIndexes.length; j++) {
        if (q[set.kindIndexes[j]!]! < set.kindMins[j]!) {
          ok = false;
          break;
        }
      }
      if (ok && set.others.length > 0) ok = set.others.every(([name, min]) => amountOf(resources, name) >= min);
      if (ok) return true;
    }
    return false;
  }
}

function amountOf(resources: readonly Resource[], name: string): number {
  let sum = 0;
  for (const r of resources) {
    if (r.name !== name) continue;
    if (r.type === 'SCALAR') sum += r.scalar?.value ?? 0;
    else if (r.type === 'RANGES') for (const g of r.ranges?.range ?? []) sum += g.end - g.begin + 1;
    else if (r.type === 'SET') sum += r.set?.item.length ?? 0;
  }
  return sum;
}

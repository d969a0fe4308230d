/**
 * Compact scalar quantities for the allocator's hot path: a fixed-length
 * `Float64Array` indexed by {@link FAIR_KINDS}, instead of `Resource[]`.
 *
 * Only these four scalar kinds take part in fairness (dominant share) and in
 * the fast min-allocatable check; ports and other ranges/sets never do, as in
 * Mesos's DRF sorter which shares over scalar quantities only.
 */
import { roundScalar } from '../../mesos/values.js';
import type { Resource } from '../../mesos/types.js';

/** Scalar resource names counted for dominant share, in vector order. */
export const FAIR_KINDS = ['cpus', 'mem', 'disk', 'gpus'] as const;

/** Name of one fair kind. */
export type FairKind = (typeof FAIR_KINDS)[number];

/** Number of entries of a {@link Quantities} vector. */
export const KIND_COUNT = FAIR_KINDS.length;

/** Index of `gpus` in a {@link Quantities} vector. */
export const GPUS = 3;

/**
 * Quantities by kind: `[cpus, mem (MB), disk (MB), gpus]`, each rounded to
 * Mesos's 0.001 resolution after every update.
 */
export type Quantities = Float64Array;

const KIND_INDEX: ReadonlyMap<string, number> = new Map(FAIR_KINDS.map((k, i) => [k, i]));

/** Index of `name` in a {@link Quantities} vector, or -1 if it is not a fair kind. */
export function kindIndex(name: string): number {
  return KIND_INDEX.get(name) ?? -1;
}

/** A zero vector. */
export function zeroQuantities(): Quantities {
  return new Float64Array(KIND_COUNT);
}

/**
 * Sums the fair-kind scalars of `resources` (any reservation, any allocation
 * role) into a new vector. Non-scalar and other-named resources are ignored.
 */
export function quantitiesFromResources(resources: readonly Resource[]): Quantities {
  const q = zeroQuantities();
  for (const r of resources) {
    if (r.type !== 'SCALAR' || r.scalar === undefined) continue;
    const i = KIND_INDEX.get(r.name);
    if (i !== undefined) q[i] = roundScalar(q[i]! + r.scalar.value);
  }
  return q;
}

/** `into += q`, rounded per kind. */
export function addQuantities(into: Quantities, q: Quantities): void {
  for (let i = 0; i < KIND_COUNT; i++) into[i] = roundScalar(into[i]! + q[i]!);
}

/**
 * `into -= q`, rounded per kind and clamped at zero: a negative quantity can
 * only come from a caller bug and must not turn a share negative.
 */
export function subtractQuantities(into: Quantities, q: Quantities): void {
  for (let i = 0; i < KIND_COUNT; i++) {
    const v = roundScalar(into[i]! - q[i]!);
    into[i] = v > 0 ? v : 0;
  }
}

/** True if every kind of `q` is zero. */
export function isZeroQuantities(q: Quantities): boolean {
  for (let i = 0; i < KIND_COUNT; i++) if (q[i] !== 0) return false;
  return true;
}

/** Plain-object form `{cpus, mem, disk, gpus}` (zero kinds omitted), for describe() and tests. */
export function quantitiesToRecord(q: Quantities): Partial<Record<FairKind, number>> {
  const out: Partial<Record<FairKind, number>> = {};
  FAIR_KINDS.forEach((k, i) => {
    if (q[i] !== 0) out[k] = q[i]!;
  });
  return out;
}

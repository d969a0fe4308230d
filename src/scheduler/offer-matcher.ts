/**
 * Packing tasks into offers: carving a task's wanted resources out of what an
 * offer still has, keeping the offer's own metadata (reservation, allocation
 * role) on every piece so the master accepts them as "from the offer".
 *
 * Mirrors Mesos's `Resources::find` as the example frameworks use it: a wanted
 * unreserved quantity may be served by resources reserved to the framework's
 * role (taken first) and then by unreserved ones; a wanted reserved quantity
 * only by that role's reservation. Pure.
 */
import type { Offer, Resource } from '../mesos/types.js';
import { normalizeResources, reservationRole } from '../mesos/resources.js';
import { fromFixed, subtractRanges, subtractSet, toFixed, coalesceRanges } from '../mesos/values.js';

/** What `takeResources` carved out (`taken`, for TaskInfo.resources) and what is left of the offer. */
export interface TakeResult {
  taken: Resource[];
  remaining: Resource[];
}

function isAtomic(r: Resource): boolean {
  return r.shared !== undefined || (r.disk !== undefined && r.disk['persistence'] !== undefined);
}

function isReserved(r: Resource): boolean {
  return reservationRole(r) !== '*';
}

/** The part of `want` that `have` can give, with `have`'s metadata; undefined when nothing. */
function portion(have: Resource, want: Resource): Resource | undefined {
  switch (want.type) {
    case 'SCALAR': {
      const amount = Math.min(toFixed(have.scalar?.value ?? 0), toFixed(want.scalar?.value ?? 0));
      return amount > 0 ? { ...have, scalar: { value: fromFixed(amount) } } : undefined;
    }
    case 'RANGES': {
      const wanted = coalesceRanges(want.ranges?.range ?? []);
      const common = subtractRanges(wanted, subtractRanges(wanted, have.ranges?.range ?? []));
      return common.length > 0 ? { ...have, ranges: { range: common } } : undefined;
    }
    case 'SET': {
      const items = (want.set?.item ?? []).filter((x) => (have.set?.item ?? []).includes(x));
      return items.length > 0 ? { ...have, set: { item: items } } : undefined;
    }
  }
}

/**
 * `want` minus the `got` portion (same name and type), keeping `want`'s metadata;
 * undefined when nothing is left (fully served, or an offer entry used up).
 */
function leftToServe(want: Resource, got: Resource): Resource | undefined {
  switch (want.type) {
    case 'SCALAR': {
      const left = toFixed(want.scalar?.value ?? 0) - toFixed(got.scalar?.value ?? 0);
      return left > 0 ? { ...want, scalar: { value: fromFixed(left) } } : undefined;
    }
    case 'RANGES': {
      const left = subtractRanges(want.ranges?.range ?? [], got.ranges?.range ?? []);
      return left.length > 0 ? { ...want, ranges: { range: left } } : undefined;
    }
    case 'SET': {
      const left = subtractSet(want.set?.item ?? [], got.set?.item ?? []);
      return left.length > 0 ? { ...want, set: { item: left } } : undefined;
    }
  }
}

/**
 * Takes `wanted` (e.g. `cpus:1;mem:128` parsed, unreserved) out of
 * `offered`. Returns undefined when the offer cannot supply all of it; inputs are
 * not modified. Shared resources and persistent volumes are never split and so
 * never taken here.
 */
export function takeResources(offered: readonly Resource[], wanted: readonly Resource[]): TakeResult | undefined {
  return takeFromNormalized(normalizeResources(offered), wanted);
}

/**
 * takeResources for an `offered` already in canonical form (normalizeResources),
 * where each kind of resource is one entry: a piece, which carries its entry's
 * metadata, comes out of that entry alone, so the remainder is updated entry by
 * entry instead of renormalizing the whole offer for every piece (a busy
 * framework packing an offer with a thousand ports did that twice per task).
 */
function takeFromNormalized(offered: readonly Resource[], wanted: readonly Resource[]): TakeResult | undefined {
  const remaining: Array<Resource | undefined> = offered.slice();
  const taken: Resource[] = [];
  for (const want of normalizeResources(wanted)) {
    const role = reservationRole(want);
    const candidates: number[] = [];
    for (let i = 0; i < remaining.length; i++) {
      const have = remaining[i];
      if (!have || have.name !== want.name || have.type !== want.type || isAtomic(have)) continue;
      if (role === '*' || reservationRole(have) === role) candidates.push(i);
    }
    // Reserved first, so unreserved resources stay available for others.
    candidates.sort((a, b) => Number(isReserved(remaining[b]!)) - Number(isReserved(remaining[a]!)));
    let need: Resource | undefined = want;
    for (const i of candidates) {
      if (!need) break;
      const have = remaining[i]!;
      const piece = portion(have, need);
      if (!piece) continue;
      taken.push(piece);
      remaining[i] = leftToServe(have, piece);
      need = leftToServe(need, piece);
    }
    if (need) return undefined;
  }
  return { taken: normalizeResources(taken), remaining: remaining.filter((r): r is Resource => r !== undefined) };
}

/**
 * One offer being filled task by task:
 * `const m = new OfferMatcher(offer); while (m.tryTake(perTask)) …`.
 */
export class OfferMatcher {
  private left: Resource[];

  constructor(readonly offer: Offer) {
    this.left = normalizeResources(offer.resources);
  }

  /** The offer's resources not yet handed out. */
  get remaining(): readonly Resource[] {
    return this.left;
  }

  /** Carves `wanted` out of the remainder; returns the pieces for TaskInfo.resources, or undefined if it does not fit. */
  tryTake(wanted: readonly Resource[]): Resource[] | undefined {
    const result = takeFromNormalized(this.left, wanted);
    if (!result) return undefined;
    this.left = result.remaining;
    return result.taken;
  }
}

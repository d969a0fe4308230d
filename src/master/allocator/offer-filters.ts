/**
 * Refused-offer filters: after a framework declines (or leaves unused) part of
 * an offer with `Filters.refuse_seconds` > 0, the same resources of that agent
 * are not offered again to that framework+role until the filter expires.
 *
 * Mirrors Mesos's `RefusedOfferFilter`: a filter blocks an offer when the
 * refused resources contain everything about to be offered (more resources
 * than were refused — e.g. after a task ended — lift the filter). Filters are
 * keyed (framework, role, agent); a newer refusal replaces the older filter.
 * Expiry is checked against the caller's `now`; expired filters are dropped
 * on the next look-up or sweep (no timers here).
 */
import { containsResources } from '../../mesos/resources.js';
import { fastContains, withoutAllocationInfo } from './fast-contains.js';
import type { Resource } from '../../mesos/types.js';

/** Mesos caps `refuse_seconds` at 365 days. */
export const MAX_REFUSE_SECONDS = 365 * 24 * 60 * 60;

/** One installed filter (read-only view for describe()/tests). */
export interface OfferFilter {
  readonly frameworkId: string;
  readonly role: string;
  readonly agentId: string;
  /** Refused resources, without `allocation_info`. */
  readonly refused: readonly Resource[];
  /** Expiry, ms since the epoch: the filter applies while `now < expiresAt`. */
  readonly expiresAt: number;
}

/** All refused-offer filters of an allocator. */
export class OfferFilters {
  /** frameworkId → `role \0 agentId` → filter. */
  private readonly byFramework = new Map<string, Map<string, OfferFilter>>();
  /**
   * A lower bound of the earliest expiry (exact after a sweep that found
   * something due): passes before it skip the sweep, and `nextExpiry` needs no
   * scan. Thousands of filters (every framework declining most agents) made
   * the per-pass scan a hot spot of the master at 10,000 agents.
   */
  private earliest: number | undefined;

  /**
   * Installs (or replaces) the filter for (framework, role, agent).
   * `refuseSeconds` ≤ 0, non-finite, or empty `refused` installs nothing;
   * more than 365 days is capped.
   */
  install(frameworkId: string, role: string, agentId: string, refused: readonly Resource[], refuseSeconds: number, now: number): void {
    if (!(refuseSeconds > 0) || refused.length === 0) return;
    const seconds = Math.min(refuseSeconds, MAX_REFUSE_SECONDS);
    let filters = this.byFramework.get(frameworkId);
    if (!filters) {
      filters = new Map();
      this.byFramework.set(frameworkId, filters);
    }
    const expiresAt = now + seconds * 1000;
    filters.set(key(role, agentId), {
      frameworkId,
      role,
      agentId,
      refused: withoutAllocationInfo(refused),
      expiresAt,
    });
    if (this.earliest === undefined || expiresAt < this.earliest) this.earliest = expiresAt;
  }

  /** True if the framework has any filter at all (cheap pre-check for the hot path). */
  hasAny(frameworkId: string): boolean {
    return this.byFramework.has(frameworkId);
  }

  /**
   * True if an unexpired filter of (framework, role, agent) contains `offer`
   * (resources without `allocation_info`). Drops the filter if expired.
   */
  blocks(frameworkId: string, role: string, agentId: string, offer: readonly Resource[], now: number): boolean {
    const filters = this.byFramework.get(frameworkId);
    if (!filters) return false;
    const k = key(role, agentId);
    const f = filters.get(k);
    if (!f) return false;
    if (now >= f.expiresAt) {
      this.drop(frameworkId, filters, k);
      return false;
    }
    return fastContains(f.refused, offer) ?? containsResources(f.refused, offer);
  }

  /** REVIVE: removes the framework's filters for `roles` (all roles when undefined). */
  clearFramework(frameworkId: string, roles?: readonly string[]): void {
    const filters = this.byFramework.get(frameworkId);
    if (!filters) return;
    if (roles === undefined) {
      this.byFramework.delete(frameworkId);
      return;
    }
    const wanted = new Set(roles);
    for (const [k, f] of filters) if (wanted.has(f.role)) this.drop(frameworkId, filters, k);
  }

  /** Removes every filter on `agentId` (agent removed). */
  clearAgent(agentId: string): void {
    for (const [fw, filters] of [...this.byFramework]) {
      for (const [k, f] of filters) if (f.agentId === agentId) this.drop(fw, filters, k);
    }
  }

  /** Drops every filter expired at `now`. */
  sweep(now: number): void {
    if (this.earliest === undefined || now < this.earliest) return;
    let next: number | undefined;
    for (const [fw, filters] of [...this.byFramework]) {
      for (const [k, f] of filters) {
        if (now >= f.expiresAt) this.drop(fw, filters, k);
        else if (next === undefined || f.expiresAt < next) next = f.expiresAt;
      }
    }
    this.earliest = next;
  }

  /** Earliest expiry (ms) of the installed filters (or a bit earlier), or undefined if there are none. */
  nextExpiry(): number | undefined {
    // May be earlier than the true earliest (a filter was replaced or dropped
    // since): the caller's pass at that time sweeps and makes it exact again.
    return this.byFramework.size === 0 ? undefined : this.earliest;
  }

  /** All filters sorted by framework, role, agent. */
  list(): OfferFilter[] {
    const all: OfferFilter[] = [];
    for (const filters of this.byFramework.values()) all.push(...filters.values());
    return all.sort((a, b) => cmp(a.frameworkId, b.frameworkId) || cmp(a.role, b.role) || cmp(a.agentId, b.agentId));
  }

  private drop(frameworkId: string, filters: Map<string, OfferFilter>, k: string): void {
    filters.delete(k);
    if (filters.size === 0) this.byFramework.delete(frameworkId);
  }
}

function key(role: string, agentId: string): string {
  return `${role}\0${agentId}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Offer-matching statistics per app, for `/v2/queue`
 * (`processedOffersSummary`, `lastUnusedOffers`): how many offers were looked
 * at, how many were not used and why, over the whole queue life and over the
 * last offers. Pure apart from holding its counters; times are passed in.
 */
import type { Attribute, Resource } from '../mesos/types.js';
import type { RejectReason } from './offer-matching.js';

/** The reasons `rejectSummary*` always lists, in Marathon's order. */
export const REJECT_REASONS: readonly RejectReason[] = [
  'UnfulfilledRole',
  'UnfulfilledConstraint',
  'AgentMaintenance',
  'InsufficientCpus',
  'InsufficientMemory',
  'InsufficientDisk',
  'InsufficientGpus',
  'InsufficientPorts',
];

/** How many recent offers the per-reason summary and `lastUnusedOffers` cover. */
export const LAST_OFFERS = 10;

/** One offer that was not used, with why. */
export interface UnusedOffer {
  offer: { id: string; agentId: string; hostname: string; resources: Resource[]; attributes: Attribute[] };
  timestamp: number;
  reason: RejectReason[];
  /** Our addition: which constraint or resource, in words (`constraint hostname:UNIQUE`). */
  detail: string;
}

/** Counters of one app's offer matching. */
export class OfferStats {
  processed = 0;
  unused = 0;
  lastUsedAt?: number;
  lastUnusedAt?: number;
  /** The last LAST_OFFERS outcomes: reasons for unused offers, `[]` for used ones. */
  private readonly recent: RejectReason[][] = [];
  private readonly unusedOffers: UnusedOffer[] = [];

  /** An offer was used for at least one instance. */
  used(now: number): void {
    this.processed++;
    this.lastUsedAt = now;
    this.push([]);
  }

  /** An offer could not be used. */
  rejected(unused: UnusedOffer): void {
    this.processed++;
    this.unused++;
    this.lastUnusedAt = unused.timestamp;
    this.push(unused.reason);
    this.unusedOffers.push(unused);
    if (this.unusedOffers.length > LAST_OFFERS) this.unusedOffers.shift();
  }

  private push(reasons: RejectReason[]): void {
    this.recent.push(reasons);
    if (this.recent.length > LAST_OFFERS) this.recent.shift();
  }

  /** `rejectSummaryLastOffers`: per reason, offers declined for it among the last ones. */
  rejectSummary(): Array<{ reason: RejectReason; declined: number; processed: number }> {
    return REJECT_REASONS.map((reason) => ({
      reason,
      declined: this.recent.filter((r) => r.includes(reason)).length,
      processed: this.recent.length,
    }));
  }

  /** The last unused offers, oldest first. */
  lastUnused(): readonly UnusedOffer[] {
    return this.unusedOffers;
  }
}

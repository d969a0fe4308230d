/**
 * When a fleet may open its link to the master again (fleet-link.ts).
 *
 * A link that was up and ended is reopened at once. A failed attempt waits a
 * short delay, so a master that refuses connections is not hammered. A newly
 * detected leader clears that wait. Mesos's agents register with a new leader
 * right away (after their `--registration_backoff_factor` jitter, 0 in the
 * failover bench), and so should a fleet. Before, the wait often came from an
 * attempt on the leader that had just died, and it held every agent of the
 * fleet back for up to half a second after the new leader could serve them.
 */

/** Wait after a failed attempt to open the link, ms. */
export const LINK_RETRY_MS = 500;

/** The link's reopening schedule, on an injected clock (ms). */
export class LinkRetry {
  private dueAt = 0;

  /**
   * @param now the clock, ms.
   * @param delayMs wait after a failed attempt, ms.
   */
  constructor(
    private readonly now: () => number,
    private readonly delayMs = LINK_RETRY_MS,
  ) {}

  /** The link ended: `wasUp` when it had been open (reopen at once), else an attempt failed (wait). */
  ended(wasUp: boolean): void {
    this.dueAt = this.now() + (wasUp ? 0 : this.delayMs);
  }

  /** A new leading master was detected: the next attempt, to it, may go at once. */
  leaderChanged(): void {
    this.dueAt = 0;
  }

  /** Whether an attempt may be made now. */
  due(): boolean {
    return this.now() >= this.dueAt;
  }
}

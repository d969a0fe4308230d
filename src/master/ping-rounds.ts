/**
 * Spreads the master's agent pings over the ping period instead of sending them
 * all at once. Mesos gives every agent its own ping timer (a SlaveObserver
 * started at registration), so pings to 50,000 agents are spread across the
 * `--agent_ping_timeout` period; one timer pinging every agent in one turn
 * stalled our master for ~300 ms every 15 s at that size (the master-scale
 * bench's p99 over 30 s), with the pongs coming back in one burst too.
 *
 * A round visits every agent once: it is a snapshot of the agents taken at its
 * start, visited a slice per tick over `slices` ticks. An agent that joins
 * during a round waits for the next one, as with one timer. Pure: no timers,
 * no clock; the caller ticks it `slices` times per ping period.
 */
export class PingRounds<T> {
  private round: T[] = [];
  private cursor = 0;
  private ticks = 0;

  /** @param slices ticks per round (≥ 1; 1 = everyone at once, the old behaviour). */
  constructor(readonly slices: number) {
    if (!Number.isInteger(slices) || slices < 1) throw new RangeError(`slices must be a positive integer, got ${slices}`);
  }

  /**
   * The items to visit on this tick. Every `slices` ticks a new round starts
   * from `current()`; each tick takes the next ceil(round / slices) of them, so
   * a round ends within its `slices` ticks.
   */
  next(current: () => Iterable<T>): T[] {
    if (this.ticks % this.slices === 0) {
      this.round = [...current()];
      this.cursor = 0;
    }
    this.ticks++;
    const size = Math.ceil(this.round.length / this.slices);
    const slice = this.round.slice(this.cursor, this.cursor + size);
    this.cursor += size;
    // Let go of the snapshot once visited: removed agents must not be kept alive by it.
    if (this.cursor >= this.round.length) this.round = [];
    return slice;
  }
}

/** Ping ticks per period: one every ~100 ms, at least one. */
export function pingSlices(periodMs: number): number {
  return Math.max(1, Math.round(periodMs / 100));
}

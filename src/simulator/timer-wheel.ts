/**
 * A hashed timer wheel (Varghese & Lauck): one shared structure holds every
 * deadline of every simulated agent and task, so a process with tens of
 * thousands of agents arms a single real timer instead of one per agent.
 *
 * Pure: time is a parameter (milliseconds, any epoch). `schedule` is O(1),
 * `advance` visits only the buckets of the ticks that passed (at most one full
 * turn), so its cost is proportional to the entries due plus the entries that
 * share their buckets with a later turn.
 *
 * There is no cancel: callers keep the authoritative deadline on their own
 * object and ignore a fired entry that is no longer due (lazy cancellation),
 * which costs nothing until the stale entry's time comes.
 */

/** One bucket: deadlines and items in parallel arrays (no per-entry object). */
interface Bucket<T> {
  at: number[];
  items: T[];
}

/** Deadlines of items of type `T`, fired by `advance(now)`. */
export class TimerWheel<T> {
  private readonly buckets: Bucket<T>[];
  /** Ticks up to and including this one hold nothing due any more. */
  private processedTick: number;
  private count = 0;

  /**
   * @param tickMs width of one bucket in ms (resolution of the wheel; > 0)
   * @param slots buckets in one turn; deadlines further than `tickMs × slots`
   *   ahead wait in their bucket for later turns
   * @param startMs the current time; deadlines at or before it fire on the next `advance`
   * @throws Error if `tickMs` or `slots` is not positive
   */
  constructor(
    private readonly tickMs: number,
    private readonly slots: number,
    startMs: number,
  ) {
    if (!(tickMs > 0) || !(slots > 0) || !Number.isInteger(slots)) throw new Error(`invalid wheel: tick ${tickMs} ms, ${slots} slots`);
    this.buckets = Array.from({ length: slots }, () => ({ at: [], items: [] }));
    this.processedTick = Math.floor(startMs / tickMs) - 1;
  }

  /** Entries scheduled and not yet fired (stale ones included). */
  get size(): number {
    return this.count;
  }

  /** Fires `item` at the first `advance(now)` with `now >= atMs`. */
  schedule(atMs: number, item: T): void {
    const tick = Math.max(Math.floor(atMs / this.tickMs), this.processedTick + 1);
    const bucket = this.buckets[tick % this.slots]!;
    bucket.at.push(atMs);
    bucket.items.push(item);
    this.count++;
  }

  /**
   * Removes and returns every item whose deadline is `<= nowMs`, earliest
   * first (ties in scheduling order). A `nowMs` earlier than a previous call
   * fires nothing new.
   */
  advance(nowMs: number): T[] {
    const nowTick = Math.floor(nowMs / this.tickMs);
    if (nowTick <= this.processedTick) return [];
    const fired: Array<{ at: number; seq: number; item: T }> = [];
    const turns = Math.min(nowTick - this.processedTick, this.slots);
    for (let i = 0; i < turns; i++) {
      const bucket = this.buckets[(nowTick - i) % this.slots]!;
      if (bucket.at.length === 0) continue;
      let kept = 0;
      for (let j = 0; j < bucket.at.length; j++) {
        const at = bucket.at[j]!;
        const item = bucket.items[j]!;
        if (at <= nowMs) {
          fired.push({ at, seq: fired.length, item });
        } else {
          bucket.at[kept] = at;
          bucket.items[kept] = item;
          kept++;
        }
      }
      bucket.at.length = kept;
      bucket.items.length = kept;
    }
    // The current tick's bucket may still hold entries later within the tick.
    this.processedTick = nowTick - 1;
    this.count -= fired.length;
    if (fired.length > 1) fired.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return fired.map((f) => f.item);
  }
}

/**
 * Deferred flushing once per event-loop turn: items marked during a turn have
 * their `flush()` run together after it, from one `setImmediate`, in the order
 * they were marked. Event streams (this directory's EventStream, the master's
 * in-process agent channel) queue what they send and write it this way, so a
 * turn that sends many events to one subscriber costs one write.
 */

/** Something with pending output to write at the end of the turn. */
export interface Flushable {
  flush(): void;
}

/** One queue of marked items; callers mark an item once per turn (they track whether it is queued). */
export class TurnFlusher<T extends Flushable> {
  private marked: T[] = [];
  private scheduled = false;

  /** Queues `item` for this turn's flush. */
  mark(item: T): void {
    this.marked.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flushAll());
  }

  private flushAll(): void {
    this.scheduled = false;
    const batch = this.marked;
    this.marked = [];
    for (const item of batch) item.flush();
  }
}

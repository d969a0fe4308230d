/**
 * Work deferred to the end of the event-loop turn: items queued during a turn
 * are handed together, in the order queued, to one handler run from one
 * `setImmediate`. Event streams (this directory's EventStream, the master's
 * in-process agent channel) queue themselves when they have output, so a turn
 * that sends many events to one subscriber costs one write; the simulator's
 * agent link queues its agents' calls, so a turn's calls go in one BATCH;
 * coalesced-answers.ts queues a connection's answers, so they go in one write;
 * turn-cork.ts queues the sockets whose cork it holds for the turn.
 */

/** One queue; the handler gets each turn's items as one array (never empty). */
export class TurnQueue<T> {
  private queued: T[] = [];
  private scheduled = false;

  /** @param handle called once per turn with what was queued during it. */
  constructor(private readonly handle: (items: T[]) => void) {}

  /** Queues `item` for this turn's batch (callers that want an item once per turn track that themselves). */
  push(item: T): void {
    this.queued.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  /** Hands what is queued to the handler now (nothing happens when nothing is); the turn's run then finds less or nothing. */
  flush(): void {
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    this.handle(batch);
  }

  private run(): void {
    this.scheduled = false;
    this.flush();
  }
}

/** A TurnQueue whose items are flushed one by one: for streams that queue themselves when they have output. */
export function turnFlusher<T extends { flush(): void }>(): TurnQueue<T> {
  return new TurnQueue<T>((items) => {
    for (const item of items) item.flush();
  });
}

/**
 * Marathon's event bus: every event (§2.7 of the reference) is a JSON object
 * with `eventType` and `timestamp`; `/v2/events` subscribers and internal
 * listeners receive them in publication order. Listeners must not throw; a
 * throwing listener is removed so one bad SSE client cannot stop the others.
 */

/** One event as sent on `/v2/events`. */
export interface MarathonEvent {
  eventType: string;
  timestamp: string;
  [field: string]: unknown;
}

/** Fan-out of events to listeners. */
export class EventBus {
  private readonly listeners = new Set<(event: MarathonEvent) => void>();

  /** `now` gives the ISO timestamp stamped on each event. */
  constructor(private readonly now: () => number) {}

  /** Publishes `eventType` with `fields`; returns the event. */
  publish(eventType: string, fields: Record<string, unknown> = {}): MarathonEvent {
    const event: MarathonEvent = { ...fields, eventType, timestamp: new Date(this.now()).toISOString() };
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        this.listeners.delete(listener);
      }
    }
    return event;
  }

  /** Adds a listener; returns the function removing it. */
  subscribe(listener: (event: MarathonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Number of listeners (SSE clients and internal ones). */
  get size(): number {
    return this.listeners.size;
  }
}

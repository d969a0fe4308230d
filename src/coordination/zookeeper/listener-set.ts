/**
 * A typed set of listeners for one event. The coordination layer cannot use the
 * scheduler library's `Listeners` (the scheduler imports coordination, not the
 * other way round), and node's EventEmitter would turn an `error`-named event
 * into a crash.
 */
export class ListenerSet<A extends unknown[]> {
  private readonly listeners: Array<(...args: A) => void> = [];

  /** Adds `listener`; returns a function that removes it (idempotent). */
  add(listener: (...args: A) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** Calls every listener in registration order with `args`. A throwing listener propagates to the emitter. */
  emit(...args: A): void {
    for (const listener of [...this.listeners]) listener(...args);
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.length = 0;
  }
}

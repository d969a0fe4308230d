/**
 * A small typed listener registry. Unlike node's EventEmitter, an `error` event
 * here is an ordinary event (a framework ERROR from the master is data, not a
 * crash), and listeners are called in registration order.
 */

/** Map from event name to the listener's argument tuple. */
export type EventMap = { [name: string]: unknown[] };

/** Registry of listeners keyed by event name; a listener that throws propagates to the emitter's caller. */
export class Listeners<E extends EventMap> {
  private readonly byName = new Map<keyof E, Array<(...args: unknown[]) => void>>();

  /** Adds `listener` for `name`; returns a function that removes it. */
  on<K extends keyof E>(name: K, listener: (...args: E[K]) => void): () => void {
    const list = this.byName.get(name) ?? [];
    list.push(listener as unknown as (...args: unknown[]) => void);
    this.byName.set(name, list);
    return () => {
      const current = this.byName.get(name);
      if (!current) return;
      const index = current.indexOf(listener as unknown as (...args: unknown[]) => void);
      if (index >= 0) current.splice(index, 1);
    };
  }

  /** Calls every listener of `name` with `args`; returns how many were called. */
  emit<K extends keyof E>(name: K, ...args: E[K]): number {
    const list = this.byName.get(name);
    if (!list || list.length === 0) return 0;
    for (const listener of [...list]) listener(...(args as unknown[]));
    return list.length;
  }

  /** Number of listeners of `name`. */
  count(name: keyof E): number {
    return this.byName.get(name)?.length ?? 0;
  }
}

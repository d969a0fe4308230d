/**
 * A page's copy of a server: polls it every `pollMs` and publishes immutable
 * snapshots to subscribers (pages re-render through `useStore`). A failed
 * poll keeps the last data and sets `error`; the next success clears it.
 * The Marathon and Chronos pages each have one.
 */

/** What every polled snapshot carries besides its data. */
export interface PolledState {
  /** Set while the server does not answer; the pages keep the last data. */
  error?: string;
  /** True until the first poll ends either way. */
  loading: boolean;
  /** Epoch seconds of the last successful poll. */
  updatedAt?: number;
}

/** See the module comment; subclasses say what one poll fetches. */
export abstract class PollingStore<S extends PolledState> {
  private snapshot: S;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  /** @param pollMs milliseconds between the end of one poll and the next. */
  protected constructor(initial: S, private readonly pollMs: number) {
    this.snapshot = initial;
  }

  /** One poll: the data part of the next snapshot. Throws when the server does not answer. */
  protected abstract poll(current: S): Promise<Partial<S>>;

  /** The current snapshot (replaced on change). */
  get current(): S {
    return this.snapshot;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts polling now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  /** Polls at once (after an action). */
  refresh(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    void this.tick();
  }

  private async tick(): Promise<void> {
    try {
      const data = await this.poll(this.snapshot);
      this.publish({ ...data, error: undefined, loading: false, updatedAt: Date.now() / 1000 });
    } catch (error) {
      this.publish({ error: (error as Error).message, loading: false } as Partial<S>);
    } finally {
      if (this.running) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.tick(), this.pollMs);
      }
    }
  }

  private publish(change: Partial<S>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

/**
 * The browser's copy of Marathon: polls `/v2/apps` (with counts and
 * deployments), `/v2/deployments`, `/v2/queue` and `/v2/info` on the Marathon
 * that served the page, every two seconds; pages subscribe.
 */
import { getJson } from '../lib/http.js';
import type { Deployment, MarathonApp, MarathonInfo, QueueItem } from './marathon-types.js';

const POLL_MS = 2000;

/** What the Marathon pages read. */
export interface MarathonSnapshot {
  apps?: MarathonApp[];
  deployments?: Deployment[];
  queue?: QueueItem[];
  info?: MarathonInfo;
  /** Set while Marathon does not answer; the pages keep the last data. */
  error?: string;
  loading: boolean;
  /** Epoch seconds of the last successful poll. */
  updatedAt?: number;
}

/** Polls Marathon and publishes snapshots. One per page. */
export class MarathonStore {
  private snapshot: MarathonSnapshot = { loading: true };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  /** The current snapshot (replaced on change). */
  get current(): MarathonSnapshot {
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
      const [apps, deployments, queue, info] = await Promise.all([
        getJson<{ apps: MarathonApp[] }>('/v2/apps?embed=apps.counts&embed=apps.deployments'),
        getJson<Deployment[]>('/v2/deployments'),
        getJson<{ queue: QueueItem[] }>('/v2/queue'),
        this.snapshot.info && Date.now() / 1000 - (this.snapshot.updatedAt ?? 0) < 30 ? Promise.resolve(this.snapshot.info) : getJson<MarathonInfo>('/v2/info'),
      ]);
      this.publish({ apps: apps.apps, deployments, queue: queue.queue, info, error: undefined, loading: false, updatedAt: Date.now() / 1000 });
    } catch (error) {
      this.publish({ error: (error as Error).message, loading: false });
    } finally {
      if (this.running) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.tick(), POLL_MS);
      }
    }
  }

  private publish(change: Partial<MarathonSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

/**
 * The browser's copy of Chronos: polls `/v1/scheduler/jobs`,
 * `/jobs/summary`, `/graph/csv` and Meseta's `/master` on the Chronos that
 * served the page, every two seconds; pages subscribe. A standby Chronos
 * relays these to its leader, so any instance's page shows the same.
 */
import { getJson, HttpError } from '../lib/http.js';
import type { ChronosJob, JobSummary, MasterLink } from './chronos-types.js';
import { parseGraphCsv, type Graph } from './graph-layout.js';
import { API } from './job-form.js';

const POLL_MS = 2000;

/** What the Chronos pages read. */
export interface ChronosSnapshot {
  jobs?: ChronosJob[];
  /** By job name. */
  summary?: Map<string, JobSummary>;
  graph?: Graph;
  master?: MasterLink;
  /** Set while Chronos does not answer; the pages keep the last data. */
  error?: string;
  loading: boolean;
  /** Epoch seconds of the last successful poll. */
  updatedAt?: number;
}

async function getText(url: string): Promise<string> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new HttpError(response.status, await response.text().catch(() => ''), url);
  return response.text();
}

/** Polls Chronos and publishes snapshots. One per page. */
export class ChronosStore {
  private snapshot: ChronosSnapshot = { loading: true };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  /** The current snapshot (replaced on change). */
  get current(): ChronosSnapshot {
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
      const [jobs, summary, csv, master] = await Promise.all([
        getJson<ChronosJob[]>(`${API}/jobs`),
        getJson<{ jobs: JobSummary[] }>(`${API}/jobs/summary`),
        getText(`${API}/graph/csv`),
        // Older Chronos servers lack /master: sandbox links are then left out.
        getJson<MasterLink>(`${API}/master`).catch(() => ({ master: null, frameworkId: null })),
      ]);
      this.publish({
        jobs: [...jobs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        summary: new Map(summary.jobs.map((s) => [s.name, s])),
        graph: parseGraphCsv(csv),
        master,
        error: undefined,
        loading: false,
        updatedAt: Date.now() / 1000,
      });
    } catch (error) {
      this.publish({ error: (error as Error).message, loading: false });
    } finally {
      if (this.running) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.tick(), POLL_MS);
      }
    }
  }

  private publish(change: Partial<ChronosSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

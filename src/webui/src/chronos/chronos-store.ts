/**
 * The browser's copy of Chronos: polls `/v1/scheduler/jobs`,
 * `/jobs/summary`, `/graph/csv` and Meseta's `/master` on the Chronos that
 * served the page, every two seconds; pages subscribe. A standby Chronos
 * relays these to its leader, so any instance's page shows the same.
 */
import { getJson, getText } from '../lib/http.js';
import { PollingStore, type PolledState } from '../lib/polling-store.js';
import type { ChronosJob, JobSummary, MasterLink } from './chronos-types.js';
import { parseGraphCsv, type Graph } from './graph-layout.js';
import { API } from './job-form.js';

const POLL_MS = 2000;

/** What the Chronos pages read. */
export interface ChronosSnapshot extends PolledState {
  jobs?: ChronosJob[];
  /** By job name. */
  summary?: Map<string, JobSummary>;
  graph?: Graph;
  master?: MasterLink;
}

/** Polls Chronos and publishes snapshots. One per page. */
export class ChronosStore extends PollingStore<ChronosSnapshot> {
  constructor() {
    super({ loading: true }, POLL_MS);
  }

  protected async poll(): Promise<Partial<ChronosSnapshot>> {
    const [jobs, summary, csv, master] = await Promise.all([
      getJson<ChronosJob[]>(`${API}/jobs`),
      getJson<{ jobs: JobSummary[] }>(`${API}/jobs/summary`),
      getText(`${API}/graph/csv`),
      // Older Chronos servers lack /master: sandbox links are then left out.
      getJson<MasterLink>(`${API}/master`).catch(() => ({ master: null, frameworkId: null })),
    ]);
    return {
      jobs: [...jobs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      summary: new Map(summary.jobs.map((s) => [s.name, s])),
      graph: parseGraphCsv(csv),
      master,
    };
  }
}

/**
 * The browser's copy of Marathon: polls `/v2/apps` (with counts and
 * deployments), `/v2/deployments`, `/v2/queue` and `/v2/info` on the Marathon
 * that served the page, every two seconds; pages subscribe.
 */
import { getJson } from '../lib/http.js';
import { PollingStore, type PolledState } from '../lib/polling-store.js';
import type { Deployment, MarathonApp, MarathonInfo, QueueItem } from './marathon-types.js';

const POLL_MS = 2000;

/** What the Marathon pages read. */
export interface MarathonSnapshot extends PolledState {
  apps?: MarathonApp[];
  deployments?: Deployment[];
  queue?: QueueItem[];
  info?: MarathonInfo;
}

/** Polls Marathon and publishes snapshots. One per page. */
export class MarathonStore extends PollingStore<MarathonSnapshot> {
  constructor() {
    super({ loading: true }, POLL_MS);
  }

  protected async poll(current: MarathonSnapshot): Promise<Partial<MarathonSnapshot>> {
    const [apps, deployments, queue, info] = await Promise.all([
      getJson<{ apps: MarathonApp[] }>('/v2/apps?embed=apps.counts&embed=apps.deployments'),
      getJson<Deployment[]>('/v2/deployments'),
      getJson<{ queue: QueueItem[] }>('/v2/queue'),
      // /v2/info changes rarely: every 30 s is enough.
      current.info && Date.now() / 1000 - (current.updatedAt ?? 0) < 30 ? Promise.resolve(current.info) : getJson<MarathonInfo>('/v2/info'),
    ]);
    return { apps: apps.apps, deployments, queue: queue.queue, info };
  }
}

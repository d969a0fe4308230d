/**
 * The browser's copy of the cluster: polls `/master/state` and
 * `/metrics/snapshot` on the master that served the page, decides leadership
 * from each answer, and keeps an hour of samples for the charts (cluster-wide,
 * and per agent while the cluster is small or the agent's page is open).
 * Pages subscribe and re-render on every change.
 */
import { appendSample, emptySeries, type Series } from '../lib/history.js';
import { getJson, jsonp } from '../lib/http.js';
import { leadershipOf, leaderUrlFromInfo, type Leadership } from './leadership.js';
import { pollIntervalMs, resourceRows, scalar, taskStateCounts } from './cluster-model.js';
import type { MasterState, MetricsSnapshot } from './state-types.js';

/** Series the overview charts: utilisation shares (0–1) and task counts. */
export const CLUSTER_SERIES = ['cpus', 'mem', 'disk', 'gpus', 'running', 'staging', 'starting', 'killing', 'finished', 'failed'] as const;
/** One of `CLUSTER_SERIES`. */
export type ClusterSeriesName = (typeof CLUSTER_SERIES)[number];
/** Per-agent series: used cpus (count) and mem (MB), and the agent's totals. */
export const AGENT_SERIES = ['cpus_used', 'cpus_total', 'mem_used', 'mem_total', 'disk_used', 'disk_total'] as const;
/** One of `AGENT_SERIES`. */
export type AgentSeriesName = (typeof AGENT_SERIES)[number];

/** Clusters up to this many agents get a history for every agent; larger ones only for agents being looked at. */
const AGENT_HISTORY_LIMIT = 100;
/** How long a follower trusts the leader address it looked up, ms. */
const LEADER_LOOKUP_PERIOD_MS = 30_000;

/** What the pages read. */
export interface ClusterSnapshot {
  state?: MasterState;
  metrics?: MetricsSnapshot;
  leadership: Leadership;
  /** Epoch seconds of the last successful poll. */
  updatedAt?: number;
  /** True until the first poll finished. */
  loading: boolean;
  history: Series<ClusterSeriesName>;
  agentHistory: Map<string, Series<AgentSeriesName>>;
}

/** Polls the master and publishes snapshots. One per page. */
export class ClusterStore {
  private snapshot: ClusterSnapshot = {
    leadership: { kind: 'leader' },
    loading: true,
    history: emptySeries(CLUSTER_SERIES),
    agentHistory: new Map(),
  };
  private readonly listeners = new Set<() => void>();
  private readonly watched = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private leaderLookedUpAt = 0;

  /** @param base URL prefix of the master ('' for the page's own origin). */
  constructor(private readonly base = '') {}

  /** The current snapshot (replaced, never mutated, on change). */
  get current(): ClusterSnapshot {
    return this.snapshot;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps a history for `agentId` while its page is open, whatever the cluster size; returns the release function. */
  watchAgent(agentId: string): () => void {
    this.watched.set(agentId, (this.watched.get(agentId) ?? 0) + 1);
    return () => {
      const n = (this.watched.get(agentId) ?? 1) - 1;
      if (n <= 0) this.watched.delete(agentId);
      else this.watched.set(agentId, n);
    };
  }

  /** Starts polling now. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.tick();
  }

  /** Stops polling. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Polls at once (after an action, or the user's "refresh"). */
  refresh(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    void this.tick();
  }

  private async tick(): Promise<void> {
    try {
      await this.poll();
    } finally {
      if (!this.stopped) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.tick(), pollIntervalMs(this.snapshot.state?.slaves?.length ?? 0));
      }
    }
  }

  private async poll(): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/master/state`, { redirect: 'manual', cache: 'no-store' });
    } catch (error) {
      this.publish({ leadership: leadershipOf({ status: 0, error: (error as Error).message }), loading: false });
      return;
    }
    const body = response.ok ? undefined : await response.text().catch(() => '');
    const leadership = leadershipOf(
      { status: response.status, type: response.type, location: response.headers.get('Location'), body },
      location.protocol,
    );
    if (leadership.kind !== 'leader') {
      this.publish({ leadership: await this.withLeaderAddress(leadership), loading: false });
      return;
    }
    let state: MasterState;
    let metrics: MetricsSnapshot | undefined;
    try {
      state = (await response.json()) as MasterState;
      metrics = await getJson<MetricsSnapshot>(`${this.base}/metrics/snapshot`).catch(() => undefined);
    } catch (error) {
      this.publish({ leadership: { kind: 'unreachable', message: (error as Error).message }, loading: false });
      return;
    }
    const now = Date.now() / 1000;
    this.publish({
      state,
      metrics,
      leadership,
      loading: false,
      updatedAt: now,
      history: appendSample(this.snapshot.history, now, clusterSample(state, metrics)),
      agentHistory: this.agentHistories(state, now),
    });
  }

  /** A follower's banner names the leader when its state can be loaded as JSONP through the redirect. */
  private async withLeaderAddress(leadership: Leadership): Promise<Leadership> {
    if (leadership.kind !== 'follower' || leadership.leaderUrl) return leadership;
    const previous = this.snapshot.leadership;
    // The leader's whole state is a large read: look it up again only every half minute.
    if (previous.kind === 'follower' && previous.leaderUrl && Date.now() - this.leaderLookedUpAt < LEADER_LOOKUP_PERIOD_MS) return previous;
    try {
      const leaderState = await jsonp<MasterState>(`${this.base}/master/state`, 4000);
      const leaderUrl = leaderUrlFromInfo(leaderState.leader_info, location.protocol);
      this.leaderLookedUpAt = Date.now();
      return leaderUrl ? { kind: 'follower', leaderUrl } : leadership;
    } catch {
      return leadership;
    }
  }

  private agentHistories(state: MasterState, now: number): Map<string, Series<AgentSeriesName>> {
    const agents = state.slaves ?? [];
    const all = agents.length <= AGENT_HISTORY_LIMIT;
    const next = new Map<string, Series<AgentSeriesName>>();
    for (const agent of agents) {
      if (!all && !this.watched.has(agent.id)) continue;
      const previous = this.snapshot.agentHistory.get(agent.id) ?? emptySeries(AGENT_SERIES);
      next.set(
        agent.id,
        appendSample(previous, now, {
          cpus_used: scalar(agent.used_resources, 'cpus'),
          cpus_total: scalar(agent.resources, 'cpus'),
          mem_used: scalar(agent.used_resources, 'mem'),
          mem_total: scalar(agent.resources, 'mem'),
          disk_used: scalar(agent.used_resources, 'disk'),
          disk_total: scalar(agent.resources, 'disk'),
        }),
      );
    }
    return next;
  }

  private publish(change: Partial<ClusterSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

/** One overview sample: used shares per resource (NaN when the cluster has none) and task counts. */
export function clusterSample(state: MasterState | undefined, metrics: MetricsSnapshot | undefined): Partial<Record<ClusterSeriesName, number>> {
  const sample: Partial<Record<ClusterSeriesName, number>> = {};
  for (const row of resourceRows(metrics, state)) sample[row.name] = row.total > 0 ? row.used / row.total : NaN;
  for (const { state: taskState, count } of taskStateCounts(metrics)) {
    const key = taskState.slice(5).toLowerCase();
    if ((CLUSTER_SERIES as readonly string[]).includes(key)) sample[key as ClusterSeriesName] = count;
  }
  return sample;
}

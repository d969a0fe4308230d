/**
 * The master's record of one agent: its AgentInfo, its channel stream, its
 * resources and the tasks it runs, and ping bookkeeping.
 */
import type { AgentStream } from './agent-link.js';
import type { AgentInfo, ExecutorInfo, Offer, Resource, URL } from '../mesos/types.js';
import type { AgentEvent } from '../mesos/agent-protocol.js';
import { AgentTasks } from './agent-tasks.js';
import { summarizeResources } from '../mesos/resources.js';

export type AgentConnectionState = 'connected' | 'disconnected' | 'unreachable';

export class AgentRecord {
  /** The agent's own stream, or its channel on a link. */
  stream?: AgentStream;
  state: AgentConnectionState = 'connected';
  readonly registeredTime: number;
  reregisteredTime?: number;
  /** Tasks here, by framework id and task id. */
  readonly tasks = new AgentTasks();
  /**
   * Outstanding offers of this agent's resources, by offer id (absent while
   * there are none: a master with 50,000 agents keeps no 50,000 empty maps).
   */
  offers?: Map<string, Offer>;
  /** Custom executors running here, by `<frameworkId>/<executorId>`, with their resources. */
  readonly executors = new Map<string, { frameworkId: string; info: ExecutorInfo; role: string }>();
  /** Consecutive pings left unanswered. */
  missedPings = 0;
  pongPending = false;
  pingTimer?: NodeJS.Timeout;

  /**
   * @param info AgentInfo with its id.
   * @param pid `slave(1)@ip:port`.
   * @param nowSecs registration time, seconds since the epoch.
   */
  constructor(
    readonly id: string,
    public info: AgentInfo & { id: { value: string } },
    public pid: string,
    public version: string,
    nowSecs: number,
  ) {
    this.registeredTime = nowSecs;
  }

  get total(): Resource[] {
    return this.info.resources ?? [];
  }

  private summary?: { of: Resource[]; value: Record<string, number | string> };

  /**
   * `summarizeResources(total)`, computed once per AgentInfo (the classic
   * endpoints print it twice for every agent on every request). Read-only.
   */
  get totalSummary(): Record<string, number | string> {
    const total = this.total;
    if (this.summary?.of !== total) this.summary = { of: total, value: summarizeResources(total) };
    return this.summary.value;
  }

  get active(): boolean {
    return this.state === 'connected';
  }

  /** Sends an event on the channel; dropped when disconnected (the agent resyncs on reregistration). */
  send(event: AgentEvent): void {
    this.stream?.send(event);
  }

  /** `ip:port` parsed from the pid. */
  get endpoint(): string {
    return this.pid.slice(this.pid.indexOf('@') + 1);
  }

  private cachedOfferUrl?: { info: AgentInfo; pid: string; url: URL };

  /**
   * `Offer.url` for offers of this agent (`http://<ip>:<port>/slave(1)`, as
   * Mesos's). One object shared by all of them, and rebuilt only when `info` or
   * `pid` change (reregistration): offers die old (they wait seconds for an
   * ACCEPT), so a copy per offer was old-generation garbage at every launch.
   * Read-only for callers.
   */
  offerUrl(): URL {
    const cached = this.cachedOfferUrl;
    if (cached && cached.info === this.info && cached.pid === this.pid) return cached.url;
    const url: URL = {
      scheme: 'http',
      address: { hostname: this.info.hostname, ip: this.endpoint.split(':')[0], port: this.info.port ?? 5051 },
      path: '/slave(1)',
    };
    this.cachedOfferUrl = { info: this.info, pid: this.pid, url };
    return url;
  }
}

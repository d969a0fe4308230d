/**
 * The master's record of one framework: its FrameworkInfo, its subscription
 * stream, its outstanding offers and its tasks (active, unreachable, completed).
 */
import type { EventStream } from '../transport/event-stream.js';
import type { ExecutorInfo, FrameworkInfo, Offer, Resource } from '../mesos/types.js';
import { normalizeResources } from '../mesos/resources.js';
import { isTerminalState } from '../mesos/task-states.js';
import type { MasterTask } from './task.js';

/** Roles a FrameworkInfo subscribes with: `roles` (MULTI_ROLE) or `[role ?? '*']`. */
export function frameworkRoles(info: FrameworkInfo): string[] {
  if (hasCapability(info, 'MULTI_ROLE')) return info.roles ?? [];
  return [info.role ?? '*'];
}

/** True if the FrameworkInfo lists capability `type`. */
export function hasCapability(info: FrameworkInfo, type: string): boolean {
  return (info.capabilities ?? []).some((c) => c.type === type);
}

export class FrameworkRecord {
  stream?: EventStream;
  /** Connected = has a live subscription stream. Active = connected and not deactivated. */
  connected = false;
  active = false;
  readonly registeredTime: number;
  reregisteredTime?: number;
  unregisteredTime?: number;
  readonly tasks = new Map<string, MasterTask>();
  readonly unreachableTasks = new Map<string, MasterTask>();
  readonly completedTasks: MasterTask[] = [];
  readonly offers = new Map<string, Offer>();
  /** Custom executors by agent id, then executor id. */
  readonly executors = new Map<string, Map<string, ExecutorInfo>>();
  failoverTimer?: NodeJS.Timeout;
  heartbeatTimer?: NodeJS.Timeout;
  suppressedRoles = new Set<string>();
  /** Set when known only from a reregistering agent, until the scheduler resubscribes. */
  recovered = false;

  /** `nowSecs`: registration time in seconds since the epoch. */
  constructor(
    readonly id: string,
    public info: FrameworkInfo & { id: { value: string } },
    nowSecs: number,
  ) {
    this.registeredTime = nowSecs;
  }

  get roles(): string[] {
    return frameworkRoles(this.info);
  }

  get partitionAware(): boolean {
    return hasCapability(this.info, 'PARTITION_AWARE');
  }

  /** Failover timeout in ms (FrameworkInfo.failover_timeout seconds, default 0). */
  get failoverTimeoutMs(): number {
    return Math.max(0, (this.info.failover_timeout ?? 0) * 1000);
  }

  /** Sends an event if subscribed; dropped otherwise (the agent retries updates). */
  send(event: unknown): void {
    this.stream?.send(event);
  }

  /**
   * Resources of its live tasks, normalized once over all of them: a running
   * total re-normalized per task grew quadratic with port ranges (each task's
   * port one more range to coalesce). `/master/state` `used_resources`, v1
   * `allocated_resources`.
   */
  usedResources(): Resource[] {
    const lists: Resource[][] = [];
    for (const task of this.tasks.values()) if (!isTerminalState(task.state)) lists.push(task.resources);
    return normalizeResources(lists.flat());
  }

  /** Resources of its outstanding offers, normalized (`offered_resources`). */
  offeredResources(): Resource[] {
    return normalizeResources([...this.offers.values()].flatMap((offer) => offer.resources));
  }

  /** Keeps at most `max` completed tasks, dropping the oldest. */
  addCompleted(task: MasterTask, max: number): void {
    this.completedTasks.push(task);
    if (this.completedTasks.length > max) this.completedTasks.splice(0, this.completedTasks.length - max);
  }
}

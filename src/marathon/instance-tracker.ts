/**
 * The life of instances: scheduled → launched (Staging) → Running → terminal,
 * then replaced (goal Running) or forgotten (goal Decommissioned). Applies
 * Mesos status updates, grows launch delays on failures, records
 * `lastTaskFailure`, and publishes `status_update_event` and
 * `instance_changed_event`. The only writer of instances in MarathonState.
 */
import type { TaskStatus } from '../mesos/types.js';
import type { AppDefinition } from './app-definition.js';
import type { EventBus } from './event-bus.js';
import {
  conditionOf,
  countsAsFailure,
  instanceIdOfTask,
  isActive,
  isTerminalCondition,
  newInstanceId,
  type Condition,
  type Instance,
  type InstanceTask,
} from './instance.js';
import { delayAfterFailure, restampDelay } from './launch-delay.js';
import type { MarathonState } from './marathon-state.js';
import { safeId } from './path-id.js';

/** What an update did, for the callers that react (health checks, deployments, kills). */
export interface UpdateOutcome {
  /** The instance after the update (absent when it was forgotten). */
  instance?: Instance;
  previous: Condition;
  /** The task is gone for good. */
  terminal: boolean;
  /** The update belongs to no current task of ours: kill it if it still runs. */
  unknown: boolean;
  /** The instance was put back in the launch queue. */
  rescheduled: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Instance bookkeeping over MarathonState. */
export class InstanceTracker {
  constructor(
    private readonly state: MarathonState,
    private readonly events: EventBus,
    private readonly now: () => number,
    private readonly uuid: () => string,
  ) {}

  /** Instances waiting for an offer (goal Running, Scheduled), oldest first. */
  scheduled(): Instance[] {
    return [...this.state.instances.values()]
      .filter((i) => i.goal === 'Running' && i.condition === 'Scheduled')
      .sort((a, b) => a.scheduledAt - b.scheduledAt || (a.instanceId < b.instanceId ? -1 : 1));
  }

  /** Adds `count` instances of `app` to the launch queue. */
  schedule(app: AppDefinition, count: number): Instance[] {
    const out: Instance[] = [];
    for (let k = 0; k < count; k++) {
      const instance: Instance = {
        instanceId: newInstanceId(safeId(app.id), this.uuid()),
        appId: app.id,
        runSpecVersion: app.version,
        configVersion: app.versionInfo.lastConfigChangeAt,
        goal: 'Running',
        condition: 'Scheduled',
        incarnation: 0,
        scheduledAt: this.now(),
      };
      this.state.putInstance(instance);
      out.push(instance);
    }
    return out;
  }

  /**
   * Sets the goal to Decommissioned. Returns true when the instance has a live
   * task the caller must kill; never-launched instances are forgotten at once.
   */
  decommission(instance: Instance): boolean {
    if (!isActive(instance)) {
      this.state.removeInstance(instance.instanceId);
      return false;
    }
    this.state.putInstance({ ...instance, goal: 'Decommissioned' });
    return true;
  }

  /** Records that `instance` was launched as `task` with `app`. */
  launched(instance: Instance, app: AppDefinition, task: InstanceTask): Instance {
    const next: Instance = {
      ...instance,
      runSpecVersion: app.version,
      configVersion: app.versionInfo.lastConfigChangeAt,
      incarnation: instance.incarnation + 1,
      condition: 'Provisioned',
      task,
    };
    this.state.putInstance(next);
    return next;
  }

  /** A launch never reached the master: back to the queue. */
  launchFailed(instance: Instance): void {
    const current = this.state.instances.get(instance.instanceId);
    if (!current) return;
    const { task: _task, ...rest } = current;
    this.state.putInstance({ ...rest, condition: 'Scheduled', scheduledAt: this.now() });
  }

  /** Applies a Mesos status update. */
  update(status: TaskStatus): UpdateOutcome {
    const taskId = status.task_id.value;
    const instanceId = instanceIdOfTask(taskId);
    const instance = instanceId ? this.state.instances.get(instanceId) : undefined;
    const condition = conditionOf(status.state, status.reason);
    if (!instance || !instance.task || instance.task.taskId !== taskId) {
      return { previous: condition, terminal: isTerminalCondition(condition), unknown: true, rescheduled: false };
    }
    const now = this.now();
    const previous = instance.condition;
    // A reconciliation answer for a task already given up on must not make it
    // "freshly" unreachable again (it would be replaced twice).
    if (previous === 'UnreachableInactive' && condition === 'Unreachable') {
      return { instance, previous, terminal: false, unknown: false, rescheduled: false };
    }
    const app = this.state.apps.get(instance.appId);
    const task: InstanceTask = { ...instance.task, state: status.state };
    if (status.state === 'TASK_RUNNING' && task.startedAt === undefined) task.startedAt = now;
    if (status.healthy !== undefined) task.mesosHealthy = status.healthy;
    const ips = (status.container_status?.network_infos ?? []).flatMap((n) => n.ip_addresses ?? []);
    if (ips.length > 0) {
      task.ipAddresses = ips.filter((ip) => ip.ip_address).map((ip) => ({ ipAddress: ip.ip_address!, protocol: ip.protocol ?? 'IPv4' }));
    }
    let next: Instance = { ...instance, condition, task };
    this.publishStatus(next, status);
    if (condition !== previous) this.publishChanged(next);

    if (app && (condition === 'Staging' || condition === 'Running')) {
      const delay = this.state.delays.get(app.id);
      if (delay) this.state.delays.set(app.id, restampDelay(delay, now));
    }
    if (!isTerminalCondition(condition)) {
      this.state.putInstance(next);
      return { instance: next, previous, terminal: false, unknown: false, rescheduled: false };
    }
    if (app && countsAsFailure(condition)) {
      this.state.delays.set(app.id, delayAfterFailure(this.state.delays.get(app.id), app, now));
    }
    if (app && condition !== 'Killed' && condition !== 'Finished') {
      this.state.lastTaskFailures.set(app.id, {
        appId: app.id,
        host: task.host,
        message: status.message ?? '',
        state: status.state,
        taskId,
        timestamp: iso(now),
        version: instance.runSpecVersion,
        slaveId: task.agentId,
      });
    }
    if (instance.goal === 'Decommissioned' || !app) {
      this.state.removeInstance(instance.instanceId);
      return { previous, terminal: true, unknown: false, rescheduled: false };
    }
    // Replaced: the same instance relaunches with the app's current definition.
    const { task: _old, ...rest } = next;
    next = { ...rest, condition: 'Scheduled', scheduledAt: now, runSpecVersion: app.version, configVersion: app.versionInfo.lastConfigChangeAt };
    this.state.putInstance(next);
    return { instance: next, previous, terminal: true, unknown: false, rescheduled: true };
  }

  /** Marks an unreachable instance inactive: it is decommissioned and will be replaced. */
  markInactive(instance: Instance): void {
    const next: Instance = { ...instance, condition: 'UnreachableInactive', goal: 'Decommissioned' };
    this.state.putInstance(next);
    this.publishChanged(next);
  }

  /** Forgets an instance outright (expunged). */
  expunge(instance: Instance): void {
    this.state.removeInstance(instance.instanceId);
  }

  private publishStatus(instance: Instance, status: TaskStatus): void {
    const task = instance.task!;
    this.events.publish('status_update_event', {
      slaveId: task.agentId,
      taskId: task.taskId,
      taskStatus: status.state,
      message: status.message ?? '',
      appId: instance.appId,
      host: task.host,
      ipAddresses: task.ipAddresses,
      ports: task.hostPorts.filter((p): p is number => p !== undefined),
      version: instance.runSpecVersion,
    });
  }

  private publishChanged(instance: Instance): void {
    this.events.publish('instance_changed_event', {
      instanceId: instance.instanceId,
      condition: instance.condition,
      runSpecId: instance.appId,
      agentId: instance.task?.agentId ?? '',
      host: instance.task?.host ?? '',
      runSpecVersion: instance.runSpecVersion,
    });
  }
}

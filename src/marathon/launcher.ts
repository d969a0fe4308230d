/**
 * Marathon's Mesos side: one framework subscription (SchedulerClient, with
 * failover via the stored framework id), offers matched against the launch
 * queue, status updates applied to instances, kills (retried until the task
 * is terminal), reconciliation on every (re)subscription and periodically,
 * task launch timeouts, and the unreachable strategy.
 *
 *   offers ──► for each app with scheduled instances (not backed off):
 *              matchInstance (roles → resources → constraints → ports)
 *              ──► ACCEPT(LAUNCH tasks) or DECLINE(refuse_seconds)
 *   updates ──► InstanceTracker.update ──► replace / forget / kill unknown
 */
import type { Offer, TaskInfo, TaskStatus } from '../mesos/types.js';
import { SchedulerClient, type SubscribedInfo } from '../scheduler/scheduler-client.js';
import { createMasterDetector, type MasterDetector } from '../scheduler/master-detector.js';
import { Listeners } from '../scheduler/listeners.js';
import type { Logger } from '../logging/logger.js';
import type { AppDefinition } from './app-definition.js';
import type { PlacementSite } from './constraints.js';
import type { EventBus } from './event-bus.js';
import { isActive, taskIdOf, type Instance } from './instance.js';
import type { InstanceTracker, UpdateOutcome } from './instance-tracker.js';
import { isDelayed } from './launch-delay.js';
import type { MarathonState } from './marathon-state.js';
import { acceptedRoles, matchInstance } from './offer-matching.js';
import { OfferStats } from './offer-stats.js';
import { buildAppTask } from './task-factory.js';

/** Launcher settings (Marathon flag names in brackets; durations in ms). */
export interface LauncherOptions {
  /** `--master`: `host:port` or `zk://h1:2181,…/mesos` (the leading master's `json.info_` znode). */
  master: string;
  frameworkName: string;
  /** `--mesos_role`. */
  role: string;
  /** `--mesos_user`. */
  user: string;
  hostname: string;
  webuiUrl?: string;
  /** `--failover_timeout` (seconds; default one week). */
  failoverTimeoutSeconds: number;
  /** `--task_launch_timeout` (STAGING → RUNNING deadline). */
  taskLaunchTimeoutMs: number;
  /** `--max_instances_per_offer`. */
  maxInstancesPerOffer: number;
  /** `--decline_offer_duration` (offers declined while nothing is queued). */
  declineOfferDurationMs: number;
  /** `--reconciliation_interval`. */
  reconciliationIntervalMs: number;
  /** `--kill_retry_timeout`. */
  killRetryTimeoutMs: number;
  /** `--env_vars_prefix`. */
  envVarsPrefix?: string;
  /** `--default_accepted_resource_roles`. */
  defaultAcceptedRoles?: string[];
  logger: Logger;
  random: () => number;
}

/** Events of the launcher. */
export type LauncherEvents = {
  /** An instance changed through a status update. */
  instance: [outcome: UpdateOutcome];
  subscribed: [info: SubscribedInfo];
};

/** Refuse time for unused offers while instances wait (short, so placements are retried soon). */
const BUSY_REFUSE_SECONDS = 5;

/** The Mesos side of Marathon. */
export class Launcher {
  readonly stats = new Map<string, OfferStats>();
  private readonly listeners = new Listeners<LauncherEvents>();
  private client?: SchedulerClient;
  /** One detector for every subscription of this launcher (a zk:// one holds a session). */
  private detector?: MasterDetector;
  private readonly killRequestedAt = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private lastReconcile = 0;
  private reviveTimer?: NodeJS.Timeout;
  private lastRevive = 0;
  private stopped = false;
  private masterAddress?: string;

  constructor(
    private readonly state: MarathonState,
    private readonly tracker: InstanceTracker,
    private readonly events: EventBus,
    private readonly options: LauncherOptions,
    private readonly now: () => number,
  ) {}

  on<K extends keyof LauncherEvents>(name: K, listener: (...args: LauncherEvents[K]) => void): () => void {
    return this.listeners.on(name, listener);
  }

  /** True while subscribed to a master. */
  get connected(): boolean {
    return this.client?.state === 'subscribed';
  }

  /** `host:port` of the master we are subscribed to. */
  get master(): string | undefined {
    return this.masterAddress;
  }

  /**
   * Starts subscribing (returns at once; the subscription is retried until
   * stop()). Throws MasterSpecError for an unusable `--master`.
   */
  start(): void {
    this.detector = createMasterDetector(this.options.master);
    this.subscribe();
    this.timer = setInterval(() => this.periodic(), 1000);
    this.timer.unref();
  }

  /** Closes the subscription; the master keeps our tasks for the failover timeout. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reviveTimer) clearTimeout(this.reviveTimer);
    this.client?.close();
    this.detector?.close();
  }

  private subscribe(): void {
    const log = this.options.logger;
    if (!this.detector) return;
    const client = new SchedulerClient({
      detector: this.detector,
      autoAcknowledge: true,
      random: this.options.random,
      log: (level, message) => (level === 'info' ? log.info(message) : level === 'warning' ? log.warn(message) : log.error(message)),
    });
    this.client = client;
    client.on('subscribed', (info) => this.onSubscribed(info));
    client.on('offers', (offers) => void this.onOffers(offers));
    client.on('update', (status) => this.onUpdate(status));
    client.on('disconnected', () => this.events.publish('scheduler_disconnected_event', {}));
    client.on('error', (message) => this.onError(message));
    client
      .subscribe({
        user: this.options.user,
        name: this.options.frameworkName,
        role: this.options.role,
        hostname: this.options.hostname,
        failover_timeout: this.options.failoverTimeoutSeconds,
        checkpoint: true,
        ...(this.options.webuiUrl ? { webui_url: this.options.webuiUrl } : {}),
        capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
        ...(this.state.frameworkId ? { id: { value: this.state.frameworkId } } : {}),
      })
      .catch((error: unknown) => {
        if (!this.stopped) log.error(`Subscription failed: ${(error as Error).message}`);
      });
  }

  private onSubscribed(info: SubscribedInfo): void {
    this.masterAddress = `${info.master.host}:${info.master.port}`;
    const log = this.options.logger;
    if (info.frameworkId.value !== this.state.frameworkId) this.state.setFrameworkId(info.frameworkId.value);
    log.info(`${info.resubscribed ? 'Re-registered' : 'Registered'} with master ${this.masterAddress} as framework ${info.frameworkId.value}`);
    if (info.resubscribed) this.events.publish('scheduler_reregistered_event', { master: this.masterAddress });
    else this.events.publish('scheduler_registered_event', { frameworkId: info.frameworkId.value, master: this.masterAddress });
    this.listeners.emit('subscribed', info);
    void this.reconcile();
    this.lastRevive = 0;
    this.wakeUp();
  }

  /** The master dropped us for good (e.g. failover timeout passed): start over as a new framework. */
  private onError(message: string): void {
    if (this.stopped) return;
    this.options.logger.error(`Framework error from the master: ${message}; registering as a new framework`);
    this.state.setFrameworkId(undefined);
    this.state.persist((s) => s.saveFrameworkId(''));
    setTimeout(() => {
      if (!this.stopped) this.subscribe();
    }, 1000).unref();
  }

  /** Explicit reconciliation of every task we know, then implicit (all the master knows). */
  async reconcile(): Promise<void> {
    const client = this.client;
    if (!client || client.state !== 'subscribed') return;
    this.lastReconcile = this.now();
    const tasks = [...this.state.instances.values()]
      .filter((i) => i.task && isActive(i))
      .map((i) => ({ task_id: { value: i.task!.taskId }, agent_id: { value: i.task!.agentId } }));
    try {
      if (tasks.length > 0) await client.reconcile(tasks);
      await client.reconcile([]);
    } catch (error) {
      this.options.logger.warn(`Reconciliation failed: ${(error as Error).message}`);
    }
  }

  /** New work is queued: ask the master for offers again (at most once a second). */
  wakeUp(): void {
    if (this.reviveTimer || !this.connected) return;
    const wait = Math.max(0, this.lastRevive + 1000 - this.now());
    this.reviveTimer = setTimeout(() => {
      this.reviveTimer = undefined;
      this.lastRevive = this.now();
      this.client?.revive().catch((error: unknown) => this.options.logger.warn(`REVIVE failed: ${(error as Error).message}`));
    }, wait);
    this.reviveTimer.unref();
  }

  /** Kills the instance's task (Mesos KILL with the app's grace period); retried until terminal. */
  killInstance(instance: Instance): void {
    const task = instance.task;
    if (!task || !this.client || this.client.state !== 'subscribed') {
      if (task) this.killRequestedAt.set(task.taskId, 0);
      return;
    }
    this.killRequestedAt.set(task.taskId, this.now());
    const app = this.state.apps.get(instance.appId);
    const grace = app?.taskKillGracePeriodSeconds;
    this.client
      .kill({ value: task.taskId }, { value: task.agentId }, grace !== undefined ? { grace_period: { nanoseconds: grace * 1e9 } } : undefined)
      .catch((error: unknown) => this.options.logger.warn(`Failed to kill task ${task.taskId}: ${(error as Error).message}`));
  }

  private killUnknown(status: TaskStatus): void {
    this.options.logger.warn(`Killing unknown task ${status.task_id.value}`);
    this.client?.kill(status.task_id, status.agent_id).catch(() => undefined);
  }

  private onUpdate(status: TaskStatus): void {
    const outcome = this.tracker.update(status);
    if (outcome.unknown) {
      if (!outcome.terminal && status.state !== 'TASK_UNREACHABLE') this.killUnknown(status);
      return;
    }
    const returned = (outcome.previous === 'Unreachable' || outcome.previous === 'UnreachableInactive') && outcome.instance?.condition !== outcome.previous;
    if (outcome.terminal) this.killRequestedAt.delete(status.task_id.value);
    else if (outcome.instance?.goal === 'Decommissioned' && (returned || !this.killRequestedAt.has(status.task_id.value))) {
      // A decommissioned task is still running, or one replaced while its agent
      // was unreachable came back (a kill sent meanwhile went nowhere): stop it now.
      this.killInstance(outcome.instance);
    }
    this.listeners.emit('instance', outcome);
    if (outcome.rescheduled) this.wakeUp();
  }

  private statsOf(appId: string): OfferStats {
    let stats = this.stats.get(appId);
    if (!stats) {
      stats = new OfferStats();
      this.stats.set(appId, stats);
    }
    return stats;
  }

  /** Where the app's live instances are (for constraints). */
  private sitesOf(appId: string): PlacementSite[] {
    return this.state
      .instancesOf(appId)
      .filter((i) => i.task && isActive(i))
      .map((i) => ({ hostname: i.task!.host, attributes: i.task!.attributes }));
  }

  private async onOffers(offers: Offer[]): Promise<void> {
    const client = this.client;
    if (!client) return;
    const now = this.now();
    const queued = this.tracker.scheduled();
    // Built once per OFFERS event and appended to: copying the waiting list per
    // instance and rebuilding every app's sites per launch made this O(instances²).
    const byApp = new Map<string, { waiting: Instance[]; next: number }>();
    for (const i of queued) {
      const app = this.state.apps.get(i.appId);
      if (!app || isDelayed(this.state.delays.get(app.id), app, now)) continue;
      const entry = byApp.get(i.appId);
      if (entry) entry.waiting.push(i);
      else byApp.set(i.appId, { waiting: [i], next: 0 });
    }
    /** Per app: where its live instances were when the offers came, plus what this event placed. */
    const placedByApp = new Map<string, PlacementSite[]>();
    const placedOf = (appId: string): PlacementSite[] => {
      let placed = placedByApp.get(appId);
      if (!placed) placedByApp.set(appId, (placed = this.sitesOf(appId)));
      return placed;
    };
    // Every decision is taken in this one turn, and only the answers are awaited
    // (together): awaiting each answer let the next OFFERS event interleave and
    // launch instances this event had already picked, twice.
    const answers: Array<Promise<void>> = [];
    for (const offer of offers) {
      let remaining = offer.resources;
      const tasks: TaskInfo[] = [];
      const launched: Instance[] = [];
      for (const [appId, entry] of byApp) {
        const app = this.state.apps.get(appId);
        const { waiting } = entry;
        if (!app || entry.next >= waiting.length) continue;
        const stats = this.statsOf(appId);
        const roles = acceptedRoles(app, this.options.defaultAcceptedRoles);
        let usedHere = false;
        while (entry.next < waiting.length && tasks.length < this.options.maxInstancesPerOffer) {
          const placed = placedOf(appId);
          const view = { agentId: offer.agent_id.value, hostname: offer.hostname, attributes: offer.attributes ?? [], resources: remaining };
          const result = matchInstance(app, view, placed, roles, this.options.random);
          if (!result.ok) {
            if (!usedHere) {
              stats.rejected({
                offer: { id: offer.id.value, agentId: offer.agent_id.value, hostname: offer.hostname, resources: offer.resources, attributes: offer.attributes ?? [] },
                timestamp: now,
                reason: result.reasons,
                detail: result.detail,
              });
            }
            break;
          }
          const instance = waiting[entry.next++]!;
          const taskId = taskIdOf(instance.instanceId, instance.incarnation + 1);
          tasks.push(buildAppTask(app, { agentId: offer.agent_id.value, host: offer.hostname, taskId, hostPorts: result.hostPorts, resources: result.resources }, this.options.envVarsPrefix));
          launched.push(
            this.tracker.launched(instance, app, {
              taskId,
              agentId: offer.agent_id.value,
              host: offer.hostname,
              hostPorts: result.hostPorts,
              attributes: offer.attributes ?? [],
              stagedAt: now,
              state: 'TASK_STAGING',
              ipAddresses: [],
            }),
          );
          placed.push({ hostname: offer.hostname, attributes: offer.attributes ?? [] });
          remaining = result.remaining;
          if (!usedHere) stats.used(now);
          usedHere = true;
        }
      }
      answers.push(this.answerOffer(client, offer, tasks, launched, queued.length > 0));
    }
    await Promise.all(answers);
  }

  private async answerOffer(client: SchedulerClient, offer: Offer, tasks: TaskInfo[], launched: Instance[], busy: boolean): Promise<void> {
    try {
      if (tasks.length > 0) {
        for (const t of tasks) this.options.logger.info(`Launching task ${t.task_id.value} on agent ${offer.hostname}`);
        // With instances still waiting, the agent's leftovers must come back at once: a filter
        // here capped launching at (agents × instances per offer) / BUSY_REFUSE_SECONDS.
        await client.launch([offer.id], tasks, { refuse_seconds: busy ? 0 : BUSY_REFUSE_SECONDS });
      } else {
        const refuse = busy ? BUSY_REFUSE_SECONDS : this.options.declineOfferDurationMs / 1000;
        await client.decline([offer.id], { refuse_seconds: refuse });
      }
    } catch (error) {
      this.options.logger.warn(`Failed to answer offer ${offer.id.value}: ${(error as Error).message}`);
      for (const instance of launched) this.tracker.launchFailed(instance);
    }
  }

  /** Once a second: kill retries, launch timeouts, unreachable instances, periodic reconciliation. */
  private periodic(): void {
    if (!this.connected) return;
    const now = this.now();
    for (const instance of [...this.state.instances.values()]) {
      const task = instance.task;
      if (!task || !isActive(instance)) continue;
      const requested = this.killRequestedAt.get(task.taskId);
      if (requested !== undefined && now - requested >= (requested === 0 ? 0 : this.options.killRetryTimeoutMs)) {
        this.killInstance(instance);
        continue;
      }
      if (instance.goal === 'Decommissioned' && requested === undefined && instance.condition !== 'UnreachableInactive') {
        this.killInstance(instance);
        continue;
      }
      if ((instance.condition === 'Staging' || instance.condition === 'Starting' || instance.condition === 'Provisioned') && now - task.stagedAt > this.options.taskLaunchTimeoutMs) {
        this.options.logger.warn(`Task ${task.taskId} did not reach TASK_RUNNING within the launch timeout; killing it`);
        this.killInstance(instance);
        continue;
      }
      this.checkUnreachable(instance, now);
    }
    if (now - this.lastReconcile > this.options.reconciliationIntervalMs) void this.reconcile();
  }

  private checkUnreachable(instance: Instance, now: number): void {
    if (instance.condition !== 'Unreachable' && instance.condition !== 'UnreachableInactive') {
      // Reachable again: a later partition starts its own clock.
      if (this.unreachableAt.size > 0) this.unreachableAt.delete(instance.task!.taskId);
      return;
    }
    const app: AppDefinition | undefined = this.state.apps.get(instance.appId);
    const strategy = app?.unreachableStrategy;
    if (!strategy || strategy === 'disabled') return;
    const unreachableFor = now - this.unreachableSince(instance, now);
    if (instance.condition === 'Unreachable' && unreachableFor >= strategy.inactiveAfterSeconds * 1000) {
      this.options.logger.info(`Instance ${instance.instanceId} unreachable: replacing it`);
      this.tracker.markInactive(instance);
      this.listeners.emit('instance', { instance, previous: 'Unreachable', terminal: false, unknown: false, rescheduled: false });
      this.wakeUp();
    } else if (instance.condition === 'UnreachableInactive' && unreachableFor >= strategy.expungeAfterSeconds * 1000) {
      this.tracker.expunge(instance);
    }
  }

  private readonly unreachableAt = new Map<string, number>();
  private unreachableSince(instance: Instance, now: number): number {
    const key = instance.task!.taskId;
    const at = this.unreachableAt.get(key);
    if (at !== undefined) return at;
    this.unreachableAt.set(key, now);
    return now;
  }
}

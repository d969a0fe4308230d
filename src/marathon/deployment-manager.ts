/**
 * Runs deployment plans: one step at a time, each action ticked
 * (`deployment-steps.ts`) until done; at most one deployment per app unless
 * forced (409 otherwise). Between deployments it keeps every app at its
 * instance count (Marathon's periodic scale check). Publishes
 * `deployment_info`, `deployment_step_success`, `deployment_success`,
 * `deployment_failed` and `app_terminated_event`.
 */
import type { Logger } from '../logging/logger.js';
import type { AppDefinition } from './app-definition.js';
import type { EventBus } from './event-bus.js';
import { restartStep, scaleStep, stopStep, type HealthProbe, type StepDecision } from './deployment-steps.js';
import { lightPlan, type DeploymentAction, type DeploymentPlan } from './deployment-plan.js';
import type { Instance } from './instance.js';
import type { InstanceTracker } from './instance-tracker.js';
import type { MarathonState } from './marathon-state.js';

/** A plan being executed; `currentStep` is 0-based (the API shows it 1-based). */
export interface RunningDeployment {
  plan: DeploymentPlan;
  currentStep: number;
}

/** An app is touched by running deployments and `force` was not given (HTTP 409). */
export class AppLockedError extends Error {
  readonly code = 'APP_LOCKED';
  constructor(readonly deploymentIds: string[]) {
    super(
      `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${deploymentIds[0] ?? ''}'.`,
    );
    this.name = 'AppLockedError';
  }
}

/** What the manager needs from the Mesos side. */
export interface KillSink {
  killInstance(instance: Instance): void;
  wakeUp(): void;
}

/** Executes deployments and the scale check. */
export class DeploymentManager {
  private readonly running = new Map<string, RunningDeployment>();
  private timer?: NodeJS.Timeout;
  private tickQueued = false;
  private stopped = false;

  constructor(
    private readonly state: MarathonState,
    private readonly tracker: InstanceTracker,
    private readonly mesos: KillSink,
    private readonly events: EventBus,
    private readonly healthy: HealthProbe,
    private readonly logger: Logger,
  ) {}

  /** Starts ticking every `intervalMs`. */
  start(intervalMs = 500): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Stops ticking (pending coalesced ticks are dropped). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Running deployments, oldest first. */
  list(): RunningDeployment[] {
    return [...this.running.values()];
  }

  get(id: string): RunningDeployment | undefined {
    return this.running.get(id);
  }

  /** Deployments touching any of `appIds`. */
  conflicting(appIds: readonly string[]): RunningDeployment[] {
    return this.list().filter((d) => d.plan.affectedApps.some((a) => appIds.includes(a)));
  }

  /** Deployment ids touching `appId` (AppInfo `deployments`). */
  deploymentsOf(appId: string): string[] {
    return this.list()
      .filter((d) => d.plan.affectedApps.includes(appId))
      .map((d) => d.plan.id);
  }

  /**
   * Checks that `appIds` may be changed now: throws AppLockedError when a
   * running deployment touches them and `force` is false; with `force`,
   * cancels those deployments.
   */
  claim(appIds: readonly string[], force: boolean): void {
    const conflicts = this.conflicting(appIds);
    if (conflicts.length === 0) return;
    if (!force) throw new AppLockedError(conflicts.map((d) => d.plan.id));
    for (const d of conflicts) this.cancel(d.plan.id, 'Deployment was cancelled by a forced deployment');
  }

  /** Adds a plan (after `claim`) and runs its first tick soon. */
  add(plan: DeploymentPlan, resumeAt = 0): void {
    const deployment: RunningDeployment = { plan, currentStep: resumeAt };
    this.running.set(plan.id, deployment);
    this.persist(deployment);
    this.events.publish('deployment_info', { plan: lightPlan(plan), currentStep: plan.steps[resumeAt] ?? { actions: [] } });
    this.scheduleTick();
  }

  /** Resumes stored plans after a restart. */
  resume(stored: unknown[]): void {
    for (const raw of stored) {
      const d = raw as RunningDeployment;
      if (d && d.plan && Array.isArray(d.plan.steps)) this.running.set(d.plan.id, d);
    }
  }

  /** Stops a deployment without rollback (`DELETE /v2/deployments/{id}?force=true`). */
  cancel(id: string, reason = 'Deployment was cancelled'): boolean {
    const d = this.running.get(id);
    if (!d) return false;
    this.running.delete(id);
    this.state.persist((s) => s.deleteDeployment(id));
    this.events.publish('deployment_failed', { id, plan: lightPlan(d.plan), reason });
    return true;
  }

  /** Runs a tick on the next turn of the event loop (coalesced). */
  scheduleTick(): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    setImmediate(() => {
      this.tickQueued = false;
      if (!this.stopped) this.tick();
    });
  }

  /** Advances every deployment, then keeps unlocked apps at their instance count. */
  tick(): void {
    for (const d of this.list()) {
      try {
        this.advance(d);
      } catch (error) {
        this.logger.error(`Deployment ${d.plan.id} failed: ${(error as Error).message}`);
        this.cancel(d.plan.id, (error as Error).message);
      }
    }
    const locked = new Set(this.list().flatMap((d) => d.plan.affectedApps));
    for (const app of this.state.appList()) {
      if (locked.has(app.id)) continue;
      this.apply(app, scaleStep(app, this.state.instancesOf(app.id), this.healthy));
    }
  }

  private advance(d: RunningDeployment): void {
    for (;;) {
      const step = d.plan.steps[d.currentStep];
      if (!step) return this.finish(d);
      const done = step.actions.map((a) => this.runAction(a)).every(Boolean);
      if (!done) return;
      this.events.publish('deployment_step_success', { plan: lightPlan(d.plan), currentStep: step });
      d.currentStep++;
      this.persist(d);
      const next = d.plan.steps[d.currentStep];
      if (next) this.events.publish('deployment_info', { plan: lightPlan(d.plan), currentStep: next });
    }
  }

  private finish(d: RunningDeployment): void {
    this.running.delete(d.plan.id);
    this.state.persist((s) => s.deleteDeployment(d.plan.id));
    this.events.publish('deployment_success', { id: d.plan.id, plan: lightPlan(d.plan) });
    this.logger.info(`Deployment ${d.plan.id} finished`);
  }

  /** One tick of one action; true when it is done. */
  private runAction(action: DeploymentAction): boolean {
    const instances = this.state.instancesOf(action.app);
    if (action.action === 'StopApplication') {
      const decision = stopStep(instances);
      this.applyDecommission(decision.decommission);
      if (decision.done && !this.state.apps.has(action.app)) {
        this.events.publish('app_terminated_event', { appId: action.app });
      }
      return decision.done;
    }
    const app = this.state.apps.get(action.app);
    if (!app) return true;
    switch (action.action) {
      case 'StartApplication':
        return true;
      case 'ScaleApplication':
        return this.apply(app, scaleStep(app, instances, this.healthy));
      case 'RestartApplication':
        return this.apply(app, restartStep(app, instances, this.healthy));
    }
  }

  private apply(app: AppDefinition, decision: StepDecision): boolean {
    if (decision.schedule > 0) {
      this.tracker.schedule(app, decision.schedule);
      this.mesos.wakeUp();
    }
    this.applyDecommission(decision.decommission);
    return decision.done;
  }

  private applyDecommission(victims: readonly Instance[]): void {
    for (const victim of victims) {
      if (this.tracker.decommission(victim)) this.mesos.killInstance(victim);
    }
  }

  private persist(d: RunningDeployment): void {
    const copy = structuredClone(d);
    this.state.persist((s) => s.saveDeployment(d.plan.id, copy));
  }
}

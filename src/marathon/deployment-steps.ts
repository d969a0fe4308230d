/**
 * One tick of a deployment action, as a pure decision over the app's target
 * definition and its instances:
 *
 * - ScaleApplication: schedule missing instances, pick victims for surplus
 *   (`kill-selection.ts`); done when `instances` of them run (healthy when the
 *   app has health checks) and no decommissioned one is alive.
 * - RestartApplication (§6.5, rolling upgrade with `upgradeStrategy`):
 *     minHealthy  = ceil(n × minimumHealthCapacity)
 *     maxCapacity = floor(n × (1 + maximumOverCapacity))  (at least minHealthy + 1)
 *   old instances that never launched are dropped, unhealthy old ones killed,
 *   healthy old ones killed while old healthy + new healthy stays ≥ minHealthy;
 *   new ones started while old alive + new ≤ maxCapacity. Done when n new
 *   instances are healthy and no old one is alive.
 * - StopApplication: everything decommissioned; done when nothing is alive.
 */
import type { AppDefinition } from './app-definition.js';
import { isActive, type Instance } from './instance.js';
import { selectVictims } from './kill-selection.js';

/** What the caller must do this tick. */
export interface StepDecision {
  /** Instances to add (goal Running, with the target config). */
  schedule: number;
  /** Instances to decommission: never-launched ones are dropped, live ones killed. */
  decommission: Instance[];
  done: boolean;
}

/** Is an instance ready to count as capacity: running, and healthy if the app checks health. */
export type HealthProbe = (instance: Instance) => boolean;

function alive(i: Instance): boolean {
  return isActive(i);
}

/** ScaleApplication to `app.instances`; `instances` = every instance of the app (any goal). */
export function scaleStep(app: Pick<AppDefinition, 'instances' | 'killSelection' | 'constraints'>, instances: readonly Instance[], healthy: HealthProbe): StepDecision {
  const wanted = instances.filter((i) => i.goal === 'Running');
  const n = app.instances;
  if (wanted.length < n) return { schedule: n - wanted.length, decommission: [], done: false };
  if (wanted.length > n) return { schedule: 0, decommission: selectVictims(app, wanted, wanted.length - n), done: false };
  const ready = wanted.every((i) => i.condition === 'Running' && healthy(i));
  const leftovers = instances.some((i) => i.goal === 'Decommissioned' && alive(i));
  return { schedule: 0, decommission: [], done: ready && !leftovers };
}

/** RestartApplication towards config `app.versionInfo.lastConfigChangeAt`. */
export function restartStep(app: Pick<AppDefinition, 'instances' | 'upgradeStrategy' | 'versionInfo' | 'killSelection' | 'constraints'>, instances: readonly Instance[], healthy: HealthProbe): StepDecision {
  const target = app.versionInfo.lastConfigChangeAt;
  const n = app.instances;
  const minHealthy = Math.ceil(n * app.upgradeStrategy.minimumHealthCapacity - 1e-9);
  let maxCapacity = Math.floor(n * (1 + app.upgradeStrategy.maximumOverCapacity) + 1e-9);
  // With no head-room at all the upgrade could never start: allow one extra instance.
  if (maxCapacity <= minHealthy && n > 0) maxCapacity = minHealthy + 1;

  const isOld = (i: Instance): boolean => i.configVersion !== target;
  const old = instances.filter(isOld);
  const fresh = instances.filter((i) => !isOld(i) && i.goal === 'Running');
  const decommission: Instance[] = [];

  const oldWanted = old.filter((i) => i.goal === 'Running');
  const oldUnlaunched = oldWanted.filter((i) => !alive(i));
  const oldUnhealthy = oldWanted.filter((i) => alive(i) && !(i.condition === 'Running' && healthy(i)));
  const oldHealthy = oldWanted.filter((i) => alive(i) && i.condition === 'Running' && healthy(i));
  decommission.push(...oldUnlaunched, ...oldUnhealthy);

  const freshHealthy = fresh.filter((i) => i.condition === 'Running' && healthy(i)).length;
  const killable = Math.max(0, oldHealthy.length + freshHealthy - minHealthy);
  decommission.push(...selectVictims(app, oldHealthy, Math.min(killable, oldHealthy.length)));

  const oldAliveAfter = old.filter((i) => alive(i)).length;
  const schedule = Math.max(0, Math.min(n - fresh.length, maxCapacity - oldAliveAfter - fresh.length));
  // Surplus of new instances (n was lowered while restarting): scale them down.
  if (fresh.length > n) decommission.push(...selectVictims(app, fresh, fresh.length - n));
  const done = oldAliveAfter === 0 && oldWanted.length === 0 && fresh.length === n && freshHealthy >= n;
  return { schedule, decommission, done };
}

/** StopApplication: decommission everything; done when no task is alive. */
export function stopStep(instances: readonly Instance[]): StepDecision {
  const decommission = instances.filter((i) => i.goal === 'Running');
  return { schedule: 0, decommission, done: decommission.length === 0 && !instances.some(alive) };
}

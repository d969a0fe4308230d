/**
 * Deployment plans (§6.6 of the reference): from the apps before and after a
 * change to ordered steps of actions.
 *
 *   step: StopApplication for every removed app
 *   step: StartApplication for every new app (with 0 instances)
 *   then one step per dependency layer (dependencies first):
 *         new app → ScaleApplication; only the instance count changed →
 *         ScaleApplication; config changed or restarted → RestartApplication
 *
 * Actions of one step run in parallel; a step starts when the previous one is
 * done. Pure.
 */
import type { AppDefinition } from './app-definition.js';
import { appJson } from './app-json.js';

/** Marathon's action names (apps only). */
export type ActionName = 'StartApplication' | 'StopApplication' | 'ScaleApplication' | 'RestartApplication';

export interface DeploymentAction {
  action: ActionName;
  app: string;
}

export interface DeploymentStep {
  actions: DeploymentAction[];
}

/** A plan; `original`/`target` hold the affected apps before and after (absent = no such app). */
export interface DeploymentPlan {
  id: string;
  version: string;
  affectedApps: string[];
  steps: DeploymentStep[];
  original: Record<string, AppDefinition>;
  target: Record<string, AppDefinition>;
}

/** Thrown for dependency cycles (a validation error at the edge). */
export class DependencyCycleError extends Error {
  readonly code = 'DEPENDENCY_CYCLE';
  constructor(readonly apps: string[]) {
    super(`Dependency graph has cyclic dependencies: ${apps.join(', ')}`);
    this.name = 'DependencyCycleError';
  }
}

/** True when two versions differ in anything but instances/version stamps. */
export function configDiffers(a: AppDefinition, b: AppDefinition): boolean {
  const strip = (x: AppDefinition): string => {
    const { version: _v, versionInfo: _vi, instances: _i, ...rest } = appJson(x);
    return JSON.stringify(rest);
  };
  return strip(a) !== strip(b);
}

/**
 * Depth of each app in the dependency graph of `apps` (0 = depends on no app
 * in the set). `groupDependencies(id)` adds dependencies inherited from the
 * app's groups. Dependencies on groups expand to every app under them.
 * Throws DependencyCycleError.
 */
export function dependencyDepths(apps: readonly AppDefinition[], groupDependencies: (appId: string) => string[] = () => []): Map<string, number> {
  const ids = apps.map((a) => a.id);
  const depsOf = new Map<string, string[]>();
  for (const app of apps) {
    const raw = [...app.dependencies, ...groupDependencies(app.id)];
    const expanded = raw.flatMap((d) => ids.filter((id) => id !== app.id && (id === d || id.startsWith(d === '/' ? '/' : d + '/'))));
    depsOf.set(app.id, [...new Set(expanded)]);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new DependencyCycleError([...visiting, id]);
    visiting.add(id);
    const d = Math.max(-1, ...(depsOf.get(id) ?? []).map(visit)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const id of ids) visit(id);
  return depth;
}

/**
 * Builds the plan turning `original` into `target` (maps over the affected
 * apps; an id missing on one side is a start or a stop). `allTarget` is every
 * app after the change, for dependency ordering.
 */
export function buildPlan(
  id: string,
  version: string,
  original: ReadonlyMap<string, AppDefinition>,
  target: ReadonlyMap<string, AppDefinition>,
  allTarget: readonly AppDefinition[] = [...target.values()],
  groupDependencies?: (appId: string) => string[],
): DeploymentPlan {
  const ids = [...new Set([...original.keys(), ...target.keys()])].sort();
  const stops: DeploymentAction[] = [];
  const starts: DeploymentAction[] = [];
  const changes = new Map<string, ActionName>();
  for (const appId of ids) {
    const before = original.get(appId);
    const after = target.get(appId);
    if (before && !after) stops.push({ action: 'StopApplication', app: appId });
    else if (!before && after) {
      starts.push({ action: 'StartApplication', app: appId });
      changes.set(appId, 'ScaleApplication');
    } else if (before && after) {
      if (before.versionInfo.lastConfigChangeAt !== after.versionInfo.lastConfigChangeAt || configDiffers(before, after)) changes.set(appId, 'RestartApplication');
      else if (before.instances !== after.instances || before.version !== after.version) changes.set(appId, 'ScaleApplication');
    }
  }
  const depths = dependencyDepths(allTarget, groupDependencies);
  const layers = new Map<number, DeploymentAction[]>();
  for (const [appId, action] of changes) {
    const d = depths.get(appId) ?? 0;
    layers.set(d, [...(layers.get(d) ?? []), { action, app: appId }]);
  }
  const steps: DeploymentStep[] = [];
  if (stops.length > 0) steps.push({ actions: stops });
  if (starts.length > 0) steps.push({ actions: starts });
  for (const d of [...layers.keys()].sort((a, b) => a - b)) steps.push({ actions: layers.get(d)! });
  return {
    id,
    version,
    affectedApps: [...new Set([...stops, ...starts, ...[...changes.keys()].map((app) => ({ app }))].map((a) => a.app))].sort(),
    steps,
    original: Object.fromEntries(original),
    target: Object.fromEntries(target),
  };
}

/** The light plan form used in deployment events (`plan` field). */
export function lightPlan(plan: DeploymentPlan): { id: string; steps: DeploymentStep[]; version: string } {
  return { id: plan.id, steps: plan.steps, version: plan.version };
}

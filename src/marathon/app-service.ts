/**
 * The app operations behind `/v2/apps` and `/v2/tasks`: create, update
 * (partial or full, single or many), rollback to a version, delete, restart,
 * kill tasks (with or without scaling). Every state change becomes a
 * deployment plan; the target definitions are stored at once (GET shows them
 * immediately), the deployment brings the instances there.
 */
import type { AppDefinition } from './app-definition.js';
import { servicePortsOf } from './app-definition.js';
import { appJson } from './app-json.js';
import type { AppSpec } from './app-reader.js';
import { parseApp } from './app-validation.js';
import { buildPlan, configDiffers, DependencyCycleError } from './deployment-plan.js';
import type { DeploymentManager, KillSink } from './deployment-manager.js';
import { BadRequestError, ConflictError, NotFoundError, UnprocessableError } from './errors.js';
import { instanceIdOfTask, isActive, type Instance } from './instance.js';
import type { InstanceTracker } from './instance-tracker.js';
import { isObject, type JsonObject } from './json-reader.js';
import type { MarathonState } from './marathon-state.js';
import { canonicalId, isUnder, segments } from './path-id.js';
import { allocateServicePorts } from './port-assignment.js';
import { MarathonValidationError } from './validation-errors.js';

/** `{deploymentId, version}` returned by every deployable operation. */
export interface DeploymentResult {
  deploymentId: string;
  version: string;
}

/** Settings that shape app definitions. */
export interface AppServiceOptions {
  mesosRole: string;
  features: ReadonlySet<string>;
  defaultNetworkName?: string;
  servicePortRange: { min: number; max: number };
}

/** App CRUD and task kills, as deployments. */
export class AppService {
  private lastVersion = 0;

  constructor(
    private readonly state: MarathonState,
    private readonly deployments: DeploymentManager,
    private readonly tracker: InstanceTracker,
    private readonly mesos: KillSink,
    private readonly now: () => number,
    private readonly uuid: () => string,
    private readonly options: AppServiceOptions,
  ) {}

  /** A fresh version timestamp, strictly after the previous one (ISO 8601 with ms). */
  nextVersion(): string {
    const t = Math.max(this.now(), this.lastVersion + 1);
    this.lastVersion = t;
    return new Date(t).toISOString();
  }

  /** Every group id implied by the apps and stored groups (without the root). */
  groupIds(apps: Iterable<AppDefinition> = this.state.apps.values()): Set<string> {
    const ids = new Set<string>(this.state.groups.keys());
    for (const app of apps) {
      const s = segments(app.id);
      for (let k = 1; k < s.length; k++) ids.add('/' + s.slice(0, k).join('/'));
    }
    ids.delete('/');
    return ids;
  }

  /** Group-level dependencies inherited by an app (from every enclosing stored group). */
  groupDependencies = (appId: string): string[] => {
    const out: string[] = [];
    for (const g of this.state.groups.values()) if (g.id !== appId && isUnder(appId, g.id)) out.push(...g.dependencies);
    return out;
  };

  /** Reads and validates an app body (throws MarathonValidationError). */
  parse(body: unknown, opts: { id?: string; base?: string } = {}): AppSpec {
    return parseApp(body, {
      ...opts,
      mesosRole: this.options.mesosRole,
      features: this.options.features,
      ...(this.options.defaultNetworkName ? { defaultNetworkName: this.options.defaultNetworkName } : {}),
    });
  }

  /**
   * Stamps `spec` as a new version of `previous`: service ports allocated,
   * `version` = now, `lastConfigChangeAt` moved unless only `instances`
   * changed (or `restart` forces it).
   */
  stamp(spec: AppSpec, previous: AppDefinition | undefined, version: string, others: Iterable<AppDefinition>, restart = false): AppDefinition {
    const used = new Set<number>();
    for (const other of others) if (other.id !== spec.id) for (const p of servicePortsOf(other)) if (p !== 0) used.add(p);
    const withPorts = allocateServicePorts(spec, used, previous, this.options.servicePortRange);
    const candidate: AppDefinition = { ...withPorts, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } };
    const configChanged = !previous || restart || configDiffers(previous, candidate);
    return { ...candidate, versionInfo: { lastScalingAt: version, lastConfigChangeAt: configChanged ? version : previous.versionInfo.lastConfigChangeAt } };
  }

  /**
   * Applies `changes` (id → new definition, or null to remove) as one
   * deployment. Throws AppLockedError (409) unless `force`, UnprocessableError
   * on dependency cycles.
   */
  deploy(changes: ReadonlyMap<string, AppDefinition | null>, force: boolean, version: string): DeploymentResult {
    const ids = [...changes.keys()];
    this.deployments.claim(ids, force);
    const original = new Map<string, AppDefinition>();
    const target = new Map<string, AppDefinition>();
    for (const [id, app] of changes) {
      const before = this.state.apps.get(id);
      if (before) original.set(id, before);
      if (app) target.set(id, app);
    }
    const after = new Map(this.state.apps);
    for (const [id, app] of changes) {
      if (app) after.set(id, app);
      else after.delete(id);
    }
    let plan;
    try {
      plan = buildPlan(this.uuid(), version, original, target, [...after.values()], this.groupDependencies);
    } catch (error) {
      if (error instanceof DependencyCycleError) throw new UnprocessableError(error.message);
      throw error;
    }
    for (const [id, app] of changes) {
      if (app) this.state.putApp(app);
      else this.state.removeApp(id);
    }
    this.deployments.add(plan);
    return { deploymentId: plan.id, version };
  }

  private checkNoGroupClash(id: string): void {
    if (this.groupIds().has(id)) throw new ConflictError(`An app with the path ${id} already exists.`);
    for (const app of this.state.apps.values()) {
      if (isUnder(id, app.id) && id !== app.id) throw new ConflictError(`An app with the path ${app.id} already exists.`);
    }
  }

  /** `POST /v2/apps`: creates an app (409 if it exists). */
  create(body: unknown, force: boolean): { app: AppDefinition; result: DeploymentResult } {
    const spec = this.parse(body);
    if (this.state.apps.has(spec.id)) throw new ConflictError(`An app with id [${spec.id}] already exists.`);
    this.checkNoGroupClash(spec.id);
    const version = this.nextVersion();
    const app = this.stamp(spec, undefined, version, this.state.apps.values());
    const result = this.deploy(new Map([[app.id, app]]), force, version);
    return { app, result };
  }

  /** The body of an update merged over the current definition (partial update). */
  private merged(current: AppDefinition, body: JsonObject): JsonObject {
    const { version: _v, versionInfo: _vi, ...base } = appJson(current);
    const has = (k: string): boolean => k in body && body[k] !== undefined;
    if (has('ports') || has('portDefinitions')) delete base['portDefinitions'];
    if (has('uris')) delete base['fetch'];
    if (has('cmd')) delete base['args'];
    if (has('args')) delete base['cmd'];
    const container = isObject(body['container']) ? body['container'] : undefined;
    const docker = container && isObject(container['docker']) ? container['docker'] : undefined;
    if (has('ipAddress') || (docker && docker['network'] !== undefined)) delete base['networks'];
    if (has('networks') && !has('container') && isObject(base['container'])) {
      const { portMappings: _pm, ...rest } = base['container'] as JsonObject;
      base['container'] = rest;
    }
    return { ...base, ...body };
  }

  /** Turns an update body into the next definition of `id` (or a rollback). */
  private nextDefinition(id: string, body: unknown, partialUpdate: boolean, version: string, others: Iterable<AppDefinition>, rollback?: AppDefinition): AppDefinition {
    const current = this.state.apps.get(id);
    if (rollback) return this.stamp(this.parse(appJson(rollback), { id }), current, version, others, true);
    const input = current && partialUpdate && isObject(body) ? this.merged(current, body) : body;
    const spec = this.parse(input, { id });
    return this.stamp(spec, current, version, others);
  }

  private rollbackTarget(id: string, body: unknown): Promise<AppDefinition | undefined> | undefined {
    if (!isObject(body) || body['version'] === undefined) return undefined;
    const extra = Object.keys(body).filter((k) => k !== 'version' && k !== 'id');
    if (extra.length > 0) {
      throw new MarathonValidationError('not-valid', [{ path: '/', errors: ["The 'version' field may only be combined with the 'id' field."] }]);
    }
    return this.state.store.appVersion(id, String(body['version']));
  }

  /** `PUT /v2/apps/{id}`: updates (or creates, `created: true`) an app. */
  async update(rawId: string, body: unknown, opts: { force: boolean; partialUpdate: boolean }): Promise<{ created: boolean; app: AppDefinition; result: DeploymentResult }> {
    const id = canonicalId(rawId);
    const pending = this.rollbackTarget(id, body);
    let rollback: AppDefinition | undefined;
    if (pending) {
      rollback = await pending;
      if (!rollback) throw new NotFoundError(`App '${id}' does not exist in version ${String((body as JsonObject)['version'])}`);
    }
    const created = !this.state.apps.has(id);
    if (created) this.checkNoGroupClash(id);
    const version = this.nextVersion();
    const app = this.nextDefinition(id, body, opts.partialUpdate, version, this.state.apps.values(), rollback);
    const result = this.deploy(new Map([[id, app]]), opts.force, version);
    return { created, app, result };
  }

  /** `PUT /v2/apps`: updates or creates several apps in one deployment. */
  updateMany(bodies: unknown, opts: { force: boolean; partialUpdate: boolean }): DeploymentResult {
    if (!Array.isArray(bodies)) throw new MarathonValidationError('invalid-json', [{ path: '/', errors: ['error.expected.jsarray'] }]);
    const version = this.nextVersion();
    const changes = new Map<string, AppDefinition>();
    bodies.forEach((body, i) => {
      const rawId = isObject(body) && typeof body['id'] === 'string' ? body['id'] : undefined;
      if (rawId === undefined) throw new MarathonValidationError('invalid-json', [{ path: `/(${i})/id`, errors: ['error.path.missing'] }]);
      const id = canonicalId(rawId);
      const others = [...this.state.apps.values(), ...changes.values()];
      changes.set(id, this.nextDefinition(id, body, opts.partialUpdate, version, others));
    });
    return this.deploy(changes, opts.force, version);
  }

  /** The app or 404. */
  get(rawId: string): AppDefinition {
    const id = canonicalId(rawId);
    const app = this.state.apps.get(id);
    if (!app) throw new NotFoundError(`App '${id}' does not exist`);
    return app;
  }

  /** `DELETE /v2/apps/{id}` (force defaults to true there). */
  destroy(rawId: string, force: boolean): DeploymentResult {
    const app = this.get(rawId);
    return this.deploy(new Map([[app.id, null]]), force, this.nextVersion());
  }

  /** `POST /v2/apps/{id}/restart`: a rolling restart as a new version. */
  restart(rawId: string, force: boolean): DeploymentResult {
    const app = this.get(rawId);
    const version = this.nextVersion();
    const next: AppDefinition = { ...app, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } };
    return this.deploy(new Map([[app.id, next]]), force, version);
  }

  /** Scales `app` to `instances` as a deployment (no config change). */
  scale(app: AppDefinition, instances: number, force: boolean): DeploymentResult {
    const version = this.nextVersion();
    const next: AppDefinition = { ...app, instances, version, versionInfo: { ...app.versionInfo, lastScalingAt: version } };
    return this.deploy(new Map([[app.id, next]]), force, version);
  }

  /** Live instances of an app on `host` (`*` or undefined = all). */
  liveInstances(appId: string, host?: string): Instance[] {
    return this.state.instancesOf(appId).filter((i) => i.task && isActive(i) && (host === undefined || host === '*' || i.task.host === host));
  }

  /**
   * Kills `victims` of `app`. Without `scale` they are replaced; with `scale`
   * the app's instance count drops by their number (a deployment, returned).
   */
  kill(app: AppDefinition, victims: readonly Instance[], opts: { scale: boolean; wipe: boolean; force: boolean }): DeploymentResult | undefined {
    if (opts.scale && opts.wipe) throw new BadRequestError('You cannot use scale and wipe at the same time.');
    if (!opts.scale) {
      for (const v of victims) {
        if (opts.wipe) {
          if (this.tracker.decommission(v)) this.mesos.killInstance(v);
        } else this.mesos.killInstance(v);
      }
      if (opts.wipe) this.deployments.scheduleTick();
      return undefined;
    }
    this.deployments.claim([app.id], opts.force);
    for (const v of victims) if (this.tracker.decommission(v)) this.mesos.killInstance(v);
    return this.scale(app, Math.max(0, app.instances - victims.length), true);
  }

  /** Instances by Mesos task id (unknown ids skipped); throws BadRequestError for ids that are no Marathon task ids. */
  instancesByTaskIds(taskIds: readonly string[]): Instance[] {
    const out: Instance[] = [];
    for (const taskId of taskIds) {
      const instanceId = instanceIdOfTask(taskId);
      if (!instanceId) throw new BadRequestError(`Invalid task id '${taskId}'. [${taskId}]`);
      const instance = this.state.instances.get(instanceId);
      if (instance?.task?.taskId === taskId && isActive(instance)) out.push(instance);
    }
    return out;
  }

  /** Like `instancesByTaskIds`, but malformed ids are skipped (single-task routes answer 404 for them). */
  instancesByTaskIdsLenient(taskIds: readonly string[]): Instance[] {
    return taskIds.flatMap((t) => (instanceIdOfTask(t) ? this.instancesByTaskIds([t]) : []));
  }

  /** `DELETE /v2/queue/{id}/delay`: forget the app's backoff; 404 when nothing is queued for it. */
  resetDelay(rawId: string): void {
    const id = canonicalId(rawId);
    const queued = this.tracker.scheduled().some((i) => i.appId === id);
    if (!queued) throw new NotFoundError(`Application ${id} not found in tasks queue.`);
    this.state.delays.delete(id);
    this.mesos.wakeUp();
  }
}

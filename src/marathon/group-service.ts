/**
 * Groups (§2.3): the app tree by path, with group-level dependencies stored
 * per group. GET renders the tree; POST creates a group with its apps and
 * subgroups; PUT replaces the listed parts (apps/groups/dependencies present
 * in the body replace the current ones, absent ones stay), scales every app
 * by `scaleBy`, or reverts to a stored `version`; DELETE stops the subtree.
 * Every change is one deployment, ordered by dependencies.
 */
import type { AppDefinition } from './app-definition.js';
import type { AppService, DeploymentResult } from './app-service.js';
import { ConflictError, NotFoundError } from './errors.js';
import { isObject, type JsonObject } from './json-reader.js';
import type { MarathonState } from './marathon-state.js';
import type { StoredGroup } from './marathon-store.js';
import { canonicalId, isUnder, parentId, pathIdErrors, segments } from './path-id.js';
import { indexPath, keyPath, MarathonValidationError, Violations } from './validation-errors.js';

/** A group as rendered (GroupInfo), children sorted by id. */
export interface GroupNode {
  id: string;
  apps: AppDefinition[];
  groups: GroupNode[];
  dependencies: string[];
  version: string;
}

/** Group reads and deployable group changes. */
export class GroupService {
  constructor(
    private readonly state: MarathonState,
    private readonly apps: AppService,
    private readonly now: () => number,
  ) {}

  /** True when `id` is the root, a stored group or an ancestor of an app. */
  exists(id: string): boolean {
    return id === '/' || this.apps.groupIds().has(id);
  }

  /** The subtree at `id`; throws NotFoundError. */
  tree(rawId: string): GroupNode {
    const id = canonicalId(rawId);
    if (!this.exists(id)) throw new NotFoundError(`Group '${id}' does not exist`);
    return this.build(id, this.state.appList(), this.apps.groupIds());
  }

  private build(id: string, apps: AppDefinition[], groupIds: Set<string>): GroupNode {
    const depth = segments(id).length;
    const directApps = apps.filter((a) => parentId(a.id) === id);
    const childGroups = [...groupIds].filter((g) => parentId(g) === id && segments(g).length === depth + 1).sort();
    const stored = this.state.groups.get(id);
    const versions = [stored?.version, ...apps.filter((a) => isUnder(a.id, id)).map((a) => a.version)].filter((v): v is string => v !== undefined).sort();
    return {
      id,
      apps: directApps,
      groups: childGroups.map((g) => this.build(g, apps, groupIds)),
      dependencies: stored?.dependencies ?? [],
      version: versions[versions.length - 1] ?? new Date(this.now()).toISOString(),
    };
  }

  /** Apps under `id` (transitively). */
  appsUnder(id: string): AppDefinition[] {
    return this.state.appList().filter((a) => isUnder(a.id, id));
  }

  /**
   * Collects the apps and groups of a GroupUpdate body at `base` into
   * `apps`/`groups`, validating ids (apps must be direct children).
   */
  private collect(body: JsonObject, id: string, path: string, apps: Map<string, unknown>, groups: Map<string, StoredGroup | null>, version: string, v: Violations): void {
    const dependencies = Array.isArray(body['dependencies']) ? body['dependencies'].filter((d): d is string => typeof d === 'string').map((d) => canonicalId(d, parentId(id))) : undefined;
    groups.set(id, { id, dependencies: dependencies ?? this.state.groups.get(id)?.dependencies ?? [], version });
    if (Array.isArray(body['apps'])) {
      body['apps'].forEach((app, i) => {
        const p = indexPath(keyPath(path, 'apps'), i);
        if (!isObject(app) || typeof app['id'] !== 'string') return v.add(keyPath(p, 'id'), 'error.path.missing');
        const appId = canonicalId(app['id'], id);
        if (parentId(appId) !== id) return v.add(keyPath(p, 'id'), `identifier ${appId} is not child of ${id}. Hint: use relative paths.`);
        apps.set(appId, { ...app, id: appId });
      });
    }
    if (Array.isArray(body['groups'])) {
      body['groups'].forEach((g, i) => {
        const p = indexPath(keyPath(path, 'groups'), i);
        if (!isObject(g) || typeof g['id'] !== 'string') return v.add(keyPath(p, 'id'), 'error.path.missing');
        for (const e of pathIdErrors(g['id'], id)) v.add(keyPath(p, 'id'), e);
        const groupId = canonicalId(g['id'], id);
        if (parentId(groupId) !== id) return v.add(keyPath(p, 'id'), `identifier ${groupId} is not child of ${id}. Hint: use relative paths.`);
        this.collect(g, groupId, p, apps, groups, version, v);
      });
    }
  }

  /**
   * Applies a GroupUpdate at `rawId` (`create` = POST semantics: 409 when it
   * exists). Listed apps/groups replace the current children of the groups
   * that list them.
   */
  change(rawId: string, body: unknown, opts: { create: boolean; force: boolean }): DeploymentResult & { id: string } {
    if (!isObject(body)) throw new MarathonValidationError('invalid-json', [{ path: '/', errors: ['error.expected.jsobject'] }]);
    const base = canonicalId(rawId);
    // A body id is relative to the group in the URL.
    const target = typeof body['id'] === 'string' ? canonicalId(body['id'], base) : base;
    if (opts.create) {
      if (this.exists(target) && target !== '/') throw new ConflictError(`Group ${target} is already created. Use PUT to change this group.`);
      if (this.state.apps.has(target)) throw new ConflictError(`An app with the path ${target} already exists.`);
    }
    const version = this.apps.nextVersion();
    if (!opts.create && body['version'] !== undefined) throw new MarathonValidationError('not-valid', [{ path: '/version', errors: ['reverting groups to a version is not supported yet'] }]);
    if (!opts.create && typeof body['scaleBy'] === 'number') return { ...this.scaleBy(target, body['scaleBy'], opts.force, version), id: target };

    const v = new Violations();
    const listedApps = new Map<string, unknown>();
    const listedGroups = new Map<string, StoredGroup | null>();
    this.collect(body, target, '/', listedApps, listedGroups, version, v);
    if (!v.empty) throw new MarathonValidationError('not-valid', v.list());

    const changes = new Map<string, AppDefinition | null>();
    // Groups that list apps (or subgroups) replace those of their children not listed.
    const replaceApps = (gid: string, given: JsonObject): void => {
      if (Array.isArray(given['apps'])) {
        for (const app of this.state.appList()) if (parentId(app.id) === gid && !listedApps.has(app.id)) changes.set(app.id, null);
      }
    };
    const walk = (gid: string, given: JsonObject): void => {
      replaceApps(gid, given);
      if (Array.isArray(given['groups'])) {
        const listed = new Set(given['groups'].filter(isObject).map((g) => canonicalId(String(g['id']), gid)));
        for (const child of this.apps.groupIds()) {
          if (parentId(child) === gid && !listed.has(child)) {
            for (const app of this.appsUnder(child)) changes.set(app.id, null);
            listedGroups.set(child, null);
          }
        }
        for (const g of given['groups'].filter(isObject)) walk(canonicalId(String(g['id']), gid), g);
      }
    };
    walk(target, body);

    const all = [...this.state.apps.values()];
    for (const [appId, appBody] of listedApps) {
      const previous = this.state.apps.get(appId);
      // Relative dependencies inside a group resolve against that group.
      const spec = this.apps.parse(appBody, { id: appId, base: parentId(appId) });
      changes.set(appId, this.apps.stamp(spec, previous, version, [...all, ...[...changes.values()].filter((a): a is AppDefinition => a !== null)]));
    }
    for (const [gid, group] of listedGroups) {
      if (group) this.state.putGroup(group);
      else this.state.removeGroup(gid);
    }
    for (const [subgroup, group] of listedGroups) if (group === null) for (const g of [...this.state.groups.keys()]) if (isUnder(g, subgroup)) this.state.removeGroup(g);
    const result = this.apps.deploy(changes, opts.force, version);
    return { ...result, id: target };
  }

  /** Every app under the group gets `instances = ceil(instances × factor)`. */
  private scaleBy(id: string, factor: number, force: boolean, version: string): DeploymentResult {
    if (!this.exists(id)) throw new NotFoundError(`Group '${id}' does not exist`);
    if (factor < 0) throw new MarathonValidationError('not-valid', [{ path: '/scaleBy', errors: [`got ${factor}, expected 0 or more`] }]);
    const changes = new Map<string, AppDefinition | null>();
    for (const app of this.appsUnder(id)) {
      changes.set(app.id, { ...app, instances: Math.ceil(app.instances * factor - 1e-9), version, versionInfo: { ...app.versionInfo, lastScalingAt: version } });
    }
    return this.apps.deploy(changes, force, version);
  }

  /** `DELETE /v2/groups/{id}`: stops every app under the group and forgets the subtree. */
  remove(rawId: string, force: boolean): DeploymentResult {
    const id = canonicalId(rawId);
    if (!this.exists(id)) throw new NotFoundError(`Group '${id}' does not exist`);
    const changes = new Map<string, AppDefinition | null>(this.appsUnder(id).map((a) => [a.id, null]));
    const result = this.apps.deploy(changes, force, this.apps.nextVersion());
    for (const g of [...this.state.groups.keys()]) if (isUnder(g, id)) this.state.removeGroup(g);
    return result;
  }
}

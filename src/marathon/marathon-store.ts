/**
 * Marathon's state in the shared `Store` (SQLite locally, ZooKeeper later):
 *
 * ```
 * marathon/framework-id                       FrameworkID value
 * marathon/apps/<id>                          current AppDefinition
 * marathon/app-versions/<id>/<version>        every stored version (newest 50 kept)
 * marathon/groups/<id>                        group metadata (dependencies, version)
 * marathon/instances/<instanceId>             Instance
 * marathon/deployments/<deploymentId>         running deployment plans
 * ```
 *
 * `<id>` is the URI-encoded path id, so `/a` and `/a/b` never share a prefix.
 * Reads happen once at start; afterwards the in-memory state is the truth and
 * every change is written through here.
 */
import type { Store } from '../coordination/store.js';
import type { AppDefinition } from './app-definition.js';
import type { Instance } from './instance.js';

/** Stored group metadata (apps and subgroups are derived from app ids). */
export interface StoredGroup {
  id: string;
  dependencies: string[];
  version: string;
  enforceRole?: boolean;
}

/** Everything Marathon loads at start. */
export interface LoadedState {
  frameworkId?: string;
  apps: AppDefinition[];
  groups: StoredGroup[];
  instances: Instance[];
  deployments: unknown[];
}

/** Versions kept per app (`--zk_max_versions`). */
export const MAX_VERSIONS = 50;

const PREFIX = 'marathon';
const enc = (id: string): string => encodeURIComponent(id);

/** Typed access to Marathon's keys. Errors of the underlying Store propagate. */
export class MarathonStore {
  constructor(private readonly store: Store) {}

  /** Reads everything (start-up). */
  async load(): Promise<LoadedState> {
    const fw = await this.store.get<string>(`${PREFIX}/framework-id`);
    const apps = (await this.store.list<AppDefinition>(`${PREFIX}/apps/`)).map((e) => e.value);
    const groups = (await this.store.list<StoredGroup>(`${PREFIX}/groups/`)).map((e) => e.value);
    const instances = (await this.store.list<Instance>(`${PREFIX}/instances/`)).map((e) => e.value);
    const deployments = (await this.store.list<unknown>(`${PREFIX}/deployments/`)).map((e) => e.value);
    return { ...(fw ? { frameworkId: fw.value } : {}), apps, groups, instances, deployments };
  }

  async saveFrameworkId(id: string): Promise<void> {
    await this.store.put(`${PREFIX}/framework-id`, id);
  }

  /** Stores `app` as current and as a version; prunes versions beyond MAX_VERSIONS (oldest first). */
  async saveApp(app: AppDefinition): Promise<void> {
    await this.store.put(`${PREFIX}/apps/${enc(app.id)}`, app);
    await this.store.put(`${PREFIX}/app-versions/${enc(app.id)}/${app.version}`, app);
    const versions = await this.store.list(`${PREFIX}/app-versions/${enc(app.id)}/`);
    for (const old of versions.slice(0, Math.max(0, versions.length - MAX_VERSIONS))) await this.store.delete(old.key);
  }

  /** Removes the app and all its versions. */
  async deleteApp(id: string): Promise<void> {
    await this.store.delete(`${PREFIX}/apps/${enc(id)}`);
    for (const v of await this.store.list(`${PREFIX}/app-versions/${enc(id)}/`)) await this.store.delete(v.key);
  }

  /** Version timestamps of an app, oldest first. */
  async appVersions(id: string): Promise<string[]> {
    const prefix = `${PREFIX}/app-versions/${enc(id)}/`;
    return (await this.store.list(prefix)).map((e) => e.key.slice(prefix.length));
  }

  /** One stored version, or undefined. */
  async appVersion(id: string, version: string): Promise<AppDefinition | undefined> {
    return (await this.store.get<AppDefinition>(`${PREFIX}/app-versions/${enc(id)}/${version}`))?.value;
  }

  async saveGroup(group: StoredGroup): Promise<void> {
    await this.store.put(`${PREFIX}/groups/${enc(group.id)}`, group);
  }

  async deleteGroup(id: string): Promise<void> {
    await this.store.delete(`${PREFIX}/groups/${enc(id)}`);
  }

  async saveInstance(instance: Instance): Promise<void> {
    await this.store.put(`${PREFIX}/instances/${instance.instanceId}`, instance);
  }

  async deleteInstance(instanceId: string): Promise<void> {
    await this.store.delete(`${PREFIX}/instances/${instanceId}`);
  }

  async saveDeployment(id: string, plan: unknown): Promise<void> {
    await this.store.put(`${PREFIX}/deployments/${id}`, plan);
  }

  async deleteDeployment(id: string): Promise<void> {
    await this.store.delete(`${PREFIX}/deployments/${id}`);
  }
}

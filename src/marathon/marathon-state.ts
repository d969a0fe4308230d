/**
 * Marathon's in-memory state — apps, groups, instances, launch delays, last
 * task failures, the framework id — written through to the Store in order.
 * Loaded once at start; afterwards memory is the truth and the Store its
 * durable copy. Writes are serialized on one promise chain so the Store sees
 * them in the order they happened; a failed write is logged, not thrown
 * (the next write of the same key repairs it).
 */
import type { AppDefinition } from './app-definition.js';
import type { Instance } from './instance.js';
import type { LaunchDelay } from './launch-delay.js';
import { MarathonStore, type StoredGroup } from './marathon-store.js';

/** `lastTaskFailure` of an app (AppInfo). */
export interface LastTaskFailure {
  appId: string;
  host: string;
  message: string;
  state: string;
  taskId: string;
  timestamp: string;
  version: string;
  slaveId: string;
}

/** The shared state; components change it only through these methods. */
export class MarathonState {
  readonly apps = new Map<string, AppDefinition>();
  readonly groups = new Map<string, StoredGroup>();
  readonly instances = new Map<string, Instance>();
  readonly delays = new Map<string, LaunchDelay>();
  readonly lastTaskFailures = new Map<string, LastTaskFailure>();
  frameworkId?: string;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly store: MarathonStore,
    private readonly onWriteError: (error: Error) => void,
  ) {}

  /** Loads everything from the Store (start-up); returns stored deployment plans. */
  async load(): Promise<unknown[]> {
    const loaded = await this.store.load();
    this.frameworkId = loaded.frameworkId;
    for (const app of loaded.apps) this.apps.set(app.id, app);
    for (const group of loaded.groups) this.groups.set(group.id, group);
    for (const instance of loaded.instances) this.instances.set(instance.instanceId, instance);
    return loaded.deployments;
  }

  /** Queues a Store write after every earlier one. */
  persist(write: (store: MarathonStore) => Promise<void>): void {
    this.chain = this.chain.then(() => write(this.store)).catch((error: unknown) => this.onWriteError(error as Error));
  }

  /** Resolves when every queued write is done. */
  flush(): Promise<void> {
    return this.chain;
  }

  setFrameworkId(id: string | undefined): void {
    this.frameworkId = id;
    if (id !== undefined) this.persist((s) => s.saveFrameworkId(id));
  }

  putApp(app: AppDefinition): void {
    this.apps.set(app.id, app);
    this.persist((s) => s.saveApp(app));
  }

  removeApp(id: string): void {
    this.apps.delete(id);
    this.delays.delete(id);
    this.lastTaskFailures.delete(id);
    this.persist((s) => s.deleteApp(id));
  }

  putGroup(group: StoredGroup): void {
    this.groups.set(group.id, group);
    this.persist((s) => s.saveGroup(group));
  }

  removeGroup(id: string): void {
    this.groups.delete(id);
    this.persist((s) => s.deleteGroup(id));
  }

  putInstance(instance: Instance): void {
    this.instances.set(instance.instanceId, instance);
    const copy = structuredClone(instance);
    this.persist((s) => s.saveInstance(copy));
  }

  removeInstance(instanceId: string): void {
    this.instances.delete(instanceId);
    this.persist((s) => s.deleteInstance(instanceId));
  }

  /** Instances of one app, in instance id order. */
  instancesOf(appId: string): Instance[] {
    return [...this.instances.values()].filter((i) => i.appId === appId).sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
  }

  /** Apps in id order. */
  appList(): AppDefinition[] {
    return [...this.apps.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/**
 * Jobs and the framework id in the `Store` (Chronos keeps `J_<name>` nodes
 * and the FrameworkID in ZooKeeper; we keep the same facts under
 * `chronos/jobs/<name>` and `chronos/framework-id`). The in-memory map is the
 * truth while running; every change is written through, in order per key.
 */
import type { Store } from '../coordination/store.js';
import type { ChronosJob } from './job.js';

const JOBS = 'chronos/jobs/';
const FRAMEWORK_ID = 'chronos/framework-id';

/** Job state backed by a Store. */
export class JobRepository {
  private readonly jobs = new Map<string, ChronosJob>();
  /** Pending write per key, so writes of one key land in order. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly onWriteError: (key: string, error: Error) => void = () => undefined,
  ) {}

  /** Loads every stored job (replacing the in-memory map). */
  async load(): Promise<void> {
    this.jobs.clear();
    for (const entry of await this.store.list<ChronosJob>(JOBS)) this.jobs.set(entry.value.name, entry.value);
  }

  get(name: string): ChronosJob | undefined {
    return this.jobs.get(name);
  }

  /** All jobs sorted by name. */
  all(): ChronosJob[] {
    return [...this.jobs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Stores a job (create or replace); the write happens in the background, in order. */
  put(job: ChronosJob): void {
    this.jobs.set(job.name, job);
    this.write(`${JOBS}${job.name}`, () => this.store.put(`${JOBS}${job.name}`, job).then(() => undefined));
  }

  /** Removes a job. */
  remove(name: string): void {
    this.jobs.delete(name);
    this.write(`${JOBS}${name}`, () => this.store.delete(`${JOBS}${name}`));
  }

  /** The stored framework id, if any. */
  async frameworkId(): Promise<string | undefined> {
    return (await this.store.get<string>(FRAMEWORK_ID))?.value;
  }

  /** Stores (or with undefined, forgets) the framework id. */
  async setFrameworkId(id: string | undefined): Promise<void> {
    await this.flush();
    if (id === undefined) await this.store.delete(FRAMEWORK_ID);
    else await this.store.put(FRAMEWORK_ID, id);
  }

  /** Resolves when every write so far has landed. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  private write(key: string, op: () => Promise<void>): void {
    const previous = this.writes.get(key) ?? Promise.resolve();
    const next = previous
      .then(op)
      .catch((error: unknown) => this.onWriteError(key, error instanceof Error ? error : new Error(String(error))));
    this.writes.set(key, next);
    void next.then(() => {
      if (this.writes.get(key) === next) this.writes.delete(key);
    });
  }
}

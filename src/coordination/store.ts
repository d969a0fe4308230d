/**
 * The one persistence interface: versioned keys with compare-and-set. The master's
 * registry, Marathon's and Chronos's state all go through it. Embedded default:
 * SQLite in `--work_dir` (`sqlite-store.ts`); HA: ZooKeeper (later).
 *
 * Keys are `/`-separated paths (`registry/agents/<id>`). Values are JSON-serialisable.
 * A version is a counter starting at 1 for a new key; `expectedVersion: 0` means
 * "must not exist yet".
 */
export interface StoreEntry<T> {
  key: string;
  value: T;
  version: number;
}

/** One unconditional write of {@link Store.putMany}. */
export interface StoreWrite {
  key: string;
  /** JSON-serialisable. */
  value: unknown;
}

export interface Store {
  /** Reads one key; undefined if absent. */
  get<T>(key: string): Promise<StoreEntry<T> | undefined>;
  /** All entries whose key starts with `prefix`, sorted by key. */
  list<T>(prefix: string): Promise<Array<StoreEntry<T>>>;
  /**
   * Writes `value`. With `expectedVersion`, throws `StoreConflictError` unless the
   * current version equals it (0 = absent). Returns the new version.
   */
  put<T>(key: string, value: T, expectedVersion?: number): Promise<number>;
  /** Deletes a key; with `expectedVersion`, compare-and-delete. No-op if absent and unconditional. */
  delete(key: string, expectedVersion?: number): Promise<void>;
  /**
   * Optional batch form of unconditional `put`: writes every entry (keys
   * distinct) in as few round trips as the backend allows — one SQLite
   * transaction, ZooKeeper multi-ops. Added for the master's registry, which
   * admits thousands of agents a second after a failover. Resolves once all
   * are written; on rejection some entries may have been written (each write
   * is idempotent, so retrying the whole list is safe). Callers without it
   * fall back to one `put` per entry.
   */
  putMany?(entries: ReadonlyArray<StoreWrite>): Promise<void>;
  close(): Promise<void>;
}

/** A compare-and-set lost: someone else wrote the key first. Retryable after a re-read. */
export class StoreConflictError extends Error {
  readonly code = 'STORE_CONFLICT';
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`Version conflict on '${key}': expected ${expected}, found ${actual}`);
  }
}

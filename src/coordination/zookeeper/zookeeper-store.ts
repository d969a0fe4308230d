/**
 * The HA Store: versioned keys in ZooKeeper (see `store-layout.ts` for the
 * znode layout). Compare-and-set is ZooKeeper's own conditional write: a create
 * for "must not exist" and setData/delete with the expected data version
 * otherwise, so of two writers holding the same version exactly one commits and
 * the other gets StoreConflictError — also across processes and masters.
 *
 * The store owns its session and opens a new one after an expiry (it holds no
 * ephemeral state). A read that hits an expired session is retried once on a
 * fresh session; a write is not (its outcome may be unknown): the caller
 * re-reads and retries, as after any StoreConflictError.
 */
import { StoreConflictError, type Store, type StoreEntry, type StoreWrite } from '../store.js';
import { ZooKeeperError } from './errors.js';
import { ZooKeeperSession, type ZooKeeperSessionOptions } from './session.js';
import { childKey, encodeValue, keyPath, splitPrefix, storeVersion, znodeVersion } from './store-layout.js';
import { joinZnodePath, parseZooKeeperUrl, type ZooKeeperUrl } from './zk-url.js';

const EMPTY = Buffer.alloc(0);
/**
 * How many reads `list` keeps in flight at once. A newly elected master lists
 * every admitted agent before it serves: at 64 in flight 2,000 agents took
 * ~700 ms, at 1,000 ~260 ms (one session pipelines them; replies are small).
 */
const LIST_CONCURRENCY = 1000;
/**
 * Bytes of znode data and paths per multi-op of `putMany`: well under the
 * 1 MiB `jute.maxbuffer`, whose excess makes the server drop the connection.
 */
const MULTI_BYTES = 512 * 1024;
/** Operations per multi-op of `putMany` (each has a fixed overhead in the request). */
const MULTI_OPS = 1000;

const isCode = (error: unknown, code: ZooKeeperError['code']): boolean => error instanceof ZooKeeperError && error.code === code;

/** Store over a ZooKeeper ensemble; keys live under the URL's path. Create with `ZooKeeperStore.open`. */
export class ZooKeeperStore implements Store {
  private current: Promise<ZooKeeperSession>;
  private closed = false;

  private constructor(
    /** Ensemble and root path (`zk://…/mesos` → keys under `/mesos`). */
    readonly url: ZooKeeperUrl,
    private readonly options: ZooKeeperSessionOptions,
    first: ZooKeeperSession,
  ) {
    this.current = Promise.resolve(first);
  }

  /**
   * Connects to `url` (`zk://…` text or parsed) and creates its path if missing.
   * Throws ZooKeeperUrlError for bad text, ZooKeeperError (`CONNECT_TIMEOUT`,
   * `AUTH_FAILED`, `NO_AUTH`) when the ensemble cannot be used.
   */
  static async open(url: ZooKeeperUrl | string, options: ZooKeeperSessionOptions = {}): Promise<ZooKeeperStore> {
    const parsed = typeof url === 'string' ? parseZooKeeperUrl(url) : url;
    const session = await ZooKeeperSession.connect(parsed, options);
    try {
      await session.ensurePath(parsed.path);
    } catch (error) {
      await session.close();
      throw error;
    }
    return new ZooKeeperStore(parsed, options, session);
  }

  async get<T>(key: string): Promise<StoreEntry<T> | undefined> {
    const path = keyPath(this.url.path, key);
    const node = await this.read((session) => session.getData(path));
    if (!node || node.data.length === 0) return undefined;
    return { key, value: JSON.parse(node.data.toString('utf8')) as T, version: storeVersion(node.version) };
  }

  /** All keys starting with `prefix`, sorted; not a snapshot: each key is read on its own. */
  async list<T>(prefix: string): Promise<Array<StoreEntry<T>>> {
    const [directory, partial] = splitPrefix(prefix);
    const directoryPath = directory === '' ? this.url.path : keyPath(this.url.path, directory);
    const entries: Array<StoreEntry<T>> = [];
    await this.read(async (session) => {
      entries.length = 0;
      const names = (await session.getChildren(directoryPath)) ?? [];
      let frontier = names.filter((name) => name.startsWith(partial)).map((name) => childKey(directory, name));
      while (frontier.length > 0) {
        const next: string[] = [];
        for (let i = 0; i < frontier.length; i += LIST_CONCURRENCY) {
          await Promise.all(
            frontier.slice(i, i + LIST_CONCURRENCY).map(async (key) => {
              const path = joinZnodePath(this.url.path, key);
              const node = await session.getData(path);
              if (!node) return;
              if (node.data.length > 0) entries.push({ key, value: JSON.parse(node.data.toString('utf8')) as T, version: storeVersion(node.version) });
              if (node.numChildren > 0) for (const name of (await session.getChildren(path)) ?? []) next.push(`${key}/${name}`);
            }),
          );
        }
        frontier = next;
      }
    });
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Writes `value` (see Store.put). Throws StoreConflictError when `expectedVersion`
   * is not the current version, StoreValueTooLargeError past MAX_VALUE_BYTES,
   * StoreKeyError for a key that cannot be a znode, ZooKeeperError when the
   * ensemble cannot be reached (then the write may or may not have happened).
   */
  async put<T>(key: string, value: T, expectedVersion?: number): Promise<number> {
    const path = keyPath(this.url.path, key);
    const data = encodeValue(key, value);
    const session = await this.session();
    if (expectedVersion === undefined) {
      for (;;) {
        try {
          return storeVersion(await session.setData(path, data, -1));
        } catch (error) {
          if (!isCode(error, 'NO_NODE')) throw error;
        }
        try {
          await this.createKey(session, path, data);
          return 1;
        } catch (error) {
          // Someone created it between our two calls: overwrite, as an unconditional put does.
          if (!isCode(error, 'NODE_EXISTS')) throw error;
        }
      }
    }
    if (expectedVersion === 0) {
      try {
        await this.createKey(session, path, data);
        return 1;
      } catch (error) {
        if (!isCode(error, 'NODE_EXISTS')) throw error;
      }
      // The znode exists: a key (conflict) or a bare intermediate znode, which a key may claim.
      const node = await session.getData(path);
      if (node && node.data.length === 0) {
        try {
          return storeVersion(await session.setData(path, data, node.version));
        } catch (error) {
          if (!isCode(error, 'BAD_VERSION') && !isCode(error, 'NO_NODE')) throw error;
        }
      }
      throw new StoreConflictError(key, 0, await this.actualVersion(session, path));
    }
    try {
      return storeVersion(await session.setData(path, data, znodeVersion(expectedVersion)));
    } catch (error) {
      if (!isCode(error, 'BAD_VERSION') && !isCode(error, 'NO_NODE')) throw error;
      throw new StoreConflictError(key, expectedVersion, await this.actualVersion(session, path));
    }
  }

  /**
   * Writes `entries` unconditionally (see Store.putMany): one multi-op of
   * setData per chunk of at most MULTI_OPS entries / MULTI_BYTES, chunks in
   * flight together. A chunk holding a key that is not a znode yet fails as a
   * whole (NO_NODE) and is then created as one multi-op, when none of its keys
   * exists (a burst of first registrations); a chunk of new and existing keys
   * fails that too and is written key by key with `put`. Throws as `put`
   * does; each chunk is atomic, the whole list is not.
   */
  async putMany(entries: ReadonlyArray<StoreWrite>): Promise<void> {
    const chunks: Array<Array<{ key: string; path: string; data: Buffer; value: unknown }>> = [];
    let chunk: Array<{ key: string; path: string; data: Buffer; value: unknown }> = [];
    let bytes = 0;
    for (const { key, value } of entries) {
      const path = keyPath(this.url.path, key);
      const data = encodeValue(key, value);
      const size = data.length + path.length + 32;
      if (chunk.length > 0 && (chunk.length >= MULTI_OPS || bytes + size > MULTI_BYTES)) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push({ key, path, data, value });
      bytes += size;
    }
    if (chunk.length > 0) chunks.push(chunk);
    const session = await this.session();
    await Promise.all(
      chunks.map(async (items) => {
        try {
          await session.multi(items.map((item) => ({ type: 'setData' as const, path: item.path, data: item.data, version: -1 })));
          return;
        } catch (error) {
          if (!isCode(error, 'NO_NODE')) throw error;
        }
        // Key by key, 10,000 first registrations were 20,000 requests in flight at once (a
        // setData refused, then a create), each refusal an exception, and the leader's event
        // loop stalled for seconds reading their answers: long enough to lose its session.
        try {
          await this.createAll(session, items);
          return;
        } catch (error) {
          if (!isCode(error, 'NODE_EXISTS')) throw error;
        }
        await Promise.all(items.map((item) => this.put(item.key, item.value)));
      }),
    );
  }

  /** Deletes `key` (see Store.delete). A key with keys below it is emptied rather than removed. Throws StoreConflictError on a version mismatch. */
  async delete(key: string, expectedVersion?: number): Promise<void> {
    const path = keyPath(this.url.path, key);
    const session = await this.session();
    if (expectedVersion === 0) {
      const actual = await this.actualVersion(session, path);
      if (actual !== 0) throw new StoreConflictError(key, 0, actual);
      return;
    }
    const version = expectedVersion === undefined ? -1 : znodeVersion(expectedVersion);
    try {
      await session.remove(path, version);
      return;
    } catch (error) {
      if (isCode(error, 'NO_NODE') && expectedVersion === undefined) return;
      if (isCode(error, 'NOT_EMPTY')) {
        try {
          await session.setData(path, EMPTY, version);
          return;
        } catch (inner) {
          if (isCode(inner, 'NO_NODE') && expectedVersion === undefined) return;
          if (!isCode(inner, 'BAD_VERSION') && !isCode(inner, 'NO_NODE')) throw inner;
        }
      } else if (!isCode(error, 'BAD_VERSION') && !isCode(error, 'NO_NODE')) {
        throw error;
      }
    }
    throw new StoreConflictError(key, expectedVersion!, await this.actualVersion(session, path));
  }

  /** Closes the session. Later calls fail with ZooKeeperError `CLOSED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const session = await this.current.catch(() => undefined);
    await session?.close();
  }

  /** The live session, opening a new one after an expiry (one reconnection shared by concurrent callers). */
  private async session(): Promise<ZooKeeperSession> {
    if (this.closed) throw new ZooKeeperError('CLOSED', 'The ZooKeeper store is closed');
    const pending = this.current;
    const session = await pending.catch(() => undefined);
    if (session && session.state !== 'expired' && session.state !== 'closed') return session;
    if (this.current === pending) this.current = ZooKeeperSession.connect(this.url, this.options);
    return this.current;
  }

  private async read<R>(run: (session: ZooKeeperSession) => Promise<R>): Promise<R> {
    try {
      return await run(await this.session());
    } catch (error) {
      if (this.closed || !isCode(error, 'SESSION_EXPIRED')) throw error;
      return run(await this.session());
    }
  }

  /**
   * Creates every item's znode in one multi-op, creating missing parents first.
   * Throws NODE_EXISTS (nothing created) when any of them exists already.
   */
  private async createAll(session: ZooKeeperSession, items: ReadonlyArray<{ path: string; data: Buffer }>): Promise<void> {
    const ops = items.map((item) => ({ type: 'create' as const, path: item.path, data: item.data, mode: 'persistent' as const }));
    try {
      await session.multi(ops);
    } catch (error) {
      if (!isCode(error, 'NO_NODE')) throw error;
      const parents = new Set(items.map((item) => item.path.slice(0, item.path.lastIndexOf('/')) || '/'));
      for (const parent of parents) await session.ensurePath(parent);
      await session.multi(ops);
    }
  }

  private async createKey(session: ZooKeeperSession, path: string, data: Buffer): Promise<void> {
    try {
      await session.create(path, data, 'persistent');
    } catch (error) {
      if (!isCode(error, 'NO_NODE')) throw error;
      await session.ensurePath(path.slice(0, path.lastIndexOf('/')));
      await session.create(path, data, 'persistent');
    }
  }

  /** The key's current Store version (0 when absent), for a conflict report. */
  private async actualVersion(session: ZooKeeperSession, path: string): Promise<number> {
    const node = await session.getData(path);
    return node && node.data.length > 0 ? storeVersion(node.version) : 0;
  }
}

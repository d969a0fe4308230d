/**
 * The embedded Store: one SQLite file (better-sqlite3) holding versioned keys.
 * Synchronous underneath (a local file), exposed through the async Store
 * interface so the ZooKeeper store can stand in for it.
 */
import Database from 'better-sqlite3';
import { StoreConflictError, type Store, type StoreEntry, type StoreWrite } from './store.js';

interface Row {
  key: string;
  value: string;
  version: number;
}

/** SQLite-backed Store. `path` may be ':memory:' (the `in_memory` registry). */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement<[string], Row>;
  private readonly selectPrefix: Database.Statement<[string, string], Row>;
  private readonly upsert: Database.Statement<[string, string, number]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly bump: Database.Statement<[string, string]>;
  private readonly writeMany: (entries: ReadonlyArray<StoreWrite>) => void;

  /** Opens (creating if needed) the database; throws the SQLite error if the file cannot be opened. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL)');
    this.selectOne = this.db.prepare('SELECT key, value, version FROM entries WHERE key = ?');
    // Keys are compared as text; the range [prefix, prefix + U+FFFF) selects exactly the prefix.
    this.selectPrefix = this.db.prepare('SELECT key, value, version FROM entries WHERE key >= ? AND key < ? ORDER BY key');
    this.upsert = this.db.prepare(
      'INSERT INTO entries (key, value, version) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = excluded.version',
    );
    this.remove = this.db.prepare('DELETE FROM entries WHERE key = ?');
    // An unconditional write needs no read first: the version is bumped in place.
    this.bump = this.db.prepare(
      'INSERT INTO entries (key, value, version) VALUES (?, ?, 1) ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = entries.version + 1',
    );
    this.writeMany = this.db.transaction((entries: ReadonlyArray<StoreWrite>) => {
      for (const entry of entries) this.bump.run(entry.key, JSON.stringify(entry.value));
    });
  }

  async get<T>(key: string): Promise<StoreEntry<T> | undefined> {
    const row = this.selectOne.get(key);
    return row ? { key: row.key, value: JSON.parse(row.value) as T, version: row.version } : undefined;
  }

  async list<T>(prefix: string): Promise<Array<StoreEntry<T>>> {
    return this.selectPrefix
      .all(prefix, `${prefix}\uffff`)
      .map((row) => ({ key: row.key, value: JSON.parse(row.value) as T, version: row.version }));
  }

  async put<T>(key: string, value: T, expectedVersion?: number): Promise<number> {
    const write = this.db.transaction((): number => {
      const current = this.selectOne.get(key)?.version ?? 0;
      if (expectedVersion !== undefined && current !== expectedVersion) {
        throw new StoreConflictError(key, expectedVersion, current);
      }
      this.upsert.run(key, JSON.stringify(value), current + 1);
      return current + 1;
    });
    return write();
  }

  /** Writes all `entries` in one transaction (all or none). Throws the SQLite error, or TypeError for a value that is not JSON. */
  async putMany(entries: ReadonlyArray<StoreWrite>): Promise<void> {
    if (entries.length > 0) this.writeMany(entries);
  }

  async delete(key: string, expectedVersion?: number): Promise<void> {
    const erase = this.db.transaction(() => {
      const current = this.selectOne.get(key)?.version ?? 0;
      if (expectedVersion !== undefined && current !== expectedVersion) {
        throw new StoreConflictError(key, expectedVersion, current);
      }
      this.remove.run(key);
    });
    erase();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

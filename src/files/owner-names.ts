/**
 * uid/gid → user/group names for listings (Mesos calls `getpwuid`/`getgrgid`;
 * Node has neither, so `/etc/passwd` and `/etc/group` are read, at most once
 * per `ttlMs`). Unknown ids come back as their numbers, as Mesos prints them.
 */
import { readFile } from 'node:fs/promises';
import type { OwnerNames } from './file-info.js';

/** Parses `name:x:id:...` lines into id → name (first name wins). Pure. */
export function parseIdFile(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    const id = Number(fields[2]);
    if (fields[0] && Number.isInteger(id) && !out.has(id)) out.set(id, fields[0]);
  }
  return out;
}

/** Cached name lookup; one per daemon is enough. */
export class OwnerNameCache {
  private users = new Map<number, string>();
  private groups = new Map<number, string>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  /**
   * @param ttlMs how long the files are trusted (default 60 s).
   * @param now clock in ms (injected for tests).
   */
  constructor(
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly files = { passwd: '/etc/passwd', group: '/etc/group' },
  ) {}

  /** Names for a uid/gid pair. Never throws (unreadable files → numbers). */
  async lookup(uid: number, gid: number): Promise<OwnerNames> {
    await this.refresh();
    return { user: this.users.get(uid) ?? String(uid), group: this.groups.get(gid) ?? String(gid) };
  }

  private async refresh(): Promise<void> {
    if (this.now() - this.loadedAt < this.ttlMs) return;
    this.loading ??= (async () => {
      const read = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');
      const [passwd, group] = await Promise.all([read(this.files.passwd), read(this.files.group)]);
      this.users = parseIdFile(passwd);
      this.groups = parseIdFile(group);
      this.loadedAt = this.now();
    })().finally(() => (this.loading = undefined));
    await this.loading;
  }
}

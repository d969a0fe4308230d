/**
 * How Store keys map onto znodes, pure. A key `registry/agents/A1` under the
 * group path `/mesos` is the znode `/mesos/registry/agents/A1`: one znode per
 * key, so each value has ZooKeeper's full size limit to itself and an operator
 * sees the registry with `zkCli.sh ls`.
 *
 * Intermediate znodes (`/mesos/registry`) are empty; a znode holds a key exactly
 * when its data is non-empty (a value's JSON never is). Store versions are
 * ZooKeeper data versions plus one, so a new key starts at 1 as the Store
 * contract says.
 */
import { StoreKeyError, StoreValueTooLargeError } from './errors.js';
import { joinZnodePath } from './zk-url.js';

/**
 * Largest value, in bytes of UTF-8 JSON: ZooKeeper's default `jute.maxbuffer`
 * (1 MiB) bounds a whole request, so 1 KiB is left for the request's header
 * and the znode path.
 */
export const MAX_VALUE_BYTES = 1024 * 1024 - 1024;

/** Store version ↔ ZooKeeper data version. */
export const storeVersion = (znodeVersion: number): number => znodeVersion + 1;
export const znodeVersion = (storeVersion: number): number => storeVersion - 1;

/**
 * The znode path of `key` under `root`. Throws StoreKeyError for an empty key,
 * a leading or trailing `/`, an empty, `.` or `..` segment, a control
 * character, or (at the ZooKeeper root) a key inside the reserved `/zookeeper`.
 */
export function keyPath(root: string, key: string): string {
  validateKeySegments(key, key);
  if (root === '/' && (key === 'zookeeper' || key.startsWith('zookeeper/'))) throw new StoreKeyError(key, "'/zookeeper' is reserved by ZooKeeper");
  return joinZnodePath(root, key);
}

/**
 * Splits a list prefix into the directory key to list (`''` for the root) and
 * the start of child names to keep: `registry/ag` → `['registry', 'ag']`,
 * `registry/` → `['registry', '']`. Throws StoreKeyError for a malformed directory part.
 */
export function splitPrefix(prefix: string): [directory: string, partial: string] {
  const slash = prefix.lastIndexOf('/');
  if (slash < 0) return ['', prefix];
  const directory = prefix.slice(0, slash);
  validateKeySegments(directory, prefix);
  return [directory, prefix.slice(slash + 1)];
}

/** `key`'s value as znode data. Throws StoreValueTooLargeError past MAX_VALUE_BYTES, TypeError if not JSON-serialisable. */
export function encodeValue(key: string, value: unknown): Buffer {
  const json = JSON.stringify(value);
  if (typeof json !== 'string') throw new TypeError(`Value for '${key}' is not JSON-serialisable`);
  const data = Buffer.from(json, 'utf8');
  if (data.length > MAX_VALUE_BYTES) throw new StoreValueTooLargeError(key, data.length, MAX_VALUE_BYTES);
  return data;
}

/** Joins a directory key and a child name (`''` + `a` → `a`). */
export function childKey(directory: string, name: string): string {
  return directory === '' ? name : `${directory}/${name}`;
}

function validateKeySegments(key: string, shown: string): void {
  if (key === '') throw new StoreKeyError(shown, 'empty');
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new StoreKeyError(shown, 'control characters');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new StoreKeyError(shown, "empty, '.' or '..' segment (or a leading/trailing '/')");
  }
}

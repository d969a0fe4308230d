/**
 * Following a standby master's `307 Temporary Redirect` to the leader.
 *
 * Mesos answers leader-only endpoints on a non-leading master with
 * `Location: //<leader-host>:<port><path>` (protocol-relative, path already the
 * delegated one such as `/master/api/v1/scheduler`). Pure.
 */
import { parseMasterAddress, type MasterAddress } from './master-detector.js';

/** Where a redirect points: the leader's address and the path to call there. */
export interface LeaderLocation {
  master: MasterAddress;
  /** Absolute path (with query, if any), e.g. `/master/api/v1/scheduler`. */
  path: string;
}

/**
 * Resolves a `Location` header relative to the master that sent it. Accepts
 * `//host:port/path`, `http://host:port/path` and a bare `/path` (same master).
 * An empty path falls back to `fallbackPath`. Throws MasterSpecError (from
 * parseMasterAddress) when the host part is unusable.
 */
export function resolveLeaderLocation(location: string, from: MasterAddress, fallbackPath: string): LeaderLocation {
  const text = location.trim();
  let authorityAndPath: string;
  if (text.startsWith('//')) authorityAndPath = text.slice(2);
  else if (/^https?:\/\//i.test(text)) authorityAndPath = text.replace(/^https?:\/\//i, '');
  else if (text.startsWith('/')) return { master: from, path: text };
  else authorityAndPath = text;
  const slash = authorityAndPath.indexOf('/');
  const authority = slash >= 0 ? authorityAndPath.slice(0, slash) : authorityAndPath;
  const path = slash >= 0 ? authorityAndPath.slice(slash) : '';
  return { master: parseMasterAddress(authority), path: path === '' ? fallbackPath : path };
}

/** `http://host:port/path` for a master address and an absolute path. */
export function masterUrl(master: MasterAddress, path: string): string {
  const host = master.host.includes(':') ? `[${master.host}]` : master.host;
  return `http://${host}:${master.port}${path}`;
}

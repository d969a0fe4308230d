/**
 * `zk://[user:password@]host1:port1,host2:port2/path` — the ZooKeeper location
 * Mesos takes in `--zk` and `--master` (and Marathon in `--zk`). Pure: text in,
 * a parsed location or a ZooKeeperUrlError out.
 *
 * Mirrors Mesos's `zookeeper::URL::parse`: the credentials, when present, are a
 * `digest` scheme identity used for authentication and for the ACLs of the znodes
 * we create; the path is the group's znode (`/mesos`), `/` when absent.
 */

/** One ensemble member's client address. `port` defaults to 2181 (ZooKeeper's client port). */
export interface ZooKeeperServer {
  host: string;
  port: number;
}

/** A parsed `zk://` URL. */
export interface ZooKeeperUrl {
  /** Ensemble members in the order given (at least one). */
  servers: ZooKeeperServer[];
  /** Absolute znode path with no trailing `/` (`/mesos`); `/` for the root. */
  path: string;
  /** `digest` credentials from `user:password@`, as Mesos's `zk://user:pass@…`. */
  credentials?: { username: string; password: string };
}

/** `zk://` text that is not a usable ZooKeeper location. Not retryable. */
export class ZooKeeperUrlError extends Error {
  readonly code = 'ZK_URL_INVALID';
  constructor(
    message: string,
    /** The offending text (credentials included: do not log it as is). */
    readonly url: string,
  ) {
    super(message);
    this.name = 'ZooKeeperUrlError';
  }
}

/** ZooKeeper's default client port. */
export const DEFAULT_ZOOKEEPER_PORT = 2181;

const SCHEME = 'zk://';
const HOST = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * Parses `zk://[user:password@]h1[:p1][,h2[:p2]…][/path]`.
 * Throws ZooKeeperUrlError (message says what is wrong; the password is never
 * echoed) on: a missing `zk://`, malformed credentials, no server, an empty or
 * bracketed (IPv6: unsupported by the client library) host, a port outside
 * 1..65535, or a path with empty, `.` or `..` segments, a trailing `/`, or
 * whitespace/control characters.
 */
export function parseZooKeeperUrl(text: string): ZooKeeperUrl {
  const raw = text.trim();
  const shown = redactZooKeeperUrl(raw);
  const fail = (why: string): never => {
    throw new ZooKeeperUrlError(`Invalid ZooKeeper URL '${shown}': ${why}`, text);
  };
  if (raw.slice(0, SCHEME.length).toLowerCase() !== SCHEME) fail(`expecting '${SCHEME}' at the beginning`);
  let rest = raw.slice(SCHEME.length);

  let credentials: ZooKeeperUrl['credentials'];
  const slash = rest.indexOf('/');
  const at = rest.lastIndexOf('@', slash >= 0 ? slash : rest.length);
  if (at >= 0) {
    const identity = rest.slice(0, at);
    const colon = identity.indexOf(':');
    if (colon <= 0 || colon === identity.length - 1) fail("credentials must be 'username:password@'");
    credentials = { username: identity.slice(0, colon), password: identity.slice(colon + 1) };
    rest = rest.slice(at + 1);
  }

  const pathStart = rest.indexOf('/');
  const hostList = pathStart >= 0 ? rest.slice(0, pathStart) : rest;
  const path = pathStart >= 0 ? rest.slice(pathStart) : '/';
  if (hostList === '') fail('no server given');
  const servers = hostList.split(',').map((entry) => parseServer(entry, fail));
  validatePath(path, fail);
  return credentials ? { servers, path, credentials } : { servers, path };
}

function parseServer(entry: string, fail: (why: string) => never): ZooKeeperServer {
  if (entry === '') return fail('empty server in the list');
  if (entry.startsWith('[')) return fail(`IPv6 server '${entry}' is not supported; use a host name or IPv4 address`);
  const colon = entry.lastIndexOf(':');
  const host = colon >= 0 ? entry.slice(0, colon) : entry;
  const portText = colon >= 0 ? entry.slice(colon + 1) : undefined;
  if (!HOST.test(host)) return fail(`invalid host '${host}'`);
  const port = portText === undefined ? DEFAULT_ZOOKEEPER_PORT : /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`invalid port '${portText}' for host '${host}'`);
  return { host, port };
}

function validatePath(path: string, fail: (why: string) => never): void {
  if (path === '/') return;
  if (/[\s\u0000-\u001f\u007f?#]/.test(path)) fail(`path '${path}' contains whitespace, control characters, '?' or '#'`);
  if (path.endsWith('/')) fail(`path '${path}' must not end with '/'`);
  for (const segment of path.slice(1).split('/')) {
    if (segment === '' || segment === '.' || segment === '..') fail(`path '${path}' has an empty, '.' or '..' segment`);
  }
}

/** `h1:p1,h2:p2` — the ensemble as ZooKeeper client libraries take it (no chroot). */
export function connectionString(url: ZooKeeperUrl): string {
  return url.servers.map((s) => `${s.host}:${s.port}`).join(',');
}

/** The URL back as text, with the password replaced by `***` (for logs and `/flags`). */
export function formatZooKeeperUrl(url: ZooKeeperUrl): string {
  const identity = url.credentials ? `${url.credentials.username}:***@` : '';
  return `${SCHEME}${identity}${connectionString(url)}${url.path === '/' ? '' : url.path}`;
}

/** `text` with any `user:password@` password replaced by `***`; for error messages about unparsed input. */
export function redactZooKeeperUrl(text: string): string {
  if (text.slice(0, SCHEME.length).toLowerCase() !== SCHEME) return text;
  const rest = text.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const at = rest.lastIndexOf('@', slash >= 0 ? slash : rest.length);
  const colon = rest.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return text;
  return `${text.slice(0, SCHEME.length)}${rest.slice(0, colon)}:***${rest.slice(at)}`;
}

/** Joins a znode `base` path and a relative `child` (`/mesos` + `json.info_1` → `/mesos/json.info_1`). */
export function joinZnodePath(base: string, child: string): string {
  return base === '/' ? `/${child}` : `${base}/${child}`;
}

/**
 * A standby Chronos relays every request to the leader it learned from
 * ZooKeeper, as Chronos's RedirectFilter does (its docs say "redirected"; the
 * code proxies): same method, path, headers and body; the leader's status,
 * headers and body come back. When the leader cannot be reached: 500 with
 * Chronos's text "Error proxying request to leader (maybe the leadership just
 * changed?)". Without a known leader: 503 with an ApiResult body.
 *
 * A request already relayed once (`X-Chronos-Via`) that reaches another
 * standby is refused (503) rather than relayed again, so stale views never
 * bounce a request between standbys.
 */
import http from 'node:http';

/** Relay timeouts, ms: connect, then silence while reading. */
export interface LeaderProxyOptions {
  connectionTimeoutMs: number;
  readTimeoutMs: number;
}

/** Defaults: 5 s to connect, 10 s of silence. */
export const DEFAULT_LEADER_PROXY: LeaderProxyOptions = { connectionTimeoutMs: 5000, readTimeoutMs: 10_000 };

/** Chronos's answer when relaying fails. */
export const PROXY_ERROR_TEXT = 'Error proxying request to leader (maybe the leadership just changed?)';

const VIA = 'x-chronos-via';
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function unavailable(res: http.ServerResponse, message: string): void {
  res.writeHead(503, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message, status: 'Service Unavailable' }));
}

/**
 * Relays `req` to `leader` (`host:port`; undefined when none is known); `self`
 * is this standby's `host:port`. Never throws.
 */
export function proxyToLeader(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  leader: string | undefined,
  self: string,
  options: LeaderProxyOptions = DEFAULT_LEADER_PROXY,
): void {
  if (leader === undefined) {
    req.resume();
    unavailable(res, 'There is no leader');
    return;
  }
  if (req.headers[VIA] !== undefined) {
    req.resume();
    unavailable(res, `The request was already relayed (via ${String(req.headers[VIA])}) and ${self} is not the leader`);
    return;
  }
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'host') headers[name] = value;
  }
  headers['host'] = leader;
  headers[VIA] = self;
  const colon = leader.lastIndexOf(':');
  const upstream = http.request({
    host: leader.slice(0, colon),
    port: Number(leader.slice(colon + 1)),
    method: req.method,
    path: req.url ?? '/',
    headers,
    timeout: options.connectionTimeoutMs,
  });
  upstream.on('socket', (socket) => socket.once('connect', () => upstream.setTimeout(options.readTimeoutMs)));
  upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
  upstream.on('error', () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(PROXY_ERROR_TEXT);
  });
  upstream.on('response', (answer) => {
    const out: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    res.writeHead(answer.statusCode ?? 500, out);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

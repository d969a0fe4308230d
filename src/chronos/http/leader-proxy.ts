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
import type http from 'node:http';
import { relayRequest } from '../../transport/http-relay.js';

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
  relayRequest(req, res, {
    target: leader,
    connectionTimeoutMs: options.connectionTimeoutMs,
    readTimeoutMs: options.readTimeoutMs,
    requestHeaders: { [VIA]: self },
    onError: () => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(PROXY_ERROR_TEXT);
    },
  });
}

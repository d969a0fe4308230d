/**
 * A standby Marathon's answer to every API call: relay it to the leader, as
 * Marathon's LeaderProxyFilter does. Same method, path, headers and body;
 * the leader's status, headers and body come back with `X-Marathon-Via`
 * added. `/v2/events` is redirected (302) instead, since a proxied event
 * stream would die with this process. Without a known leader, or when the
 * leader cannot be reached, 502 `{"message": …}` (Marathon: 502 from Jetty).
 *
 * A request that already passed through a proxy (it carries `X-Marathon-Via`)
 * and reaches another standby is refused with 502 rather than relayed again,
 * so two standbys with stale views never bounce a request between them.
 */
import type http from 'node:http';
import { relayRequest } from '../../transport/http-relay.js';

/** Timeouts of the relay, ms (`--leader_proxy_connection_timeout`, `--leader_proxy_read_timeout`). */
export interface LeaderProxyOptions {
  connectionTimeoutMs: number;
  readTimeoutMs: number;
}

/** Marathon's defaults: 5 s to connect, 10 s of silence while reading. */
export const DEFAULT_LEADER_PROXY: LeaderProxyOptions = { connectionTimeoutMs: 5000, readTimeoutMs: 10_000 };

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1). */

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Relays `req` to the leader at `leader` (`host:port`, or undefined when none
 * is known); `self` is this standby's `host:port` for `X-Marathon-Via`.
 * Never throws: failures become 502 answers (or a reset when the leader's
 * answer already began).
 */
export function proxyToLeader(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  leader: string | undefined,
  self: string,
  options: LeaderProxyOptions = DEFAULT_LEADER_PROXY,
): void {
  const via = `1.1 ${self}`;
  if (leader === undefined) {
    req.resume();
    sendJson(res, 502, { message: 'Could not determine the current leader' }, { 'X-Marathon-Via': via });
    return;
  }
  if (req.headers['x-marathon-via'] !== undefined) {
    req.resume();
    sendJson(res, 502, { message: `Proxy loop: the request was already proxied (via ${String(req.headers['x-marathon-via'])}) and ${self} is not the leader` });
    return;
  }
  const path = req.url ?? '/';
  if (path === '/v2/events' || path.startsWith('/v2/events?')) {
    req.resume();
    res.writeHead(302, { Location: `http://${leader}${path}`, 'X-Marathon-Leader': `http://${leader}`, 'Content-Length': '0' });
    res.end();
    return;
  }
  relayRequest(req, res, {
    target: leader,
    connectionTimeoutMs: options.connectionTimeoutMs,
    readTimeoutMs: options.readTimeoutMs,
    requestHeaders: { 'x-marathon-via': via },
    responseHeaders: { 'x-marathon-via': via },
    onError: (error) => sendJson(res, 502, { message: `Failed to proxy the request to the leader ${leader}: ${error.message}` }, { 'X-Marathon-Via': via }),
  });
}

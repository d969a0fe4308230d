/**
 * Relays one HTTP request to another server and its answer back, streaming
 * both bodies: what a standby Marathon or Chronos does with API calls it
 * cannot answer itself (their leader proxies). Hop-by-hop headers stay on
 * their hop; `Host` names the target.
 */
import http from 'node:http';

/** Headers that belong to one connection, never relayed (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** How `relayRequest` reaches the target and reports failures; durations in ms. */
export interface RelayOptions {
  /** `host:port` of the server to relay to. */
  target: string;
  /** Bound on connecting to the target. */
  connectionTimeoutMs: number;
  /** Bound on each silence of the target once connected. */
  readTimeoutMs: number;
  /** Added to the relayed request (e.g. a via header naming this hop). */
  requestHeaders?: Record<string, string>;
  /** Added to the relayed answer. */
  responseHeaders?: Record<string, string>;
  /**
   * Answers `res` for a failure before the target's answer began (connection
   * refused, timeouts: the error says which). Later failures reset `res`.
   */
  onError(error: Error): void;
}

/** See the module comment. Never throws. */
export function relayRequest(req: http.IncomingMessage, res: http.ServerResponse, options: RelayOptions): void {
  const { target } = options;
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'host') headers[name] = value;
  }
  Object.assign(headers, options.requestHeaders, { host: target });
  const colon = target.lastIndexOf(':');
  const upstream = http.request({
    host: target.slice(0, colon),
    port: Number(target.slice(colon + 1)),
    method: req.method,
    path: req.url ?? '/',
    headers,
    timeout: options.connectionTimeoutMs,
  });
  let connected = false;
  upstream.on('socket', (socket) =>
    socket.once('connect', () => {
      connected = true;
      upstream.setTimeout(options.readTimeoutMs);
    }),
  );
  upstream.on('timeout', () =>
    upstream.destroy(
      new Error(connected ? `no answer from ${target} within ${options.readTimeoutMs} ms` : `could not connect to ${target} within ${options.connectionTimeoutMs} ms`),
    ),
  );
  upstream.on('error', (error) => {
    if (res.headersSent) res.destroy();
    else options.onError(error);
  });
  upstream.on('response', (answer) => {
    const out: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    Object.assign(out, options.responseHeaders);
    res.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

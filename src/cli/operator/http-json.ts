/**
 * GET a JSON document from a master or agent endpoint, with errors an
 * operator can read: `Failed to reach master at 127.0.0.1:5050: connection
 * refused`. Plain `node:http` rather than `fetch`, because loading undici
 * costs more start-up time than a whole `meseta tasks` run should, and its
 * errors hide the errno under `cause`.
 *
 * Follows up to 3 redirects (a standby master answers 307 to the leader).
 */
import http from 'node:http';
import { OperatorError } from './operator-error.js';

/** Where a request goes: `host:port` plus a label for messages (`master`, `agent`). */
export interface Endpoint {
  host: string;
  port: number;
  /** `master` or `agent <id>`: the words before "at host:port" in messages. */
  label: string;
}

/** `host:port`, with IPv6 literals bracketed. */
export function endpointText(endpoint: Pick<Endpoint, 'host' | 'port'>): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** Default bound on one request (ms). */
export const DEFAULT_TIMEOUT_MS = 10_000;

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (temporary DNS failure)',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  EPIPE: 'connection closed',
};

/** The words for a socket error (`ECONNREFUSED` → `connection refused`). */
export function describeSocketError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code];
  return error instanceof Error ? error.message : String(error);
}

/** A raw response. */
interface RawResponse {
  status: number;
  location?: string;
  body: string;
}

function request(host: string, port: number, path: string, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, headers: { accept: 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'TIMEOUT' })));
    req.on('error', reject);
  });
}

/** Where a redirect points: absolute `http://h:p/x` or `//h:p/x`, or a path on the same host. */
function redirectTarget(location: string, current: { host: string; port: number }): { host: string; port: number; path: string } {
  const url = new URL(location, `http://${endpointText(current)}/`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port === '' ? 80 : Number(url.port), path: url.pathname + url.search };
}

/**
 * GETs `path` (with its query) from `endpoint` and parses the body as JSON.
 * Throws OperatorError: UNREACHABLE (socket error or timeout), HTTP_STATUS
 * (non-2xx, with the first line of the body), BAD_RESPONSE (not JSON).
 */
export async function getJson<T>(endpoint: Endpoint, path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  let target = { host: endpoint.host, port: endpoint.port, path };
  for (let hop = 0; ; hop++) {
    let response: RawResponse;
    try {
      response = await request(target.host, target.port, target.path, timeoutMs);
    } catch (error) {
      throw new OperatorError('UNREACHABLE', `Failed to reach ${endpoint.label} at ${endpointText(target)}: ${describeSocketError(error)}`, {
        cause: error,
      });
    }
    if (response.status >= 300 && response.status < 400 && response.location && hop < 3) {
      target = redirectTarget(response.location, target);
      continue;
    }
    if (response.status < 200 || response.status >= 300) {
      const detail = response.body.trim().split('\n')[0]?.slice(0, 200) ?? '';
      throw new OperatorError(
        'HTTP_STATUS',
        `${endpoint.label} at ${endpointText(target)} answered ${response.status} ${http.STATUS_CODES[response.status] ?? ''}`.trimEnd() +
          ` to GET ${target.path.split('?')[0]}` +
          (detail ? `: ${detail}` : ''),
        { status: response.status },
      );
    }
    try {
      return JSON.parse(response.body) as T;
    } catch (error) {
      throw new OperatorError('BAD_RESPONSE', `${endpoint.label} at ${endpointText(target)} sent invalid JSON for GET ${target.path.split('?')[0]}`, {
        cause: error,
      });
    }
  }
}

/** Like `getJson`, but resolves to undefined where `getJson` would throw HTTP_STATUS 404. */
export async function getJsonOrMissing<T>(endpoint: Endpoint, path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T | undefined> {
  try {
    return await getJson<T>(endpoint, path, timeoutMs);
  } catch (error) {
    if (error instanceof OperatorError && error.code === 'HTTP_STATUS' && error.status === 404) return undefined;
    throw error;
  }
}

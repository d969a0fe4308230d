/**
 * Browser HTTP helpers for public endpoints: JSON GETs that report the status
 * and body on failure, and JSONP for the cross-origin reads the Mesos UI also
 * makes that way (agents and a leader on another host send no CORS headers).
 */

/** A non-2xx answer: `status` and the start of its body (Mesos answers errors as plain text). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    url: string,
  ) {
    super(`${url}: HTTP ${status}${body ? ` — ${body.trim().slice(0, 200)}` : ''}`);
    this.name = 'HttpError';
  }
}

/** GETs `url` and parses JSON; throws HttpError on non-2xx, TypeError when unreachable. */
export async function getJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { cache: 'no-store', ...init });
  if (!response.ok) throw new HttpError(response.status, await response.text().catch(() => ''), url);
  return (await response.json()) as T;
}

/** GETs `url` as text (CSV, dot); throws HttpError on non-2xx, TypeError when unreachable. */
export async function getText(url: string): Promise<string> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new HttpError(response.status, await response.text().catch(() => ''), url);
  return response.text();
}

/** Sends `body` as JSON with `method`; resolves with status and parsed body (or text when not JSON). */
export async function sendJson(url: string, method: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // plain-text answer (Mesos errors): kept as text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

let jsonpCounter = 0;

/**
 * Loads `url` as JSONP: a `<script>` whose `?jsonp=` callback receives the
 * document. Scripts follow redirects across origins, which fetch may not.
 * Rejects after `timeoutMs` or on a load error.
 */
export function jsonp<T>(url: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const name = `__mesetaJsonp${++jsonpCounter}`;
    const registry = window as unknown as Record<string, unknown>;
    const script = document.createElement('script');
    const cleanup = (): void => {
      clearTimeout(timer);
      delete registry[name];
      script.remove();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`JSONP ${url}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    registry[name] = (data: T): void => {
      cleanup();
      resolve(data);
    };
    script.onerror = (): void => {
      cleanup();
      reject(new Error(`JSONP ${url}: failed to load`));
    };
    script.src = `${url}${url.includes('?') ? '&' : '?'}jsonp=${name}`;
    document.head.appendChild(script);
  });
}

/** Query string from a record, leaving out undefined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

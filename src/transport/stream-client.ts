/**
 * Client side of a Mesos streaming call: POST a JSON body, get `200` and a
 * RecordIO stream of JSON events (scheduler SUBSCRIBE, executor SUBSCRIBE, the
 * agent channel, operator SUBSCRIBE), plus one-shot JSON calls on other
 * connections. Uses node:http so a stream's socket is ours to close at once.
 */
import http from 'node:http';
import { RecordIODecoder } from './recordio.js';

/** An HTTP call failed with a non-2xx status; `body` is the response text. */
export class HttpCallError extends Error {
  readonly code = 'HTTP_CALL_FAILED';
  constructor(
    readonly status: number,
    readonly body: string,
    readonly location?: string,
  ) {
    super(`HTTP ${status}${body ? `: ${body}` : ''}`);
  }
}

export interface StreamHandlers {
  /** Called for each record, in order; never before `openStream` has resolved. */
  onEvent(event: unknown): void;
  /** Called once when the stream ends for any reason (`error` undefined on a clean end); never before `openStream` has resolved. */
  onClose(error?: Error): void;
}

export interface OpenStream {
  /** Response headers (e.g. `mesos-stream-id`). */
  headers: http.IncomingHttpHeaders;
  /** Ends the stream; `onClose` is called. Idempotent. */
  close(): void;
}

/**
 * POSTs `body` as JSON to `url` and streams the RecordIO response. Resolves once
 * the `200` headers arrive; rejects with HttpCallError for any other status (a 307
 * carries `location`), or with the socket error.
 */
export function openStream(
  url: string,
  body: unknown,
  handlers: StreamHandlers,
  extraHeaders: Record<string, string> = {},
): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    let settled = false;
    let closed = false;
    // Until the caller has resumed from this promise, a close is held back too.
    let delivering = false;
    let heldClose: { error?: Error } | undefined;
    const finish = (error?: Error): void => {
      if (closed) return;
      closed = true;
      if (delivering) handlers.onClose(error);
      else heldClose = { error };
    };
    const request = http.request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Connection: 'close',
        'Content-Length': String(payload.length),
        ...extraHeaders,
      },
    });
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          settled = true;
          const location = response.headers.location;
          reject(new HttpCallError(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), location));
        });
        return;
      }
      const decoder = new RecordIODecoder();
      settled = true;
      // Records can arrive in the same packet as the headers. Hold them until the
      // caller has resumed from this promise, so no event precedes `openStream`'s result.
      response.pause();
      resolve({
        headers: response.headers,
        close: () => {
          request.destroy();
          finish();
        },
      });
      setImmediate(() => {
        delivering = true;
        if (heldClose) {
          handlers.onClose(heldClose.error);
          return;
        }
        response.on('data', (chunk: Buffer) => {
          if (closed) return;
          let events: unknown[];
          try {
            events = decoder.push(chunk);
          } catch (error) {
            request.destroy();
            finish(error as Error);
            return;
          }
          for (const event of events) {
            if (closed) return;
            handlers.onEvent(event);
          }
        });
        response.resume();
      });
      response.on('end', () => finish());
      response.on('close', () => finish(closed ? undefined : new Error('Stream closed')));
      response.on('error', (error) => finish(error));
    });
    request.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      } else finish(error);
    });
    request.end(payload);
  });
}

/** Result of a one-shot call. */
export interface CallResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * POSTs `body` as JSON and reads the whole response. Rejects with HttpCallError on
 * a status >= 300, or with the socket error; `timeoutMs` bounds the whole call.
 */
export function postJson(
  url: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const request = http.request(url, {
      method: 'POST',
      agent: keepAliveAgent,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Content-Length': String(payload.length),
        ...extraHeaders,
      },
      timeout: timeoutMs,
    });
    request.on('timeout', () => request.destroy(new Error(`Timed out after ${timeoutMs} ms calling ${url}`)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status >= 300) reject(new HttpCallError(status, text, response.headers.location));
        else resolve({ status, body: text, headers: response.headers });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** Shared keep-alive agent for one-shot calls: launches at rate reuse sockets. */
const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * HTTP/1.1 pipelining of small one-shot POSTs to one origin, coalesced in
 * time: every request made in one event-loop turn is written at the end of
 * that turn, in order, as one `write` per connection (one syscall, one TCP
 * segment train), and answers are read back in the same order (RFC 9112 §9.3.2).
 *
 * Why: a framework acknowledging thousands of updates per second, or a fleet
 * of simulated agents sending thousands of status updates, spent most of its
 * non-idle time in `http.request` (a ClientRequest, the agent's socket queue,
 * a cork/writev per request) — the placement bench's profile. The v1 API has
 * one call per HTTP request (one ACKNOWLEDGE per update), so nothing is merged
 * or dropped here: only the requests' bytes travel together.
 *
 *   request() ──► queue ──(setImmediate)──► flush: per connection, up to
 *   `maxPipelined` requests joined into one write ──► responses parsed in order
 *
 * With `connections: 1` (the default) requests reach the server in exactly
 * the order they were made. A connection that breaks fails the requests it
 * carried (the caller retries, as after any network error); requests not yet
 * written wait for the next connection.
 */
import net from 'node:net';
import { parseHttpResponses, type PipelinedResponse } from './http-response-parser.js';

export type { PipelinedResponse } from './http-response-parser.js';

/** Options of an {@link HttpPipeline}; durations in ms. */
export interface HttpPipelineOptions {
  /** `http://host:port` (no path). Throws TypeError for another scheme. */
  origin: string;
  /** Connections kept open; requests are spread over them. Default 1 (strict order). */
  connections?: number;
  /** Requests on the wire per connection before further ones wait. Default 128. */
  maxPipelined?: number;
  /** A connection with requests outstanding that stays silent this long is dropped, failing them. Default 30 s. */
  timeoutMs?: number;
  /** An idle connection is closed after this long (below servers' keep-alive timeouts). Default 4 s. */
  idleMs?: number;
}

interface Pending {
  head: string;
  body: string;
  resolve(response: PipelinedResponse): void;
  reject(error: Error): void;
}

/** Raised for requests lost with their connection (reset, timeout, close mid-answer). */
export class PipelineConnectionError extends Error {
  readonly code = 'PIPELINE_CONNECTION_FAILED';
}

class Connection {
  readonly outstanding: Pending[] = [];
  private head = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private dead = false;

  constructor(
    readonly socket: net.Socket,
    private readonly onGone: (connection: Connection) => void,
    private readonly onFree: () => void,
    private readonly timeoutMs: number,
    private readonly idleMs: number,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(idleMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => this.fail(new PipelineConnectionError(this.inFlight > 0 ? `no answer within ${this.timeoutMs} ms` : 'idle')));
    socket.on('error', (error) => this.fail(new PipelineConnectionError(error.message, { cause: error })));
    socket.on('close', () => this.fail(new PipelineConnectionError('connection closed')));
  }

  get inFlight(): number {
    return this.outstanding.length - this.head;
  }

  get alive(): boolean {
    return !this.dead;
  }

  send(batch: Pending[]): void {
    let text = '';
    for (const p of batch) {
      text += p.head + p.body;
      this.outstanding.push(p);
    }
    this.socket.setTimeout(this.timeoutMs);
    this.socket.write(text, 'utf8');
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let parsed;
    try {
      parsed = parseHttpResponses(this.buffer);
    } catch (error) {
      this.fail(new PipelineConnectionError(`bad response: ${(error as Error).message}`));
      return;
    }
    this.buffer = parsed.rest;
    let closing = false;
    for (const response of parsed.responses) {
      const pending = this.outstanding[this.head];
      if (pending === undefined) {
        this.fail(new PipelineConnectionError(`unsolicited response ${response.status}`));
        return;
      }
      this.outstanding[this.head++] = undefined as unknown as Pending;
      pending.resolve(response);
      if (response.headers['connection']?.toLowerCase() === 'close') closing = true;
    }
    if (this.head > 1024 && this.head * 2 > this.outstanding.length) {
      this.outstanding.splice(0, this.head);
      this.head = 0;
    }
    if (closing) return this.fail(new PipelineConnectionError('server closed the connection'));
    if (this.inFlight === 0) this.socket.setTimeout(this.idleMs);
    if (parsed.responses.length > 0) this.onFree();
  }

  /** Ends the connection; requests still outstanding reject with `error`. Idempotent. */
  fail(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const lost = this.outstanding.slice(this.head);
    this.outstanding.length = 0;
    this.head = 0;
    this.onGone(this);
    for (const p of lost) p.reject(error);
  }
}

/** Pipelined POSTs to one origin (see the file comment). */
export class HttpPipeline {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly connections: Connection[] = [];
  private readonly queue: Pending[] = [];
  private queueHead = 0;
  private flushScheduled = false;
  private closed = false;
  private readonly maxConnections: number;
  private readonly maxPipelined: number;
  private readonly timeoutMs: number;
  private readonly idleMs: number;

  constructor(options: HttpPipelineOptions) {
    const url = new URL(options.origin);
    if (url.protocol !== 'http:') throw new TypeError(`HttpPipeline speaks http only, got ${options.origin}`);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
    this.maxConnections = Math.max(1, options.connections ?? 1);
    this.maxPipelined = Math.max(1, options.maxPipelined ?? 128);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.idleMs = options.idleMs ?? 4000;
  }

  /** Requests made but not yet written. */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /**
   * POSTs `body` (JSON text) to `path` with `headers`. Resolves with the
   * answer whatever its status; rejects with PipelineConnectionError when the
   * connection carrying it fails first, or Error after close().
   */
  post(path: string, body: string, headers: Record<string, string> = {}): Promise<PipelinedResponse> {
    if (this.closed) return Promise.reject(new Error('HttpPipeline closed'));
    let head =
      `POST ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nContent-Type: application/json\r\nAccept: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => {
      this.queue.push({ head, body, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Drops every connection; outstanding and queued requests reject. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const queued = this.queue.slice(this.queueHead);
    this.queue.length = 0;
    this.queueHead = 0;
    for (const connection of [...this.connections]) connection.fail(new PipelineConnectionError('HttpPipeline closed'));
    for (const p of queued) p.reject(new Error('HttpPipeline closed'));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    while (this.connections.length < this.maxConnections && this.queued > this.connections.length * this.maxPipelined) this.open();
    for (const connection of this.connections) {
      const room = this.maxPipelined - connection.inFlight;
      if (room <= 0 || this.queued === 0) continue;
      // Spread a burst evenly rather than filling the first connection.
      const share = Math.min(room, Math.ceil(this.queued / this.connections.length));
      const batch = this.queue.slice(this.queueHead, this.queueHead + share);
      this.queueHead += batch.length;
      connection.send(batch);
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  private open(): void {
    const socket = net.connect({ host: this.host, port: this.port });
    const connection = new Connection(
      socket,
      (gone) => {
        const i = this.connections.indexOf(gone);
        if (i >= 0) this.connections.splice(i, 1);
        if (this.queued > 0) this.scheduleFlush();
      },
      () => {
        if (this.queued > 0) this.scheduleFlush();
      },
      this.timeoutMs,
      this.idleMs,
    );
    this.connections.push(connection);
  }
}

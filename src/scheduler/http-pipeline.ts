/**
 * Small one-shot POSTs to one origin over a few keep-alive connections
 * (undici's connection pool), optionally with HTTP/1.1 pipelining: several
 * requests on the wire per connection, answers read back in order (RFC 9112
 * §9.3.2).
 *
 * Why: a framework acknowledging thousands of updates per second, or a fleet
 * of simulated agents sending thousands of status updates, spent most of its
 * non-idle time in `http.request` (a ClientRequest, the agent's socket queue,
 * a cork/writev per request) — the placement bench's profile. The v1 API has
 * one call per HTTP request (one ACKNOWLEDGE per update), so nothing is merged
 * or dropped here: only the requests share connections and round trips.
 *
 * Pipelining needs `repeatable`: a POST in flight behind another when their
 * connection breaks may have reached the server or not, so undici sends a
 * POST only on a connection with nothing else in flight, unless told the call
 * may be sent again. With `repeatable`, requests are pipelined, the first call
 * in flight on a broken connection fails (PipelineConnectionError) and the
 * calls behind it are sent again on a new connection: at least once, never
 * lost. Without it, each connection carries one call at a time and a broken
 * connection fails that call. POSTs are never resent otherwise.
 *
 * With `connections: 1` (the default) requests reach the server in exactly
 * the order they were made.
 *
 * With `oneWritePerTurn`, what a connection is given during one event-loop
 * turn leaves in one write (transport/turn-cork.ts): undici writes each
 * request by itself, and a busy framework's acknowledgements cost one system
 * call each otherwise.
 */
import { Pool, buildConnector, errors } from 'undici';
import { corkUntilTurnEnd } from '../transport/turn-cork.js';

/** An answer: its status, headers (lower-case names) and body text. */
export interface PipelinedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Options of an {@link HttpPipeline}; durations in ms. */
export interface HttpPipelineOptions {
  /** `http://host:port` (no path). Throws TypeError for another scheme. */
  origin: string;
  /** Connections kept open; requests are spread over them. Default 1 (strict order). */
  connections?: number;
  /** Requests on the wire per connection before further ones wait (with `repeatable`; else 1). Default 128. */
  maxPipelined?: number;
  /** A request whose answer does not come this long after it was sent fails. Default 30 s. */
  timeoutMs?: number;
  /** An idle connection is closed after this long (below servers' keep-alive timeouts). Default 4 s. */
  idleMs?: number;
  /**
   * The calls may reach the server twice (it treats a repeat as a no-op or as
   * a retry, as Mesos does a repeated ACKNOWLEDGE or STATUS_UPDATE): pipeline
   * them (see the file comment). Default false: one call at a time per connection.
   */
  repeatable?: boolean;
  /**
   * Hold each connection's writes until the end of the event-loop turn, so a
   * turn's calls leave in one system call (see the file comment). For callers
   * that make many small calls per turn; it delays each turn's first call by
   * the rest of the turn. Default false.
   */
  oneWritePerTurn?: boolean;
}

/** Raised for requests lost with their connection (reset, close mid-answer) or not answered in time. */
export class PipelineConnectionError extends Error {
  readonly code = 'PIPELINE_CONNECTION_FAILED';
}

/** Pipelined POSTs to one origin (see the file comment). */
export class HttpPipeline {
  private readonly pool: Pool;
  private readonly timeoutMs: number;
  private readonly repeatable: boolean;
  /** The connections were dropped with whatever they carried (close()). */
  private destroyed = false;
  /** Calls made and not yet answered or failed. */
  private unsettled = 0;
  /** Set by drain(): settles it once the last unsettled call has. */
  private onDrained?: () => void;
  /** drain()'s promise: resolved once the connections are closed. */
  private whenClosed?: Promise<void>;
  /** No more calls are taken: close() or drain() was called. */
  private get closed(): boolean {
    return this.destroyed || this.whenClosed !== undefined;
  }
  private lastHeaders?: Record<string, string>;
  private lastMerged: Record<string, string> = {};

  constructor(options: HttpPipelineOptions) {
    const url = new URL(options.origin);
    if (url.protocol !== 'http:') throw new TypeError(`HttpPipeline speaks http only, got ${options.origin}`);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.repeatable = options.repeatable ?? false;
    const idleMs = options.idleMs ?? 4000;
    this.pool = new Pool(url.origin, {
      ...(options.oneWritePerTurn ? { connect: connectHoldingTurns() } : {}),
      connections: Math.max(1, options.connections ?? 1),
      pipelining: Math.max(1, options.maxPipelined ?? 128),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: idleMs,
      keepAliveMaxTimeout: idleMs,
    });
  }

  /**
   * POSTs `body` (JSON text) to `path` with `headers`. Resolves with the
   * answer whatever its status; rejects with PipelineConnectionError when the
   * connection carrying it fails or the answer is late, or Error after close().
   *
   * Through undici's `dispatch` with a handler of its own rather than
   * `request()`: these answers are a status and a few bytes, and the response
   * stream, async resource and header object `request()` builds for each were
   * most of a busy framework's garbage (a third of its time in the collector).
   */
  post(path: string, body: string, headers: Record<string, string> = {}): Promise<PipelinedResponse> {
    if (this.closed) return Promise.reject(new Error('HttpPipeline closed'));
    this.unsettled++;
    return new Promise((resolve, reject) => {
      this.pool.dispatch(
        // undici pipelines, and replays on a fresh connection, only what it is told may repeat.
        { method: 'POST', path, body, headers: this.withDefaults(headers), idempotent: this.repeatable },
        new PostHandler(this.book, resolve, reject),
      );
    });
  }

  /**
   * `headers` with our content type and accept added, worked out once for the
   * caller's object: an acknowledging framework passes the same one for every
   * call, and a busy one has thousands of calls waiting at once.
   */
  private withDefaults(headers: Record<string, string>): Record<string, string> {
    if (headers !== this.lastHeaders) {
      this.lastHeaders = headers;
      this.lastMerged = { 'content-type': 'application/json', accept: 'application/json', ...headers };
    }
    return this.lastMerged;
  }

  /** What every call's PostHandler reports to: made once, shared by all. */
  private readonly book: CallBook = {
    failure: (error) => this.failure(error),
    settled: () => {
      this.unsettled--;
      // The last call a drain() waited for closes the connections.
      if (this.unsettled === 0 && this.onDrained) queueMicrotask(this.onDrained);
    },
  };

  /** The error a failed call rejects with (undici's reason as its cause). */
  private failure(error: Error): Error {
    if (this.destroyed) return new Error('HttpPipeline closed', { cause: error });
    if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
      return new PipelineConnectionError(`no answer within ${this.timeoutMs} ms`, { cause: error });
    }
    return new PipelineConnectionError(`connection to the server failed: ${error.message}`, { cause: error });
  }

  /** Drops every connection; outstanding requests reject. Idempotent. */
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.onDrained = undefined;
    void this.pool.destroy().catch(() => undefined);
  }

  /**
   * Takes no more calls (post() rejects), but sends and reads the answers of
   * those already made, then closes the connections; resolves then (never
   * rejects). For calls a caller made before closing and still waits on, e.g.
   * a framework's TEARDOWN while its client shuts down. close() after drain()
   * drops what is left. Idempotent.
   *
   * Counts the calls itself and destroys the pool when none is left, rather
   * than undici's `Pool.close()`: closed with requests still queued for a
   * connection, that closes the connections again each time one of them
   * drains, and the second time rejects, unhandled, on a connection already
   * closed (undici 6.x) — a process-ending error.
   */
  drain(): Promise<void> {
    if (this.whenClosed) return this.whenClosed;
    this.whenClosed = new Promise((resolve) => {
      this.onDrained = () => {
        this.close();
        resolve();
      };
      if (this.destroyed || this.unsettled === 0) this.onDrained();
    });
    return this.whenClosed;
  }
}

/** A pipeline's side of its calls' handlers: the error a failed call rejects with, and that a call is done. */
interface CallBook {
  failure(error: Error): Error;
  settled(): void;
}

/**
 * One call's side of undici's dispatch: collects the answer and settles the
 * caller's promise. An object with methods rather than five closures per call,
 * since a busy framework keeps thousands of calls waiting for their turn on
 * the wire, and what they hold is copied by every young-generation collection
 * until they are answered.
 */
class PostHandler {
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private chunks?: Buffer[];

  constructor(
    private readonly book: CallBook,
    private readonly resolve: (answer: PipelinedResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** undici requires the method; nothing to do before the request goes out. */
  onConnect(): void {}

  onHeaders(statusCode: number, raw: Buffer[]): boolean {
    // 1xx answers are interim: the final one follows.
    if (statusCode >= 200) {
      this.status = statusCode;
      this.rawHeaders = raw;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    (this.chunks ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    this.book.settled();
    this.resolve(new Answer(this.status, this.rawHeaders, this.chunks ? Buffer.concat(this.chunks).toString('utf8') : ''));
  }

  onError(error: Error): void {
    this.book.settled();
    this.reject(this.book.failure(error));
  }
}

/** undici's TCP connector, with each new socket's writes held to one per turn (turn-cork.ts). */
function connectHoldingTurns(): buildConnector.connector {
  const connectTcp = buildConnector({});
  return (connectOptions, callback) =>
    connectTcp(connectOptions, (...result) => {
      if (result[1]) corkUntilTurnEnd(result[1]);
      callback(...result);
    });
}

/** An answer whose header record is built only when asked for (most callers read the status alone). */
class Answer implements PipelinedResponse {
  private record?: Record<string, string>;

  constructor(
    readonly status: number,
    private readonly rawHeaders: Buffer[],
    readonly body: string,
  ) {}

  get headers(): Record<string, string> {
    if (this.record) return this.record;
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < this.rawHeaders.length; i += 2) {
      const name = this.rawHeaders[i]!.toString('latin1').toLowerCase();
      const value = this.rawHeaders[i + 1]!.toString('latin1');
      record[name] = record[name] === undefined ? value : `${record[name]}, ${value}`;
    }
    return (this.record = record);
  }
}

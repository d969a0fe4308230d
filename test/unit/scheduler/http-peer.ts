/**
 * A tiny real HTTP peer on 127.0.0.1 for client tests: records every POST, and
 * answers each with what the test's `respond` says — a RecordIO stream the test
 * writes events into, or a plain status. Not a model of the master or agent:
 * tests script exactly the exchange they check.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeRecord } from '../../../src/transport/recordio.js';

/** One recorded request. */
export interface RecordedCall {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** An open RecordIO response the test can write events into. */
export interface PeerStream {
  call: RecordedCall;
  send(event: unknown): void;
  /** Ends the response cleanly. */
  end(): void;
  /** Destroys the socket (a crash, not a goodbye). */
  destroy(): void;
  readonly closed: boolean;
}

/** What to answer to a call: open a stream, or a status with optional headers and body. */
export type PeerAnswer =
  | { stream: true; headers?: Record<string, string>; /** Written together with the headers (one packet). */ initial?: unknown[] }
  | { status: number; headers?: Record<string, string>; body?: string; /** Answer once this settles, not at once. */ after?: Promise<unknown> };

/** The HTTP peer. */
export class HttpPeer {
  readonly calls: RecordedCall[] = [];
  readonly streams: PeerStream[] = [];
  respond: (call: RecordedCall) => PeerAnswer = () => ({ status: 202 });
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  port = 0;

  /** Listens on 127.0.0.1 (`port` 0 = any free port). */
  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the server and every connection. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Calls whose body `type` is `type`. */
  callsOf(type: string): RecordedCall[] {
    return this.calls.filter((c) => c.body['type'] === type);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const call: RecordedCall = { path: req.url ?? '', headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      this.calls.push(call);
      const answer = this.respond(call);
      if ('stream' in answer) {
        res.writeHead(200, { 'Content-Type': 'application/json', ...(answer.headers ?? {}) });
        if (answer.initial && answer.initial.length > 0) res.write(Buffer.concat(answer.initial.map((e) => encodeRecord(e))));
        else res.flushHeaders();
        let closed = false;
        res.on('close', () => (closed = true));
        this.streams.push({
          call,
          send: (event) => {
            if (!closed) res.write(encodeRecord(event));
          },
          end: () => {
            closed = true;
            res.end();
          },
          destroy: () => {
            closed = true;
            res.destroy();
          },
          get closed() {
            return closed;
          },
        });
        return;
      }
      const reply = (): void => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      };
      if (answer.after) void answer.after.finally(reply);
      else reply();
    });
  }
}

/** Waits until `probe` returns a truthy value (checked every 5 ms), or throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | null, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A free TCP port on 127.0.0.1 (nothing listens on it when this resolves). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The agent channel (src/mesos/agent-protocol.ts) without sockets, for agents
 * that run in the master's own process (`meseta local`), as libprocess delivers
 * the messages of `mesos-local`'s master and agents in memory. The master sees
 * the same thing as over HTTP: REGISTER / REREGISTER open an {@link AgentStream},
 * later calls name that stream's id and are validated and answered exactly as
 * POST /master/api/v1/agent answers them (the checks are shared with
 * src/master/http/agent-endpoint.ts).
 *
 * Why: over HTTP every call costs a connection, request parsing, routing and a
 * response on both ends of the same thread — most of what a task's launch cost
 * the single thread of `meseta local` besides the fork itself.
 *
 * Delivery keeps the stream's contract: events reach the agent asynchronously,
 * in order, coalesced once per event-loop turn (one `setImmediate` for all
 * streams, as src/transport/event-stream.ts writes its streams); a call runs on
 * the master in a later microtask, never inside the agent's own stack.
 *
 * Copies: master and agent keep and change what they exchange, so nothing
 * crosses as a shared object. Events are serialised when sent (as EventStream
 * does: what the master changes afterwards is not seen) and parsed when
 * delivered — RUN_TASK carries the master's own FrameworkInfo record, and the
 * agent keeps and extends what it is given. Calls are copied before the master
 * sees them — the master keeps a STATUS_UPDATE's status in its task record and
 * rewrites its ids in place (MasterTask.record shares them between statuses),
 * while the agent keeps the same update for its retries; REREGISTER's
 * agent_info becomes the master's record. A JSON round trip is the copy, so
 * what arrives is exactly what HTTP delivered (no undefined fields, no
 * prototypes), at a few microseconds per message.
 */
import { randomUUID } from 'node:crypto';
import type { Master } from './master.js';
import type { AgentStream } from './agent-link.js';
import { openAgentStream } from './agent-channel.js';
import { agentCall, registrationError } from './http/agent-endpoint.js';
import { HttpCallError } from '../transport/stream-client.js';
import { turnFlusher } from '../transport/turn-flush.js';
import type { AgentCall, AgentEvent } from '../mesos/agent-protocol.js';

/** What the agent's side is told on its stream; never called before `open` has resolved. */
export interface LocalStreamHandlers {
  /** One event, a copy the agent owns; in the order the master sent them. */
  onEvent(event: unknown): void;
  /** Once, when the stream ended from either side (after every event sent before the end). */
  onClose(error?: Error): void;
}

/** The agent's end of an open in-process stream. */
export interface LocalStreamEnd {
  /** The id the agent's later calls must name (the `Mesos-Stream-Id` of HTTP). */
  readonly streamId: string;
  /**
   * Ends the stream from the agent's side, as closing its socket: no event is
   * delivered after it, `onClose` runs at once, and the master's close
   * listeners (the agent is disconnected) in a later microtask. Idempotent.
   */
  close(): void;
}

/** Answer of one call: an HTTP status and the text/plain body the endpoint would send. */
export interface LocalCallAnswer {
  status: number;
  body: string;
}

/**
 * One master's in-process agent channel. Build one per master; `close()` when
 * the master stops (open streams end, later opens are refused as a closed
 * port would refuse them).
 */
export class LocalAgentChannel {
  private readonly streams = new Set<LocalAgentStream>();
  private closed = false;

  constructor(private readonly master: Master) {}

  /**
   * REGISTER or REREGISTER. Resolves with the agent's end once the master took
   * the call (REGISTERED / REREGISTERED then arrives on `handlers`). Rejects
   * with HttpCallError 400 (malformed registration or not a registration call),
   * 503 (no leading master: with ZooKeeper, the leader may be elsewhere), or an
   * Error with code ECONNREFUSED once the channel is closed.
   */
  async open(call: AgentCall, handlers: LocalStreamHandlers): Promise<LocalStreamEnd> {
    const copy = copyOf(call);
    await this.admit();
    if (copy.type !== 'REGISTER' && copy.type !== 'REREGISTER') {
      throw new HttpCallError(400, `Expecting a 'REGISTER' or 'REREGISTER' call to open a stream, got '${String(copy.type)}'`);
    }
    const invalid = registrationError(copy);
    if (invalid) throw new HttpCallError(400, invalid);
    const stream = new LocalAgentStream(randomUUID(), handlers, (ended) => this.streams.delete(ended));
    this.streams.add(stream);
    openAgentStream(this.master, copy, stream);
    return { streamId: stream.streamId, close: () => stream.closeFromAgent() };
  }

  /**
   * Any other call of a registered agent on stream `streamId`: 202 when taken,
   * 400 / 403 as the HTTP endpoint answers (unknown agent, stale stream, calls
   * that only exist on HTTP links: LINK, BATCH, DISCONNECT). Rejects as `open`
   * does for a closed channel or no leading master.
   */
  async call(call: AgentCall, streamId: string): Promise<LocalCallAnswer> {
    const copy = copyOf(call);
    await this.admit();
    switch (copy.type) {
      case 'REGISTER':
      case 'REREGISTER':
      case 'LINK':
      case 'BATCH':
      case 'DISCONNECT':
        return { status: 400, body: `Unexpected agent call '${copy.type}' outside a stream` };
      default: {
        try {
          const [status, body] = agentCall(this.master, copy, streamId, undefined);
          return { status, body };
        } catch (error) {
          // What fastify answers for a handler that threw.
          this.master.logger.error(`Failed to handle agent call ${copy.type}: ${(error as Error).message}`);
          return { status: 500, body: (error as Error).message };
        }
      }
    }
  }

  /** Streams open now. */
  get size(): number {
    return this.streams.size;
  }

  /** Ends every open stream (the agents see their connection end) and refuses later calls. Idempotent. */
  close(): void {
    this.closed = true;
    for (const stream of [...this.streams]) stream.close();
  }

  /**
   * Waits out the master's registry recovery and checks it leads, as the HTTP
   * server's `onRequest` hook does (which answers 307 to the leader or 503; a
   * caller in this process has no leader to be redirected to, so 503 for both).
   * Always yields at least one microtask, so master work never runs inside the
   * agent's call stack.
   */
  private async admit(): Promise<void> {
    if (this.closed) throw refused();
    if (!this.master.isLeader && this.master.recovering) await this.master.whenRecovered();
    else await Promise.resolve();
    if (this.closed) throw refused();
    if (!this.master.isLeader) throw new HttpCallError(503, 'No leader elected');
  }
}

/** Streams with events or an end not yet delivered, flushed together once per turn. */
const flusher = turnFlusher<LocalAgentStream>();

/** The master's side of one in-process stream. */
class LocalAgentStream implements AgentStream {
  /** No more sends: closed by either side. */
  private closed = false;
  /** The agent's handlers have been told the end (or the agent closed it): nothing more reaches them. */
  private finished = false;
  /** The master closed it: the end follows the pending events. */
  private ending = false;
  private queued = false;
  /** JSON of events sent and not yet delivered. */
  private pending: string[] = [];
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly streamId: string,
    private readonly handlers: LocalStreamHandlers,
    private readonly forget: (stream: LocalAgentStream) => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  send(event: AgentEvent): void {
    if (this.closed) return;
    const json = JSON.stringify(event);
    if (typeof json !== 'string') throw new TypeError('Event is not JSON-serialisable');
    this.pending.push(json);
    this.enqueue();
  }

  /** From the master's side: what was sent is still delivered, then the agent's `onClose`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ending = true;
    this.enqueue();
    this.ended();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** From the agent's side, as its socket closing: undelivered events are dropped. */
  closeFromAgent(): void {
    if (this.finished) return;
    this.finished = true;
    this.pending = [];
    this.handlers.onClose();
    if (this.closed) return;
    this.closed = true;
    // The master learns of it later, as of a socket's close, not inside the agent's stack.
    queueMicrotask(() => this.ended());
  }

  /** Delivers pending events in order, then the end if the master closed the stream. */
  flush(): void {
    this.queued = false;
    if (this.finished) return;
    if (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      // One parse for the turn's events of this stream.
      const events = JSON.parse(batch.length === 1 ? `[${batch[0]}]` : `[${batch.join(',')}]`) as unknown[];
      for (const event of events) {
        if (this.finished) return;
        this.handlers.onEvent(event);
      }
    }
    if (this.ending && !this.finished) {
      this.finished = true;
      this.handlers.onClose();
    }
  }

  private enqueue(): void {
    if (this.queued) return;
    this.queued = true;
    flusher.push(this);
  }

  private ended(): void {
    this.forget(this);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

function copyOf(call: AgentCall): AgentCall {
  return JSON.parse(JSON.stringify(call)) as AgentCall;
}

/** What connecting to a closed port fails with, so the agent logs and retries as over HTTP. */
function refused(): Error {
  return Object.assign(new Error('Connection refused'), { code: 'ECONNREFUSED' });
}

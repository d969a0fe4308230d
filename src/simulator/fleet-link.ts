/**
 * The fleet's link to the master (src/mesos/agent-protocol.ts, LINK and BATCH):
 * one stream carrying every agent's events, and batched calls — the way a
 * libprocess process carries all its actors over one socket to a peer, and the
 * way Mesos's master benchmarks run thousands of emulated agents in one process.
 *
 *   agent.connect ──► openChannel(REGISTER) ─┐
 *   agent.forward ──► post(STATUS_UPDATE)   ─┴─► pending ──(one turn)──► BATCH via the call pool
 *   LINK stream ──► envelope {channel, event | closed} ──► that channel's handlers
 *
 * Channels are named here (`c1`, `c2`, …, new for every attempt), so an
 * envelope for a channel an agent already left finds no handlers and is
 * dropped, as events of a replaced stream are.
 */
import { AGENT_API_PATH, type AgentCall, type BatchResult, type LinkedCall, type LinkEnvelope } from '../mesos/agent-protocol.js';
import { openStream, type OpenStream, type StreamHandlers } from '../transport/stream-client.js';
import { TurnQueue } from '../transport/turn-flush.js';
import type { CallPool } from './call-pool.js';

/** Calls per BATCH at most; a burst of reregistrations goes out in several. */
export const MAX_BATCH = 500;

/** State of the link. */
export type FleetLinkState = 'down' | 'opening' | 'up';

interface Pending {
  item: LinkedCall;
  /** Gets the call's status (0 when the batch failed on the wire) and message. */
  done: (status: number, message: string) => void;
}

/** One link from a fleet to the current master. */
export class FleetLink {
  state: FleetLinkState = 'down';
  private stream: OpenStream | undefined;
  private linkId = '';
  private url = '';
  private readonly channels = new Map<string, StreamHandlers>();
  /** Channels whose registration is not answered yet. */
  private readonly awaiting = new Set<string>();
  /** Calls made this turn, sent together at its end. */
  private readonly pending = new TurnQueue<Pending>((queued) => this.flush(queued));
  private sequence = 0;
  /** Bumped per open() so a replaced link's callbacks are ignored. */
  private generation = 0;

  /**
   * @param pool the fleet's call pool (BATCH requests are pipelined on it).
   * @param onDown called when an open link ends (`wasUp` true) or an attempt
   *   fails, after every channel's `onClose` ran.
   */
  constructor(
    private readonly pool: CallPool,
    private readonly onDown: (reason: string, wasUp: boolean) => void,
  ) {}

  /** Registrations sent and not answered yet (the fleet's `connecting` gauge on a link). */
  get registering(): number {
    return this.awaiting.size;
  }

  /** Opens the link to `masterUrl` (`http://host:port`); does nothing unless down. */
  open(masterUrl: string): void {
    if (this.state !== 'down') return;
    this.state = 'opening';
    this.url = `${masterUrl}${AGENT_API_PATH}`;
    const generation = ++this.generation;
    const handlers: StreamHandlers = {
      onEvent: (record) => {
        if (generation === this.generation) this.dispatch(record as LinkEnvelope);
      },
      onClose: (error) => {
        if (generation === this.generation) this.down(error?.message ?? 'link ended');
      },
    };
    openStream(this.url, { type: 'LINK' } satisfies AgentCall, handlers).then(
      (opened) => {
        if (generation !== this.generation) {
          opened.close();
          return;
        }
        const header = opened.headers['mesos-stream-id'];
        this.linkId = (Array.isArray(header) ? header[0] : header) ?? '';
        this.stream = opened;
        this.state = 'up';
      },
      (error: Error) => {
        if (generation === this.generation) this.down(error.message);
      },
    );
  }

  /** Ends the link (a new leader, or the fleet stopping); channels close with it. */
  close(reason = 'link closed'): void {
    if (this.state === 'down') return;
    const stream = this.stream;
    this.down(reason);
    stream?.close();
  }

  /**
   * Opens a channel with a REGISTER or REREGISTER call. Resolves at once (the
   * channel's name is its stream id); a refused call or a lost link reaches
   * `handlers.onClose`. Rejects when the link is not up.
   */
  openChannel(call: AgentCall, handlers: StreamHandlers): Promise<OpenStream> {
    if (this.state !== 'up') return Promise.reject(new Error('link to the master is not up'));
    const name = `c${++this.sequence}`;
    this.channels.set(name, handlers);
    this.awaiting.add(name);
    this.enqueue({ channel: name, call }, (status, message) => {
      if (status >= 200 && status < 300) return;
      this.endChannel(name, handlers, new Error(status === 0 ? 'batch failed on the wire' : `HTTP ${status}: ${message}`));
    });
    const opened: OpenStream = {
      headers: { 'mesos-stream-id': name },
      close: () => {
        if (this.channels.get(name) !== handlers) return;
        // Tell the master, as closing a separate stream would.
        if (this.state === 'up') this.enqueue({ channel: name, call: { type: 'DISCONNECT' } }, () => undefined);
        this.endChannel(name, handlers);
      },
    };
    return Promise.resolve(opened);
  }

  /** Sends one call on `channel`; resolves true when the master accepted it (never rejects). */
  post(call: AgentCall, channel: string): Promise<boolean> {
    if (this.state !== 'up') return Promise.resolve(false);
    return new Promise((resolve) => {
      this.enqueue({ channel, call }, (status) => resolve(status >= 200 && status < 300));
    });
  }

  private enqueue(item: LinkedCall, done: Pending['done']): void {
    this.pending.push({ item, done });
  }

  /** Sends everything queued this turn, MAX_BATCH calls per request. */
  private flush(queued: Pending[]): void {
    if (this.state !== 'up') {
      for (const entry of queued) entry.done(0, 'link is down');
      return;
    }
    for (let start = 0; start < queued.length; start += MAX_BATCH) {
      const batch = queued.slice(start, start + MAX_BATCH);
      const body = JSON.stringify({ type: 'BATCH', batch: { calls: batch.map((entry) => entry.item) } } satisfies AgentCall);
      void this.pool.postText(this.url, body, { 'Mesos-Stream-Id': this.linkId }).then((response) => {
        const result = response?.status === 200 ? parseResult(response.body, batch.length) : undefined;
        for (let i = 0; i < batch.length; i++) {
          batch[i]!.done(result ? result.statuses[i]! : (response?.status ?? 0), result ? result.messages[i] ?? '' : (response?.body ?? ''));
        }
      });
    }
  }

  private dispatch(envelope: LinkEnvelope): void {
    const handlers = this.channels.get(envelope.channel);
    if (!handlers) return;
    this.awaiting.delete(envelope.channel);
    if ('event' in envelope) handlers.onEvent(envelope.event);
    else this.endChannel(envelope.channel, handlers, new Error(envelope.closed.message));
  }

  private endChannel(name: string, handlers: StreamHandlers, error?: Error): void {
    if (this.channels.get(name) !== handlers) return;
    this.channels.delete(name);
    this.awaiting.delete(name);
    handlers.onClose(error);
  }

  private down(reason: string): void {
    const wasUp = this.state === 'up';
    this.generation++;
    this.state = 'down';
    this.stream = undefined;
    const open = [...this.channels.values()];
    this.channels.clear();
    this.awaiting.clear();
    const error = new Error(reason);
    for (const handlers of open) handlers.onClose(error);
    this.onDown(reason, wasUp);
  }
}

/** The BATCH answer if it has one status per call, else undefined. */
function parseResult(text: string, count: number): BatchResult | undefined {
  try {
    const result = JSON.parse(text) as BatchResult;
    return Array.isArray(result.statuses) && result.statuses.length === count ? result : undefined;
  } catch {
    return undefined;
  }
}

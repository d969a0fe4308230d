/**
 * The master's side of a link (src/mesos/agent-protocol.ts): one stream that
 * carries the channels of many agents of one process, as libprocess carries
 * every actor of a process over one socket. A channel stands in for an agent's
 * own stream: the agent record holds it as its {@link AgentStream}, events go
 * out wrapped in envelopes naming it, and closing it tells the agent with a
 * `closed` envelope instead of ending a connection.
 *
 * Why: a separate stream per agent costs the master a socket and an HTTP
 * request per registration and per call; 50,000 agents need 50,000 sockets
 * (past this machine's `ulimit -n` of 20,000), and a failover costs 10,000 HTTP
 * exchanges before any master work is done.
 */
import type { AgentEvent, LinkEnvelope } from '../mesos/agent-protocol.js';
import type { EventStream } from '../transport/event-stream.js';

/**
 * What an agent record needs of its channel: an agent's own EventStream and a
 * link's channel both fit. `streamId` is what the agent's later calls must name
 * (`Mesos-Stream-Id`, or the channel on a link).
 */
export interface AgentStream {
  readonly streamId: string;
  readonly isClosed: boolean;
  /** Queues one event; dropped after close. */
  send(event: AgentEvent): void;
  /** Ends the channel from the master's side; close listeners run once. Idempotent. */
  close(): void;
  /** Runs `listener` when the channel ends, whoever ended it (at once if it has). */
  onClose(listener: () => void): void;
}

/** One open link and its channels, by channel name. */
export class AgentLink {
  private readonly channels = new Map<string, LinkedChannel>();

  /** @param stream the link's own event stream (its `streamId` is the link's id). */
  constructor(readonly stream: EventStream) {
    stream.onClose(() => {
      const open = [...this.channels.values()];
      this.channels.clear();
      for (const channel of open) channel.markClosed();
    });
  }

  /** The link's id: the `Mesos-Stream-Id` its BATCH calls carry. */
  get id(): string {
    return this.stream.streamId;
  }

  /**
   * Opens channel `name` for a registering agent. A channel of that name still
   * open (a retried registration) is closed first, as a new stream replaces an
   * old one. On a closed link the channel is born closed.
   */
  open(name: string): LinkedChannel {
    this.channels.get(name)?.close('Replaced by a newer registration on the same channel');
    const channel = new LinkedChannel(this, name);
    if (this.stream.isClosed) channel.markClosed();
    else this.channels.set(name, channel);
    return channel;
  }

  /** The open channel named `name`, if any. */
  channel(name: string): LinkedChannel | undefined {
    return this.channels.get(name);
  }

  /** Called by a channel that ended. */
  forget(channel: LinkedChannel): void {
    if (this.channels.get(channel.streamId) === channel) this.channels.delete(channel.streamId);
  }
}

const NO_LISTENERS: ReadonlyArray<() => void> = Object.freeze([]);

/** One agent's channel on a link. */
export class LinkedChannel implements AgentStream {
  private closed = false;
  /**
   * Usually one (the agent's record). Built as literals, not grown by push:
   * a pushed list keeps room for ~17, ~120 bytes per agent for nothing.
   */
  private listeners: ReadonlyArray<() => void> = NO_LISTENERS;

  constructor(
    readonly link: AgentLink,
    /** The channel's name, chosen by the agent's process. */
    readonly streamId: string,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  send(event: AgentEvent): void {
    if (this.closed) return;
    const envelope: LinkEnvelope = { channel: this.streamId, event };
    this.link.stream.send(envelope);
  }

  /** Ends the channel and tells the agent why (default: the master closed it). */
  close(message = 'Closed by the master'): void {
    if (this.closed) return;
    const envelope: LinkEnvelope = { channel: this.streamId, closed: { message } };
    this.link.stream.send(envelope);
    this.markClosed();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.listeners = this.listeners.concat([listener]);
  }

  /** Marks the channel ended without telling the agent (its link is gone). */
  markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.link.forget(this);
    const listeners = this.listeners;
    this.listeners = NO_LISTENERS;
    for (const listener of listeners) listener();
  }
}

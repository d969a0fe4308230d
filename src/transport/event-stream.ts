/**
 * Server side of a Mesos streaming response: a `200` with chunked transfer
 * encoding whose body is RecordIO-framed JSON events. Used by the scheduler
 * SUBSCRIBE, the agent channel and the executor SUBSCRIBE.
 */
import type { ServerResponse } from 'node:http';
import { encodeRecord } from './recordio.js';

/** One open event stream to one subscriber. */
export class EventStream {
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  /**
   * Writes the 200 headers at once (so the subscriber learns `Mesos-Stream-Id`
   * before the first event) and watches for the peer going away.
   */
  constructor(
    private readonly response: ServerResponse,
    readonly streamId: string,
  ) {
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Mesos-Stream-Id': streamId,
      'Cache-Control': 'no-cache',
      Connection: 'close',
    });
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    response.on('close', () => this.markClosed());
  }

  /** True once the stream ended, from either side. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one event; silently dropped after close (the subscriber must resubscribe). */
  send(event: unknown): void {
    if (this.closed) return;
    this.response.write(encodeRecord(event));
  }

  /** Ends the stream from our side; close listeners run once. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.response.end();
    this.response.socket?.destroy();
    this.markClosed();
  }

  /** Registers a callback for when the stream ends, whoever ended it. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

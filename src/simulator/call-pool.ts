/**
 * The fleet's own keep-alive pool for one-shot agent calls (STATUS_UPDATE,
 * PONG) to the master. Why not the transport's shared `postJson` pool: a fleet
 * of thousands of agents sends tens of thousands of updates per second, and
 * queueing them inside `http.Agent` costs an O(queue) array shift per request
 * (a placement profile spent 7.5 % of the bench process there) while its
 * 64 sockets, shared with the framework's calls in the benches, capped how
 * many calls were in flight. Here calls wait in our own O(1) queue and at most
 * `maxInFlight` are handed to `http` at a time, so its queue stays empty.
 */
import http from 'node:http';

/** A call as the pool sends it: POST `body` (JSON) to `url` with `headers`. */
interface PendingCall {
  url: string;
  payload: Buffer;
  headers: Record<string, string>;
  done: (ok: boolean) => void;
}

/** Bounded-concurrency POST sender over a dedicated keep-alive agent. */
export class CallPool {
  private readonly agent: http.Agent;
  private readonly queue: PendingCall[] = [];
  private head = 0;
  private inFlight = 0;

  /**
   * @param maxInFlight calls on the wire at once (= sockets kept alive), default 256.
   * @param timeoutMs bound of one call, ms (default 30 s, as the transport's).
   */
  constructor(
    private readonly maxInFlight = 256,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  }

  /** Calls waiting for a free slot. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /**
   * POSTs `body` as JSON; resolves true on a 2xx answer, false on any other
   * status, socket error or timeout (never rejects: callers retry on their own).
   */
  post(url: string, body: unknown, headers: Record<string, string>): Promise<boolean> {
    return new Promise((done) => {
      this.queue.push({ url, payload: Buffer.from(JSON.stringify(body)), headers, done });
      this.pump();
    });
  }

  /** Closes idle sockets; calls in flight finish. */
  close(): void {
    this.agent.destroy();
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.head < this.queue.length) {
      const call = this.queue[this.head++]!;
      this.inFlight++;
      this.send(call);
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private send(call: PendingCall): void {
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      this.inFlight--;
      call.done(ok);
      this.pump();
    };
    const request = http.request(call.url, {
      method: 'POST',
      agent: this.agent,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Content-Length': String(call.payload.length),
        ...call.headers,
      },
      timeout: this.timeoutMs,
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      response.on('end', () => finish(status >= 200 && status < 300));
      response.on('error', () => finish(false));
    });
    request.on('error', () => finish(false));
    request.end(call.payload);
  }
}

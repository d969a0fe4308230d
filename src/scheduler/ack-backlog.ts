/**
 * Automatic acknowledgements waiting for the wire, kept compact.
 *
 * Why: a busy framework receives updates faster than the master takes their
 * ACKNOWLEDGE calls (20,000 TASK_STARTING in a second and a half in the
 * placement bench), so thousands of acknowledgements wait at once, each for
 * about a second. Waiting as calls (request options, handler, promise, body
 * text: ~1.5 kB each), they were copied by every young-generation collection
 * and promoted: a fifth of the framework's thread went to the collector. Here
 * a waiting acknowledgement is three strings; at most `window` are calls.
 */

/** Sends one ACKNOWLEDGE; resolves when the master took it. */
export type AcknowledgementSender = (agentId: string, taskId: string, uuid: string) => Promise<void>;

/** First-in first-out acknowledgements with at most `window` being sent at once. */
export class AckBacklog {
  /** agent id, task id, uuid of each waiting acknowledgement, in order, from `head` on. */
  private queue: string[] = [];
  private head = 0;
  private sending = 0;
  private readonly settled = (): void => {
    this.sending--;
    this.pump();
  };

  /**
   * @param window acknowledgements sent at once (the pipeline's capacity: more would only wait there).
   * @param send sends one; a rejection is reported to `onFailure` and the next one goes.
   * @param onFailure told of each acknowledgement that failed (it is not retried: the agent resends the update).
   */
  constructor(
    private readonly window: number,
    private readonly send: AcknowledgementSender,
    private readonly onFailure: (taskId: string, error: unknown) => void,
  ) {}

  /** Queues the acknowledgement of update `uuid` (base64) of `taskId` on `agentId`, sending it at once if the window allows. */
  add(agentId: string, taskId: string, uuid: string): void {
    this.queue.push(agentId, taskId, uuid);
    this.pump();
  }

  /** Acknowledgements waiting, not yet handed to `send`. */
  get waiting(): number {
    return (this.queue.length - this.head) / 3;
  }

  /** Acknowledgements handed to `send` and not yet settled. */
  get inFlight(): number {
    return this.sending;
  }

  /** Drops what is waiting (the subscription ended: the agents resend unacknowledged updates). */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  private pump(): void {
    while (this.sending < this.window && this.head < this.queue.length) {
      const agentId = this.queue[this.head]!;
      const taskId = this.queue[this.head + 1]!;
      const uuid = this.queue[this.head + 2]!;
      this.head += 3;
      this.sending++;
      let sent: Promise<void>;
      try {
        sent = this.send(agentId, taskId, uuid);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(this.settled, (error: unknown) => {
        this.onFailure(taskId, error);
        this.settled();
      });
    }
    if (this.head === this.queue.length) {
      // Usually all of it was sent at once: the array is reused, not replaced, on every call.
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.queue.length) {
      // Drop what was sent once it is most of the array, so the array does not grow for ever.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

/** Array slots (three per acknowledgement) sent before the queue is compacted. */
const COMPACT_AT = 3 * 1024;

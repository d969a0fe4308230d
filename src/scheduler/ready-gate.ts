/**
 * Holds callbacks until the owner is ready for them, then runs them in order.
 *
 * Why: `openStream` resolves on the 200 headers, but the first events often
 * arrive in the same TCP packet and are delivered before the `await` that
 * receives the stream resumes. Events of a stream must not be handled before
 * the client has recorded that stream (its id, its master).
 */
export class ReadyGate {
  private queue: Array<() => void> | undefined = [];

  /** Runs `fn` now if the gate is open, else when it opens. */
  run(fn: () => void): void {
    if (this.queue) this.queue.push(fn);
    else fn();
  }

  /** Opens the gate: runs the held callbacks in order, then lets later ones through. Idempotent. */
  open(): void {
    const held = this.queue;
    this.queue = undefined;
    for (const fn of held ?? []) fn();
  }
}

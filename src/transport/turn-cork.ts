/**
 * One write per connection per event-loop turn for pipelined HTTP requests:
 * the client-side counterpart of coalesced-answers.ts. The agent's requests
 * to its launcher server (a pipe) go the same way.
 *
 * Why: undici writes each request of a pipelined connection on its own, as
 * `cork(); write(head); write(body); uncork()`, so a framework acknowledging
 * a turn's worth of status updates made one `writev` per ACKNOWLEDGE, and on
 * loopback each also ran the master's TCP receive and woke its reader. In the
 * placement bench, with 3 acknowledgements per task, that was a sixth of the
 * framework's thread and ~15 µs of the master's per task.
 *
 * How: the first `cork()` in a turn takes one extra cork of its own, released
 * at the end of the turn (turn-flush.ts); the writer's own cork/uncork pairs
 * nest inside it, so everything written during the turn leaves in one system
 * call when the turn ends. Only `cork` is wrapped: Node's `end()` uncorks fully by itself, and
 * the late release is then a no-op (`uncork` of an uncorked stream does
 * nothing), so a socket ended or destroyed within the turn behaves as before.
 *
 * For streams carrying short requests: what is written within a turn is held
 * whatever its size (a pipelining window bounds it), so event streams and
 * uploads should not use it.
 */
import type { Writable } from 'node:stream';
import { turnFlusher } from './turn-flush.js';

const held = new WeakSet<Writable>();
/** Sockets holding their turn's cork, released together at the end of the turn. */
const releases = turnFlusher<{ flush(): void }>();

/**
 * Makes every cork of `socket` (or any stream, such as a child's stdin pipe)
 * last until the end of the current event-loop turn (see the file comment).
 * Idempotent.
 */
export function corkUntilTurnEnd(socket: Writable): void {
  if (held.has(socket)) return;
  held.add(socket);
  const cork = socket.cork.bind(socket);
  const uncork = socket.uncork.bind(socket);
  let holding = false;
  const hold = {
    flush(): void {
      holding = false;
      uncork();
    },
  };
  socket.cork = function corkForTurn(): void {
    if (!holding) {
      holding = true;
      cork();
      releases.push(hold);
    }
    cork();
  };
}

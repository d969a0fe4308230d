/**
 * One write per connection per event-loop turn for pipelined HTTP answers.
 *
 * Why: a framework pipelines its calls (ACKNOWLEDGE above all, one per status
 * update) on one connection, and Node's HTTP server answers them one at a
 * time: an answer gets the socket only once the one before it has been
 * written, so every `202 Accepted` costs its own write system call, which on
 * loopback also runs the receiver's TCP processing. In the placement bench
 * that was a sixth of the master's thread.
 *
 * How: for a socket handed to `coalesceAnswers`, what the HTTP server writes
 * during a turn is kept and written as one buffer from a `setImmediate`, and
 * each write's callback runs (on the next tick) as soon as the data is kept,
 * so the server goes on to the next pipelined answer within the same turn.
 * Order is kept. `end()` (an answer with `Connection: close`) and `destroy()`
 * (the server closing a connection it sees idle, which it is as soon as the
 * last answer's callback ran) write what is kept first. What the socket's
 * write queue holds is reported by the socket's own `writableLength` once
 * written; until then it is at most one turn's answers.
 *
 * Only for connections that carry calls and their short answers: backpressure
 * is not applied to what is kept within a turn, so event streams (which
 * coalesce their events themselves, see event-stream.ts) are never marked.
 */
import type { Socket } from 'node:net';
import { TurnQueue } from './turn-flush.js';

const marked = new WeakSet<Socket>();

type WriteCallback = (error?: Error | null) => void;

/**
 * Makes `socket` keep what is written to it during a turn and write it at the
 * end of the turn, in one system call. Idempotent; a destroyed socket is left alone.
 */
export function coalesceAnswers(socket: Socket): void {
  if (marked.has(socket) || socket.destroyed) return;
  marked.add(socket);
  const realWrite = socket.write.bind(socket) as (data: Buffer) => boolean;
  const realEnd = socket.end.bind(socket) as (...args: unknown[]) => Socket;
  const realDestroy = socket.destroy.bind(socket) as (error?: Error) => Socket;
  const kept = new TurnQueue<Buffer>((chunks) => {
    if (socket.destroyed || !socket.writable) return;
    realWrite(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  });

  socket.write = function write(
    data: string | Uint8Array,
    encoding?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    kept.push(typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if (callback) process.nextTick(callback, null);
    return true;
  } as Socket['write'];

  socket.end = function end(...args: unknown[]): Socket {
    kept.flush();
    return realEnd(...args);
  } as Socket['end'];

  socket.destroy = function destroy(error?: Error): Socket {
    // A small write on a healthy socket leaves at once (libuv tries it synchronously).
    kept.flush();
    return realDestroy(error);
  } as Socket['destroy'];
}

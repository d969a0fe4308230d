/**
 * Hands `node-zookeeper-client` its server's answers one whole packet at a
 * time.
 *
 * Why: the library's socket reader (`ConnectionManager.onSocketData`) takes
 * one packet off the front of what it has read, then copies all the rest into
 * a new buffer and calls itself again for the next packet. A chunk holding n
 * answers is thus copied n times over, with n nested calls. That is harmless
 * for a few answers in flight, but a registry burst can leave thousands in
 * flight at once. Then 64 KB chunks of small answers kept a leader's event
 * loop busy for seconds, and it lost its ZooKeeper session (the failover
 * bench, 10,000 agents registering). Given exactly one packet, the library
 * keeps nothing over and neither copies nor recurses. So the reader is wrapped:
 * it cuts chunks into packets (a 4-byte big-endian length, then that many
 * bytes) and keeps only an incomplete tail.
 */

/** The part of the library's connection manager this wraps. */
export interface PacketReader {
  /** The library's current socket; a new one means a new connection, whose bytes start afresh. */
  socket?: unknown;
  /** The library's reader, bound per connection as the socket's `data` listener. */
  onSocketData(this: PacketReader, chunk: Buffer): void;
}

/**
 * Replaces `reader.onSocketData` with one that calls the original once per
 * whole packet, in order, and buffers a packet split across chunks until it is
 * complete. It must be installed before the library connects (it binds the
 * reader to each new socket). A negative length is not a packet: the rest of
 * the chunk goes to the original as it is, which drops the connection as it
 * would have.
 */
export function frameWholePackets(reader: PacketReader): void {
  const original = reader.onSocketData;
  let socket: unknown;
  let tail: Buffer | undefined;
  reader.onSocketData = function (this: PacketReader, chunk: Buffer): void {
    if (this.socket !== socket) {
      socket = this.socket;
      tail = undefined;
    }
    const buffer = tail === undefined ? chunk : Buffer.concat([tail, chunk]);
    tail = undefined;
    let offset = 0;
    while (buffer.length - offset >= 4) {
      const size = buffer.readInt32BE(offset);
      if (size < 0) {
        original.call(this, buffer.subarray(offset));
        return;
      }
      const end = offset + 4 + size;
      if (end > buffer.length) break;
      original.call(this, buffer.subarray(offset, end));
      offset = end;
      // The packet may have ended the connection (the library destroys its socket on a bad answer).
      if (this.socket !== socket) return;
    }
    if (offset < buffer.length) tail = buffer.subarray(offset);
  };
}

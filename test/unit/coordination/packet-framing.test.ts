/**
 * frameWholePackets: whatever way the socket cuts the server's bytes, the
 * library's reader gets each packet whole, alone and in order, and a new
 * connection starts afresh.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { frameWholePackets, type PacketReader } from '../../../src/coordination/zookeeper/packet-framing.js';

/** One packet as the server frames it: a 4-byte big-endian length, then the payload. */
function packet(payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(4);
  header.writeInt32BE(body.length);
  return Buffer.concat([header, body]);
}

/** A reader that records what the library's own reader would have been given. */
function recordingReader(): PacketReader & { got: Buffer[] } {
  const got: Buffer[] = [];
  return {
    got,
    socket: {},
    onSocketData(chunk: Buffer) {
      got.push(Buffer.from(chunk));
    },
  };
}

describe('frameWholePackets', () => {
  const payloads = ['', 'a', 'answer two', 'x'.repeat(300), 'last'];
  const stream = Buffer.concat(payloads.map(packet));

  test('a chunk of many packets reaches the reader one packet per call', () => {
    const reader = recordingReader();
    frameWholePackets(reader);
    reader.onSocketData(stream);
    assert.deepEqual(reader.got, payloads.map(packet));
  });

  test('every way of cutting the bytes in two or three gives the same packets', () => {
    for (let a = 0; a <= stream.length; a += 7) {
      for (let b = a; b <= stream.length; b += 13) {
        const reader = recordingReader();
        frameWholePackets(reader);
        for (const piece of [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]) reader.onSocketData(piece);
        assert.deepEqual(reader.got, payloads.map(packet), `cut at ${a} and ${b}`);
      }
    }
  });

  test('byte by byte, including a length split across chunks', () => {
    const reader = recordingReader();
    frameWholePackets(reader);
    for (let i = 0; i < stream.length; i++) reader.onSocketData(stream.subarray(i, i + 1));
    assert.deepEqual(reader.got, payloads.map(packet));
  });

  test('a new socket drops the tail of the old one', () => {
    const reader = recordingReader();
    frameWholePackets(reader);
    const first = packet('cut off');
    reader.onSocketData(first.subarray(0, 6));
    reader.socket = {};
    reader.onSocketData(packet('fresh'));
    assert.deepEqual(reader.got, [packet('fresh')]);
  });

  test('a packet that ends the connection stops the rest of its chunk', () => {
    const got: string[] = [];
    const reader: PacketReader = {
      socket: {},
      onSocketData(chunk: Buffer) {
        got.push(chunk.subarray(4).toString());
        if (chunk.subarray(4).toString() === 'bad') this.socket = undefined;
      },
    };
    frameWholePackets(reader);
    reader.onSocketData(Buffer.concat([packet('ok'), packet('bad'), packet('never')]));
    assert.deepEqual(got, ['ok', 'bad']);
  });

  test('a negative length goes to the reader as it is', () => {
    const reader = recordingReader();
    frameWholePackets(reader);
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2]);
    reader.onSocketData(Buffer.concat([packet('ok'), garbage]));
    assert.deepEqual(reader.got, [packet('ok'), garbage]);
  });
});

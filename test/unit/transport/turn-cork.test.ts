/**
 * corkUntilTurnEnd on real loopback sockets, written as undici writes a
 * request (`cork(); write(head); write(body); uncork()`): a turn's requests
 * leave in one socket write, intact and in order (without it, one write per
 * request); each turn gets its own write; `end()` within a turn still sends
 * everything and ends the connection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { corkUntilTurnEnd } from '../../../src/transport/turn-cork.js';

/** A client socket and what its peer received, with a count of the client's socket writes. */
interface Pair {
  client: net.Socket;
  /** Calls of the client's `_write`/`_writev`: one per system call handed to libuv. */
  writes(): number;
  /** Resolves with everything received once the peer has `bytes` bytes, or the connection ended. */
  received(bytes: number): Promise<{ text: string; ended: boolean }>;
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function request(socket: net.Socket, n: number): void {
  const body = `{"n":${n}}`;
  socket.cork();
  socket.write(`POST /call HTTP/1.1\r\ncontent-length: ${body.length}\r\n\r\n`, 'latin1');
  socket.write(Buffer.from(body));
  socket.uncork();
}

describe('corkUntilTurnEnd', () => {
  let server: net.Server;
  let port: number;
  const peers: Array<{ text: string; ended: boolean; waiters: Array<() => void> }> = [];

  before(async () => {
    server = net.createServer((socket) => {
      const peer = { text: '', ended: false, waiters: [] as Array<() => void> };
      peers.push(peer);
      socket.setEncoding('latin1');
      const wake = (): void => {
        for (const w of peer.waiters.splice(0)) w();
      };
      socket.on('data', (chunk: string) => {
        peer.text += chunk;
        wake();
      });
      socket.on('end', () => {
        peer.ended = true;
        wake();
        socket.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  async function connect(hold: boolean): Promise<Pair> {
    const known = peers.length;
    const client = net.connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => client.once('connect', r).once('error', j));
    // The tests connect one at a time, so the next peer the server sees is this client's.
    const deadline = Date.now() + 5000;
    while (peers.length === known) {
      if (Date.now() > deadline) throw new Error('the server did not see the connection within 5 s');
      await nextTurn();
    }
    const peer = peers[known]!;
    let writes = 0;
    const internal = client as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
    for (const name of ['_write', '_writev'] as const) {
      const real = internal[name].bind(client);
      internal[name] = (...args: unknown[]) => {
        writes++;
        real(...args);
      };
    }
    if (hold) corkUntilTurnEnd(client);
    return {
      client,
      writes: () => writes,
      received: (bytes) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`peer has ${peer.text.length} of ${bytes} bytes after 5 s`)), 5000);
          const check = (): void => {
            if (peer.text.length >= bytes || peer.ended) {
              clearTimeout(timer);
              resolve({ text: peer.text, ended: peer.ended });
            } else peer.waiters.push(check);
          };
          check();
        }),
    };
  }

  const bytesOf = (from: number, to: number): number => {
    let total = 0;
    for (let n = from; n < to; n++) {
      const body = `{"n":${n}}`;
      total += `POST /call HTTP/1.1\r\ncontent-length: ${body.length}\r\n\r\n`.length + body.length;
    }
    return total;
  };
  const numbers = (text: string): number[] => [...text.matchAll(/\{"n":(\d+)\}/g)].map((m) => Number(m[1]));

  it("writes a turn's requests in one socket write, intact and in order", async () => {
    const pair = await connect(true);
    for (let n = 0; n < 50; n++) request(pair.client, n);
    assert.equal(pair.writes(), 0, 'nothing written before the turn ends');
    assert.ok(pair.client.writableLength > 0);
    const { text } = await pair.received(bytesOf(0, 50));
    assert.equal(pair.writes(), 1);
    assert.deepEqual(numbers(text), Array.from({ length: 50 }, (_, n) => n));
    pair.client.destroy();
  });

  it('without it, the same requests leave in a write each (what it exists to avoid)', async () => {
    const pair = await connect(false);
    for (let n = 0; n < 50; n++) request(pair.client, n);
    await pair.received(bytesOf(0, 50));
    assert.equal(pair.writes(), 50);
    pair.client.destroy();
  });

  it('holds each turn anew: two turns, two writes', async () => {
    const pair = await connect(true);
    for (let n = 0; n < 10; n++) request(pair.client, n);
    await nextTurn();
    assert.equal(pair.writes(), 1);
    for (let n = 10; n < 20; n++) request(pair.client, n);
    const { text } = await pair.received(bytesOf(0, 20));
    assert.equal(pair.writes(), 2);
    assert.deepEqual(numbers(text), Array.from({ length: 20 }, (_, n) => n));
    pair.client.destroy();
  });

  it('end() within the turn sends what was held and ends the connection', async () => {
    const pair = await connect(true);
    for (let n = 0; n < 5; n++) request(pair.client, n);
    pair.client.end();
    const { text, ended } = await pair.received(Number.MAX_SAFE_INTEGER);
    assert.equal(ended, true);
    assert.deepEqual(numbers(text), [0, 1, 2, 3, 4]);
  });
});

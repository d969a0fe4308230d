/**
 * coalesceAnswers against a real node:http server and a raw TCP client that
 * pipelines its requests: the answers of one turn leave in one socket write,
 * intact and in order (without it, one write or more each); a
 * `Connection: close` answer is written before the socket ends.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { coalesceAnswers } from '../../../src/transport/coalesced-answers.js';

/** What a raw client received on one connection until `done(text)` said it has all of it. */
function exchange(port: number, requests: string, done: (text: string) => boolean): Promise<{ chunks: string[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(requests));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within 5 s; got ${JSON.stringify(chunks.join(''))}`));
    }, 5000);
    let ended = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ chunks, ended });
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      chunks.push(chunk);
      if (done(chunks.join(''))) setImmediate(finish);
    });
    socket.on('end', () => {
      ended = true;
      finish();
    });
    socket.on('error', reject);
  });
}

const post = (n: number, extra = ''): string => `POST /call/${n} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n${extra}\r\n{}`;
const answers = (text: string): number => text.split('HTTP/1.1 ').length - 1;

describe('coalesceAnswers', () => {
  let server: http.Server;
  let port: number;
  let coalesce = true;
  /** Writes that reached each socket's own write(), under coalesceAnswers or not. */
  const socketWrites = new Map<net.Socket, number>();

  before(async () => {
    server = http.createServer((request, response) => {
      const socket = request.socket;
      if (!socketWrites.has(socket)) {
        socketWrites.set(socket, 0);
        // Counted below coalesceAnswers, which takes this as the socket's real write.
        const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
        socket.write = ((...args: unknown[]) => {
          socketWrites.set(socket, socketWrites.get(socket)! + 1);
          return write(...args);
        }) as net.Socket['write'];
      }
      if (coalesce) coalesceAnswers(socket);
      request.resume();
      request.on('end', () => {
        const n = request.url!.split('/').pop()!;
        // As the server closing a connection it sees idle, right after the answer's callback.
        if (n === 'destroy') response.on('finish', () => socket.destroy());
        const body = n === '3' ? 'call 3 is invalid' : '';
        response.writeHead(n === '3' ? 400 : 202, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
        response.end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const lastSocketWrites = (): number => [...socketWrites.values()].pop()!;

  it('writes a turn of pipelined answers in one socket write, intact and in order', async () => {
    coalesce = true;
    const requests = Array.from({ length: 20 }, (_, i) => post(i)).join('');
    const { chunks } = await exchange(port, requests, (text) => answers(text) === 20);
    assert.equal(lastSocketWrites(), 1);
    const text = chunks.join('');
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, Array.from({ length: 20 }, (_, i) => (i === 3 ? 400 : 202)));
    assert.match(text, /\r\n\r\ncall 3 is invalid/);
  });

  it('without it, the same answers leave in a write each or more (what it exists to avoid)', async () => {
    coalesce = false;
    const requests = Array.from({ length: 20 }, (_, i) => post(i)).join('');
    await exchange(port, requests, (text) => answers(text) === 20);
    assert.ok(lastSocketWrites() >= 20, `${lastSocketWrites()} writes`);
  });

  it('writes what is kept before the socket is destroyed', async () => {
    coalesce = true;
    const { chunks, ended } = await exchange(port, [post(0), post(1), 'POST /call/destroy HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}'].join(''), () => false);
    assert.equal(ended, true);
    assert.equal(answers(chunks.join('')), 3);
  });

  it('writes what is kept before a Connection: close answer ends the socket', async () => {
    coalesce = true;
    const requests = [post(0), post(1), post(2, 'Connection: close\r\n')].join('');
    const { chunks, ended } = await exchange(port, requests, () => false);
    assert.equal(ended, true);
    assert.equal(answers(chunks.join('')), 3);
    assert.match(chunks.join(''), /Connection: close/);
  });
});

/**
 * The streaming client against a real node:http peer: records split across and
 * packed into chunks, and no event (or close) delivered before `openStream`'s
 * caller has resumed, even when the first records share a packet with the headers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeRecord, RecordIODecoder } from '../../../src/transport/recordio.js';
import { HttpCallError, openStream } from '../../../src/transport/stream-client.js';

describe('openStream', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer((request, response) => {
      if (request.url === '/refuse') {
        response.writeHead(307, { Location: '//elsewhere:5050/master/api/v1/scheduler' });
        response.end();
        return;
      }
      // Headers and two records in a single write: they reach the client in one packet.
      const records = Buffer.concat([encodeRecord({ type: 'SUBSCRIBED' }), encodeRecord({ type: 'HEARTBEAT' })]);
      const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nMesos-Stream-Id: s-1\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const chunk = `${records.length.toString(16)}\r\n${records.toString()}\r\n`;
      request.socket.write(head + chunk);
      if (request.url === '/end') request.socket.end('0\r\n\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('delivers no event before the caller has the stream, then all of them in order', async () => {
    const events: string[] = [];
    const stream = await openStream(`${url}/stream`, {}, { onEvent: (e) => events.push((e as { type: string }).type), onClose: () => undefined });
    assert.deepEqual(events, [], 'nothing before openStream resolved');
    assert.equal(stream.headers['mesos-stream-id'], 's-1');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['SUBSCRIBED', 'HEARTBEAT']);
    stream.close();
  });

  it('holds back a close that happens with the first packet', async () => {
    const seen: string[] = [];
    let closedEarly = false;
    let resumed = false;
    const stream = await openStream(`${url}/end`, {}, {
      onEvent: (e) => seen.push((e as { type: string }).type),
      onClose: () => {
        closedEarly = !resumed;
        seen.push('closed');
      },
    });
    resumed = true;
    assert.ok(stream);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closedEarly, false);
    assert.equal(seen[seen.length - 1], 'closed');
  });

  it('rejects non-200 answers with the status and Location', async () => {
    await assert.rejects(
      openStream(`${url}/refuse`, {}, { onEvent: () => undefined, onClose: () => undefined }),
      (error: unknown) => error instanceof HttpCallError && error.status === 307 && error.location === '//elsewhere:5050/master/api/v1/scheduler',
    );
  });
});

describe('RecordIODecoder', () => {
  it('reassembles records split at every byte and rejects bad headers', () => {
    const wire = Buffer.concat([encodeRecord({ a: 'ü' }), encodeRecord({ b: [1, 2] })]);
    const decoder = new RecordIODecoder();
    const out: unknown[] = [];
    for (const byte of wire) out.push(...decoder.push(Buffer.from([byte])));
    assert.deepEqual(out, [{ a: 'ü' }, { b: [1, 2] }]);
    assert.equal(decoder.pending, 0);
    assert.throws(() => new RecordIODecoder().push(Buffer.from('x1\n{}')), /Invalid record length/);
  });
});

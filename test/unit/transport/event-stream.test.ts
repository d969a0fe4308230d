/**
 * EventStream against a real node:http peer: events sent in one event-loop
 * turn leave as one write, order is kept within and across turns, multi-byte
 * text is framed by its byte length, close() writes what is pending before
 * ending, and nothing is written after either side closed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStream } from '../../../src/transport/event-stream.js';
import { openStream } from '../../../src/transport/stream-client.js';

type Script = (stream: EventStream, response: http.ServerResponse) => void;

describe('EventStream', () => {
  let server: http.Server;
  let url: string;
  const scripts = new Map<string, Script>();
  const writes = new Map<string, number>();
  let nextId = 0;

  before(async () => {
    server = http.createServer((request, response) => {
      const name = request.url!.slice(1);
      const script = scripts.get(name)!;
      let count = 0;
      const write = response.write.bind(response) as (...args: unknown[]) => boolean;
      (response as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
        writes.set(name, ++count);
        return write(...args);
      };
      // Read the request body first, as the real servers do, so close() never resets unread input.
      request.resume();
      request.on('end', () => script(new EventStream(response, `s-${name}`), response));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  /** Opens a stream served by `script`; resolves with every event once the stream ends, or after `untilCount` events. */
  async function receive(script: Script, untilCount?: number): Promise<{ name: string; events: unknown[]; error?: Error }> {
    const name = `case-${nextId++}`;
    scripts.set(name, script);
    const events: unknown[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no end of stream within 5 s (${events.length} events)`)), 5000);
      let opened: { close(): void } | undefined;
      openStream(`${url}/${name}`, {}, {
        onEvent: (event) => {
          events.push(event);
          if (events.length === untilCount) {
            clearTimeout(timer);
            opened?.close();
            resolve({ name, events });
          }
        },
        onClose: (error) => {
          clearTimeout(timer);
          resolve({ name, events, ...(error ? { error } : {}) });
        },
      }).then((s) => (opened = s), reject);
    });
  }

  it('writes the events of one turn as a single chunk, in order', async () => {
    const { name, events } = await receive((stream) => {
      for (let i = 0; i < 500; i++) stream.send({ type: 'UPDATE', i });
      setImmediate(() => setImmediate(() => stream.close()));
    });
    assert.deepEqual(events, Array.from({ length: 500 }, (_, i) => ({ type: 'UPDATE', i })));
    assert.equal(writes.get(name), 1, 'one write for 500 events sent in one turn');
  });

  it('keeps order across turns and interleaved flushes', async () => {
    const { events } = await receive((stream) => {
      let i = 0;
      const burst = (left: number): void => {
        for (let k = 0; k < 7; k++) stream.send({ i: i++ });
        if (i % 3 === 0) stream.flush();
        if (left > 0) setImmediate(() => burst(left - 1));
        else if (left === 0) process.nextTick(() => stream.close());
      };
      burst(40);
    });
    assert.deepEqual(events, Array.from({ length: 41 * 7 }, (_, i) => ({ i })));
  });

  it('frames multi-byte text by its UTF-8 byte length', async () => {
    const text = 'héllo ☃ 𝄞 — 日本語';
    const { events } = await receive((stream) => {
      stream.send({ message: text });
      stream.send({ message: '' });
      stream.close();
    });
    assert.deepEqual(events, [{ message: text }, { message: '' }]);
  });

  it('loses nothing sent just before close(), and drops sends after it', async () => {
    let listenerRuns = 0;
    const { events, error } = await receive((stream) => {
      stream.onClose(() => listenerRuns++);
      setImmediate(() => {
        for (let i = 0; i < 1000; i++) stream.send({ type: 'EVENT', i, pad: 'x'.repeat(100) });
        stream.close();
        stream.send({ type: 'AFTER' });
        stream.close();
      });
    });
    assert.equal(error, undefined);
    assert.equal(events.length, 1000);
    assert.deepEqual(events.at(-1), { type: 'EVENT', i: 999, pad: 'x'.repeat(100) });
    assert.equal(listenerRuns, 1);
  });

  it('marks the stream closed when the peer goes away and writes nothing more', async () => {
    let stream: EventStream | undefined;
    let response: http.ServerResponse | undefined;
    const closed = new Promise<void>((resolve) => {
      void receive((s, r) => {
        stream = s;
        response = r;
        s.onClose(resolve);
        s.send({ type: 'FIRST' });
      }, 1);
    });
    await closed;
    assert.equal(stream!.isClosed, true);
    const before = response!.writableLength;
    stream!.send({ type: 'LATE' });
    await new Promise((r) => setImmediate(r));
    assert.equal(response!.writableLength, before);
    let late = false;
    stream!.onClose(() => (late = true));
    assert.equal(late, true, 'a listener added after close runs at once');
  });

  it('rejects an event that is not JSON', () => {
    const fake = {
      writeHead: () => undefined,
      flushHeaders: () => undefined,
      on: () => undefined,
      socket: null,
    } as unknown as http.ServerResponse;
    const stream = new EventStream(fake, 's');
    assert.throws(() => stream.send(undefined), TypeError);
  });
});

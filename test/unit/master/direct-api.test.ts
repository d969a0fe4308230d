/**
 * The master's direct API path (src/master/http/direct-api.ts) on a real
 * node:http server built by its fastify server factory, with a stand-in for
 * fastify's handler: which requests it serves and which it leaves to fastify,
 * that a throwing endpoint gets fastify's 500, that a peer gone midway leaves
 * the server serving, and that fastify's server timeouts are applied.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { directApiServerFactory, type DirectEndpoint } from '../../../src/master/http/direct-api.js';

interface Answer {
  status: number;
  type: string | undefined;
  text: string;
}

/** POSTs (or another method) with the body sent with a Content-Length, or chunked when `chunked`. */
function request(port: number, path: string, body: string, options: { method?: string; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }));
    });
    req.on('error', reject);
    if (options.chunked) {
      // Two writes without a length: Node sends them as chunks.
      req.write(body.slice(0, 1));
      req.end(body.slice(1));
    } else {
      req.end(body);
    }
  });
}

describe('direct API path', () => {
  let server: Server;
  let port: number;
  let serving = true;
  const direct: DirectEndpoint = (exchange) => {
    const body = exchange.body.toString('utf8');
    if (body === 'throw') throw new Error('endpoint failed');
    exchange.answer(202, 'text/plain', `direct ${exchange.headers['content-type']} ${body}`);
  };
  const fastifyStandIn = (_request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(299, { 'content-type': 'text/plain' });
    response.end('fastify');
  };

  before(async () => {
    const factory = directApiServerFactory({ endpoints: new Map([['/api', direct]]), serving: () => serving, bodyLimit: 100 });
    // Values other than Node's defaults (5 s, 300 s, none), so the test sees them applied.
    server = factory(fastifyStandIn, { keepAliveTimeout: 72_000, requestTimeout: 0, connectionTimeout: 600_000 }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('serves a POST of an endpoint with a body of known length, up to the limit', async () => {
    assert.deepEqual(await request(port, '/api', '{"type":"ACKNOWLEDGE"}'), { status: 202, type: 'text/plain', text: 'direct application/json {"type":"ACKNOWLEDGE"}' });
    assert.equal((await request(port, '/api', '')).text, 'direct application/json ');
    assert.equal((await request(port, '/api', 'x'.repeat(100))).status, 202);
  });

  it('leaves everything else to fastify', async () => {
    const toFastify = [
      request(port, '/api', '{}', { method: 'PUT' }),
      request(port, '/api?x=1', '{}'),
      request(port, '/other', '{}'),
      request(port, '/api', '{"chunked":true}', { chunked: true }),
      request(port, '/api', 'x'.repeat(101)),
    ];
    for (const answer of await Promise.all(toFastify)) assert.deepEqual(answer, { status: 299, type: 'text/plain', text: 'fastify' });
  });

  it('leaves the calls to fastify while the master does not serve them', async () => {
    serving = false;
    try {
      assert.equal((await request(port, '/api', '{}')).status, 299);
    } finally {
      serving = true;
    }
    assert.equal((await request(port, '/api', '{}')).status, 202);
  });

  it('answers an endpoint that threw as fastify does, and keeps serving', async () => {
    const answer = await request(port, '/api', 'throw');
    assert.equal(answer.status, 500);
    assert.equal(answer.type, 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(answer.text), { statusCode: 500, error: 'Internal Server Error', message: 'endpoint failed' });
    assert.equal((await request(port, '/api', '{}')).status, 202);
  });

  it('drops a call whose peer left before the whole body came, and keeps serving', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":');
        setImmediate(() => socket.destroy());
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    assert.equal((await request(port, '/api', '{}')).status, 202);
  });

  it('sets up the server as fastify sets up its own', () => {
    assert.equal(server.keepAliveTimeout, 72_000);
    assert.equal(server.requestTimeout, 0);
    assert.equal(server.timeout, 600_000);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getJson, getJsonOrMissing, type Endpoint } from '../../../src/cli/operator/http-json.js';
import { OperatorError } from '../../../src/cli/operator/operator-error.js';

/** A throwaway server on 127.0.0.1; `handler` answers every request. */
async function serve(handler: http.RequestListener): Promise<{ endpoint: Endpoint; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: { host: '127.0.0.1', port, label: 'master' },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<OperatorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OperatorError, String(error));
    return error;
  }
  assert.fail('expected an OperatorError');
}

test('a refused connection is one line: Failed to reach master at host:port: connection refused', async () => {
  const { endpoint, close } = await serve(() => undefined);
  await close(); // the port is now (almost certainly) closed
  const error = await rejection(getJson(endpoint, '/master/state'));
  assert.equal(error.code, 'UNREACHABLE');
  assert.equal(error.message, `Failed to reach master at 127.0.0.1:${endpoint.port}: connection refused`);
});

test('JSON bodies parse; redirects are followed (a standby master points at the leader)', async () => {
  const leader = await serve((req, res) => res.end(JSON.stringify({ path: req.url })));
  const standby = await serve((_req, res) => {
    res.writeHead(307, { location: `//127.0.0.1:${leader.endpoint.port}/master/state` });
    res.end();
  });
  try {
    assert.deepEqual(await getJson(standby.endpoint, '/master/state'), { path: '/master/state' });
  } finally {
    await leader.close();
    await standby.close();
  }
});

test('non-2xx statuses and bad JSON are reported with the endpoint; 404 can be asked for as undefined', async () => {
  const server = await serve((req, res) => {
    if (req.url === '/bad') return void res.end('not json');
    res.writeHead(req.url === '/missing' ? 404 : 503);
    res.end('No leader elected\nmore');
  });
  try {
    const unavailable = await rejection(getJson(server.endpoint, '/master/state'));
    assert.equal(unavailable.code, 'HTTP_STATUS');
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.message, `master at 127.0.0.1:${server.endpoint.port} answered 503 Service Unavailable to GET /master/state: No leader elected`);
    assert.equal((await rejection(getJson(server.endpoint, '/bad'))).code, 'BAD_RESPONSE');
    assert.equal(await getJsonOrMissing(server.endpoint, '/missing'), undefined);
    assert.equal((await rejection(getJsonOrMissing(server.endpoint, '/other'))).status, 503);
  } finally {
    await server.close();
  }
});

test('a request that hangs is bounded by the timeout', async () => {
  const server = await serve(() => undefined); // never answers
  try {
    const error = await rejection(getJson(server.endpoint, '/master/state', 100));
    assert.equal(error.code, 'UNREACHABLE');
    assert.match(error.message, /timed out after 100 ms$/);
  } finally {
    await server.close();
  }
});

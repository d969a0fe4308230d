/**
 * The fleet's call pool: true for a 2xx answer, false for any other status or
 * an unreachable master (never a rejection: agents retry on their own), and
 * calls to another URL of the same master share its connections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CallPool } from '../../../src/simulator/call-pool.js';
import { freePortForTest } from './free-port.js';

test('2xx is true, other statuses and refused connections false; headers and JSON bodies arrive', async () => {
  const seen: Array<{ path: string; stream: string | undefined; body: unknown }> = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString()));
    request.on('end', () => {
      sockets.add(request.socket);
      seen.push({ path: request.url ?? '', stream: request.headers['mesos-stream-id'] as string | undefined, body: JSON.parse(body) });
      response.writeHead(request.url === '/bad' ? 400 : 202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pool = new CallPool(8);
  try {
    const results = await Promise.all([
      pool.post(`${origin}/api/v1`, { type: 'PONG' }, { 'Mesos-Stream-Id': 'x' }),
      pool.post(`${origin}/bad`, { type: 'STATUS_UPDATE' }, {}),
    ]);
    assert.deepEqual(results, [true, false]);
    assert.deepEqual(seen[0], { path: '/api/v1', stream: 'x', body: { type: 'PONG' } });
    assert.ok(sockets.size >= 1 && sockets.size <= 4, `${sockets.size} connections (the pool keeps at most 4)`);
    const closedPort = await freePortForTest();
    assert.equal(await pool.post(`http://127.0.0.1:${closedPort}/api/v1`, {}, {}), false);
  } finally {
    pool.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

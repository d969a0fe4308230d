import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { commandProbe, httpProbe, probeFor, tcpProbe } from '../../../src/agent/health-check/health-probes.js';

test('COMMAND: exit 0 is healthy, non-zero and timeout are not', async () => {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', X: 'ok' };
  assert.equal(await commandProbe('test "$X" = ok', '/tmp', env, 5000), true);
  assert.equal(await commandProbe('exit 1', '/tmp', env, 5000), false);
  const started = Date.now();
  assert.equal(await commandProbe('sleep 5', '/tmp', env, 200), false);
  assert.ok(Date.now() - started < 3000);
});

test('HTTP: 200-399 healthy, others not, statuses override; TCP connects', async () => {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === '/bad' ? 500 : req.url === '/moved' ? 302 : 200;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    assert.equal(await httpProbe(`http://127.0.0.1:${port}/`, undefined, 2000), true);
    assert.equal(await httpProbe(`http://127.0.0.1:${port}/moved`, undefined, 2000), true);
    assert.equal(await httpProbe(`http://127.0.0.1:${port}/bad`, undefined, 2000), false);
    assert.equal(await httpProbe(`http://127.0.0.1:${port}/bad`, [500], 2000), true);
    assert.equal(await tcpProbe('127.0.0.1', port, 2000), true);
  } finally {
    await new Promise((r) => server.close(r));
  }
  const probe = probeFor({ type: 'HTTP', http: { port, path: 'x' } }, { host: '127.0.0.1', cwd: '/tmp', env: {} });
  assert.equal(typeof probe, 'function');
  assert.equal(await (probe as (t: number) => Promise<boolean>)(2000), false);
  assert.equal(await tcpProbe('127.0.0.1', port, 2000), false);
});

test('probeFor names a malformed check', () => {
  const target = { host: '127.0.0.1', cwd: '/tmp', env: {} };
  assert.ok(probeFor({ type: 'TCP' }, target) instanceof Error);
  assert.ok(probeFor({ type: 'COMMAND' }, target) instanceof Error);
});

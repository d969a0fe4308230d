/**
 * The standby's relay (`http/leader-proxy.ts`) between two local HTTP servers,
 * and SoloLeadership's term events. Sockets on 127.0.0.1 only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyToLeader } from '../../../src/marathon/http/leader-proxy.js';
import { SoloLeadership } from '../../../src/marathon/leadership.js';

let leader: http.Server;
let standby: http.Server;
let leaderAddress = '';
let standbyUrl = '';
let target: () => string | undefined = () => leaderAddress;
const seen: Array<{ method: string; url: string; body: string; via: string | undefined; type: string | undefined }> = [];

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

before(async () => {
  leader = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, via: req.headers['x-marathon-via'] as string | undefined, type: req.headers['content-type'] });
      res.writeHead(201, { 'Content-Type': 'application/json', Location: 'http://leader/v2/apps/x', 'X-Marathon-Leader': `http://${leaderAddress}` });
      res.end(JSON.stringify({ relayed: true }));
    });
  });
  leaderAddress = `127.0.0.1:${await listen(leader)}`;
  standby = http.createServer((req, res) => proxyToLeader(req, res, target(), 'standby:8080', { connectionTimeoutMs: 1000, readTimeoutMs: 1000 }));
  standbyUrl = `http://127.0.0.1:${await listen(standby)}`;
});

after(async () => {
  standby.closeAllConnections();
  leader.closeAllConnections();
  await new Promise((r) => standby.close(r));
  await new Promise((r) => leader.close(r));
});

test('method, path, query, body and content type reach the leader; its status, headers and body come back with X-Marathon-Via', async () => {
  target = () => leaderAddress;
  const response = await fetch(`${standbyUrl}/v2/apps?force=true`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"x"}' });
  assert.equal(response.status, 201);
  assert.deepEqual(await response.json(), { relayed: true });
  assert.equal(response.headers.get('location'), 'http://leader/v2/apps/x');
  assert.equal(response.headers.get('x-marathon-leader'), `http://${leaderAddress}`);
  assert.equal(response.headers.get('x-marathon-via'), '1.1 standby:8080');
  assert.deepEqual(seen.at(-1), { method: 'POST', url: '/v2/apps?force=true', body: '{"id":"x"}', via: '1.1 standby:8080', type: 'application/json' });
});

test('/v2/events is redirected (302) to the leader, not relayed', async () => {
  target = () => leaderAddress;
  const response = await fetch(`${standbyUrl}/v2/events?event_type=status_update_event`, { redirect: 'manual' });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get('location'), `http://${leaderAddress}/v2/events?event_type=status_update_event`);
});

test('502 without a known leader, for an unreachable leader, and for a request relayed once already', async () => {
  target = () => undefined;
  const none = await fetch(`${standbyUrl}/v2/apps`);
  assert.equal(none.status, 502);
  assert.deepEqual(await none.json(), { message: 'Could not determine the current leader' });

  const closed = http.createServer();
  const port = await listen(closed);
  await new Promise((r) => closed.close(r));
  target = () => `127.0.0.1:${port}`;
  const unreachable = await fetch(`${standbyUrl}/v2/apps`);
  assert.equal(unreachable.status, 502);
  assert.match(((await unreachable.json()) as { message: string }).message, /Failed to proxy the request to the leader/);

  target = () => leaderAddress;
  const looped = await fetch(`${standbyUrl}/v2/apps`, { headers: { 'X-Marathon-Via': '1.1 other:8080' } });
  assert.equal(looped.status, 502);
});

test('SoloLeadership leads at start; abdicating ends the term and starts the next one', async () => {
  const solo = new SoloLeadership('h:8080');
  const trace: string[] = [];
  solo.on('elected', () => trace.push('elected'));
  solo.on('defeated', (reason) => trace.push(`defeated:${reason}`));
  assert.equal(solo.leader(), undefined);
  await solo.start();
  assert.deepEqual([solo.isLeader, solo.leader()], [true, 'h:8080']);
  await solo.abdicate();
  assert.deepEqual(trace, ['elected', 'defeated:abdicated', 'elected']);
  await solo.close();
  assert.equal(solo.isLeader, false);
});

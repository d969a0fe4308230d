/**
 * The agent protocol's link (LINK, BATCH, DISCONNECT) against a real `meseta
 * master`, spoken by hand as another process would: two agents register on one
 * link, their events arrive in envelopes naming their channels, calls on the
 * wrong channel or link are refused, a retried registration replaces its
 * channel, DISCONNECT and the link's end disconnect the agents; bad batches get
 * 400s and the master keeps serving. Then the simulator with and without links.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor } from './harness.js';
import { openStream, type OpenStream } from '../../src/transport/stream-client.js';
import type { BatchResult, LinkEnvelope, LinkedCall } from '../../src/mesos/agent-protocol.js';

interface SlavesJson {
  slaves: Array<{ id: string; hostname: string; active: boolean }>;
}

describe('agent link', () => {
  let url: string;
  const api = (): string => `${url}/master/api/v1/agent`;

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    meseta(['master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(tempDir('agent-link'), 'master')}`, '--quiet']);
    await waitFor('master up', async () => (await fetch(`${url}/health`)).ok);
  });
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  /** Opens a link; collects its envelopes. */
  async function link(): Promise<{ stream: OpenStream; id: string; envelopes: LinkEnvelope[]; closed: () => boolean }> {
    const envelopes: LinkEnvelope[] = [];
    let ended = false;
    const stream = await openStream(api(), { type: 'LINK' }, {
      onEvent: (e) => envelopes.push(e as LinkEnvelope),
      onClose: () => {
        ended = true;
      },
    });
    const id = String(stream.headers['mesos-stream-id']);
    assert.ok(id.length > 0, 'a link has a Mesos-Stream-Id');
    return { stream, id, envelopes, closed: () => ended };
  }

  async function batch(linkId: string, calls: unknown[]): Promise<{ status: number; result?: BatchResult; text: string }> {
    const response = await fetch(api(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Mesos-Stream-Id': linkId },
      body: JSON.stringify({ type: 'BATCH', batch: { calls } }),
    });
    const text = await response.text();
    return { status: response.status, text, ...(response.status === 200 ? { result: JSON.parse(text) as BatchResult } : {}) };
  }

  const register = (channel: string, hostname: string): LinkedCall => ({
    channel,
    call: { type: 'REGISTER', register: { agent_info: { hostname, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] }, version: '1.11.0', pid: `slave(1)@${hostname}:5051` } },
  });

  const agentOf = async (hostname: string): Promise<{ id: string; active: boolean } | undefined> =>
    (await getJson<SlavesJson>(`${url}/master/slaves`)).slaves.find((s) => s.hostname === hostname);

  it('registers two agents on one link and addresses their events by channel', async () => {
    const l = await link();
    const answer = await batch(l.id, [register('a1', 'link-a'), register('b1', 'link-b')]);
    assert.deepEqual(answer.result, { statuses: [202, 202], messages: ['', ''] });
    const registered = await waitFor('both REGISTERED', () => {
      const got = l.envelopes.filter((e) => 'event' in e && e.event.type === 'REGISTERED');
      return got.length === 2 ? got : undefined;
    });
    assert.deepEqual(registered.map((e) => e.channel).sort(), ['a1', 'b1']);
    const a = await agentOf('link-a');
    const b = await agentOf('link-b');
    assert.equal(a?.active, true);
    assert.equal(b?.active, true);

    // Calls name their agent's channel; the wrong one is refused like a stale stream.
    const calls = await batch(l.id, [
      { channel: 'a1', call: { type: 'PONG', agent_id: { value: a!.id } } },
      { channel: 'b1', call: { type: 'PONG', agent_id: { value: a!.id } } },
      { channel: 'a1', call: { type: 'PONG', agent_id: { value: 'no-such-agent' } } },
      { channel: 'a1' },
      { channel: 'a1', call: { type: 'BATCH', batch: { calls: [] } } },
    ]);
    assert.deepEqual(calls.result?.statuses, [202, 403, 400, 400, 400]);
    assert.match(calls.result!.messages[1]!, /not registered on this stream/);

    // A call of a linked agent outside the link is refused as well.
    const single = await fetch(api(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'a1' },
      body: JSON.stringify({ type: 'PONG', agent_id: { value: a!.id } }),
    });
    assert.equal(single.status, 403);

    // DISCONNECT: the agent is disconnected as if its own stream had ended; the other stays.
    assert.deepEqual((await batch(l.id, [{ channel: 'a1', call: { type: 'DISCONNECT' } }])).result?.statuses, [202]);
    await waitFor('link-a inactive', async () => (await agentOf('link-a'))?.active === false);
    assert.equal((await agentOf('link-b'))?.active, true);

    // Ending the link disconnects every agent still on it.
    l.stream.close();
    await waitFor('link-b inactive', async () => (await agentOf('link-b'))?.active === false);
  });

  it('replaces a channel when the agent reregisters, telling the old one it closed', async () => {
    const l = await link();
    await batch(l.id, [register('r1', 'link-r')]);
    await waitFor('registered', () => l.envelopes.some((e) => e.channel === 'r1' && 'event' in e && e.event.type === 'REGISTERED'));
    const agent = await agentOf('link-r');
    const reregister: LinkedCall = {
      channel: 'r2',
      call: {
        type: 'REREGISTER',
        reregister: { agent_info: { hostname: 'link-r', id: { value: agent!.id } }, version: '1.11.0', pid: 'slave(1)@link-r:5051', frameworks: [], executors: [], tasks: [] },
      },
    };
    assert.deepEqual((await batch(l.id, [reregister])).result?.statuses, [202]);
    await waitFor('old channel closed, new one reregistered', () =>
      l.envelopes.some((e) => e.channel === 'r1' && 'closed' in e) &&
      l.envelopes.some((e) => e.channel === 'r2' && 'event' in e && e.event.type === 'REREGISTERED'),
    );
    assert.equal((await agentOf('link-r'))?.active, true);
    assert.deepEqual((await batch(l.id, [{ channel: 'r1', call: { type: 'PONG', agent_id: { value: agent!.id } } }])).result?.statuses, [403]);
    l.stream.close();
  });

  it('answers malformed batches with 400 and unknown links with 403, and keeps serving', async () => {
    const l = await link();
    assert.equal((await batch('no-such-link', [])).status, 403);
    const noCalls = await fetch(api(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Mesos-Stream-Id': l.id },
      body: JSON.stringify({ type: 'BATCH', batch: {} }),
    });
    assert.equal(noCalls.status, 400);
    assert.match(await noCalls.text(), /batch\.calls/);
    const bad = await batch(l.id, [{ channel: 'x', call: { type: 'REGISTER', register: {} } }, 'nonsense', { channel: '', call: { type: 'PONG' } }]);
    assert.deepEqual(bad.result?.statuses, [400, 400, 400]);
    assert.match(bad.result!.messages[0]!, /register\.agent_info/);
    const outside = await fetch(api(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'DISCONNECT' }) });
    assert.equal(outside.status, 400);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    l.stream.close();
  });

  it('answers alike whether the leader serves a call directly or through fastify (a chunked body)', async () => {
    const l = await link();
    const post = (path: string, body: string, headers: Record<string, string>, chunked: boolean): Promise<{ status: number; type: string | undefined; text: string }> =>
      new Promise((resolve, reject) => {
        const all = { ...headers, ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }) };
        const req = httpRequest(`${url}${path}`, { method: 'POST', headers: all }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 1));
        req.end(body.slice(1));
      });
    const json = { 'content-type': 'application/json' };
    const cases: Array<[path: string, body: string, headers: Record<string, string>]> = [
      ['/master/api/v1/agent', '{bad', json],
      ['/master/api/v1/agent', '{}', { 'content-type': 'text/plain' }],
      ['/master/api/v1/agent', JSON.stringify({ type: 'PONG', agent_id: { value: 'nope' } }), json],
      ['/master/api/v1/agent', JSON.stringify({ type: 'BATCH', batch: {} }), { ...json, 'mesos-stream-id': l.id }],
      ['/master/api/v1/agent', JSON.stringify({ type: 'BATCH', batch: { calls: ['nonsense'] } }), { ...json, 'mesos-stream-id': l.id }],
      ['/master/api/v1/agent/', JSON.stringify({ type: 'DISCONNECT' }), json],
      ['/api/v1/scheduler', '[]', json],
      ['/api/v1/scheduler', JSON.stringify({ type: 'NOPE' }), json],
      ['/master/api/v1/scheduler', JSON.stringify({ type: 'ACKNOWLEDGE', framework_id: { value: 'x' }, acknowledge: {} }), { ...json, 'mesos-stream-id': 'y' }],
      ['/master/api/v1/scheduler/', JSON.stringify({ type: 'UNKNOWN' }), { ...json, accept: 'application/json' }],
      ['/api/v1/scheduler', '{}', { ...json, accept: 'text/html' }],
    ];
    for (const [path, body, headers] of cases) {
      const direct = await post(path, body, headers, false);
      const viaFastify = await post(path, body, headers, true);
      assert.deepEqual(direct, viaFastify, `${path} ${body}`);
      assert.ok(direct.status >= 200 && direct.status < 600 && direct.text.length > 0, `${path} ${body}: ${JSON.stringify(direct)}`);
    }
    l.stream.close();
  });

  for (const linked of [true, false]) {
    it(`simulate-agents ${linked ? 'on one link' : 'with --no-link (a stream per agent)'} registers its agents and they leave with it`, async () => {
      const prefix = linked ? 'simlink' : 'simstream';
      const simulator = meseta(['simulate-agents', `--master=${url.slice(7)}`, '--count=50', `--hostname_prefix=${prefix}`, ...(linked ? [] : ['--no-link']), '--quiet']);
      const mine = async (): Promise<Array<{ active: boolean }>> =>
        (await getJson<SlavesJson>(`${url}/master/slaves`)).slaves.filter((s) => s.hostname.startsWith(`${prefix}-`));
      await waitFor('50 agents active', async () => (await mine()).filter((s) => s.active).length === 50, 30_000);
      await simulator.stop();
      await waitFor('all inactive after the simulator stopped', async () => (await mine()).every((s) => !s.active), 30_000);
    });
  }
});

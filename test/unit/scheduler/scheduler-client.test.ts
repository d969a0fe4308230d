/**
 * SchedulerClient against a real HTTP peer on 127.0.0.1: subscription, event
 * parsing, calls with the stream id, redirects, reconnects (broken stream,
 * missed heartbeats, unreachable master) and ERROR handling.
 */
import net from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerClient, type SchedulerClientOptions } from '../../../src/scheduler/scheduler-client.js';
import { StandaloneMasterDetector } from '../../../src/scheduler/master-detector.js';
import { SubscriptionRejectedError, SchedulerNotSubscribedError } from '../../../src/scheduler/errors.js';
import { HttpPeer, waitFor, freePort, type PeerStream } from './http-peer.js';
import { encodeRecord } from '../../../src/transport/recordio.js';
import { HttpCallError } from '../../../src/transport/stream-client.js';

const FRAMEWORK = { user: 'tester', name: 'unit' };
const SUBSCRIBED = (id: string, heartbeat = 15) => ({
  type: 'SUBSCRIBED',
  subscribed: { framework_id: { value: id }, heartbeat_interval_seconds: heartbeat, master_info: { id: 'm', ip: 16777343, port: 5050 } },
});

function client(port: number, extra: Partial<SchedulerClientOptions> = {}): SchedulerClient {
  return new SchedulerClient({
    detector: new StandaloneMasterDetector({ host: '127.0.0.1', port }),
    backoff: { initialMs: 20, maxMs: 80 },
    random: () => 0.5,
    ...extra,
  });
}

/** A peer answering SUBSCRIBE with a stream (stream id `<streamPrefix><n>`, `s1` first by default) and other calls with 202. */
async function masterPeer(streamPrefix = 's'): Promise<HttpPeer> {
  const peer = await new HttpPeer().start();
  let n = 0;
  peer.respond = (call) => (call.body['type'] === 'SUBSCRIBE' ? { stream: true, headers: { 'Mesos-Stream-Id': `${streamPrefix}${++n}` } } : { status: 202 });
  return peer;
}

/** Subscribes `c` and answers its SUBSCRIBE at `peer` as framework `id`; resolves, with that stream, once subscribed. */
async function subscribeAt(c: SchedulerClient, peer: HttpPeer, id: string): Promise<PeerStream> {
  const subscribing = c.subscribe(FRAMEWORK);
  const stream = await waitFor(() => peer.streams[0], 3000, 'SUBSCRIBE at the master');
  stream.send(SUBSCRIBED(id));
  await subscribing;
  return stream;
}

/**
 * Two masters, the first appointed leader, and a client of theirs that does not
 * retry within a test (`moveLeader` moves it to the second); `stop` closes all.
 * The second's stream ids start with `secondPrefix`.
 */
async function twoLeaders(secondPrefix = 's') {
  const first = await masterPeer();
  const second = await masterPeer(secondPrefix);
  const detector = new StandaloneMasterDetector({ host: '127.0.0.1', port: first.port });
  const c = new SchedulerClient({ detector, backoff: { initialMs: 60_000, maxMs: 60_000 }, random: () => 0.5 });
  const stop = async (): Promise<void> => {
    c.close();
    await first.stop();
    await second.stop();
  };
  return { first, second, detector, c, stop };
}

/** Appoints `peer` leader and answers the client's SUBSCRIBE there as framework `id`; resolves, with that stream, once subscribed to it. */
async function moveLeader(detector: StandaloneMasterDetector, c: SchedulerClient, peer: HttpPeer, id: string): Promise<PeerStream> {
  detector.appoint({ host: '127.0.0.1', port: peer.port });
  const stream = await waitFor(() => peer.streams[0], 3000, 'SUBSCRIBE at the new leader');
  stream.send(SUBSCRIBED(id));
  await waitFor(() => c.state === 'subscribed' && c.master?.port === peer.port);
  return stream;
}

test('subscribe resolves on SUBSCRIBED; calls carry Mesos-Stream-Id and framework_id', async () => {
  const peer = await masterPeer();
  const c = client(peer.port);
  try {
    const subscribing = c.subscribe(FRAMEWORK, { suppressedRoles: ['*'] });
    const stream = await waitFor(() => peer.streams[0], 3000, 'SUBSCRIBE');
    assert.equal(stream.call.path, '/master/api/v1/scheduler');
    assert.deepEqual(stream.call.body, { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK, suppressed_roles: ['*'] } });
    stream.send(SUBSCRIBED('fw-1'));
    const info = await subscribing;
    assert.equal(info.frameworkId.value, 'fw-1');
    assert.equal(info.streamId, 's1');
    assert.equal(info.resubscribed, false);
    assert.equal(c.state, 'subscribed');

    await c.decline([{ value: 'o1' }], { refuse_seconds: 30 });
    const decline = peer.callsOf('DECLINE')[0]!;
    assert.equal(decline.headers['mesos-stream-id'], 's1');
    assert.deepEqual(decline.body, {
      type: 'DECLINE',
      decline: { offer_ids: [{ value: 'o1' }], filters: { refuse_seconds: 30 } },
      framework_id: { value: 'fw-1' },
    });
  } finally {
    c.close();
    await peer.stop();
  }
});

test('records sent in the same write as the 200 headers are handled once the stream is recorded', async () => {
  // A raw socket peer, so the headers and the first records go out in one write.
  const offer = { id: { value: 'o1' }, framework_id: { value: 'fw' }, agent_id: { value: 'a' }, hostname: 'h', resources: [] };
  const records = Buffer.concat([SUBSCRIBED('fw'), { type: 'HEARTBEAT' }, { type: 'OFFERS', offers: { offers: [offer] } }].map((e) => encodeRecord(e)));
  const bodies: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? -1);
      if (end < 0 || text.length < end + 4 + length) return;
      const body = text.slice(end + 4, end + 4 + length);
      text = text.slice(end + 4 + length);
      bodies.push(body);
      if (body.includes('"SUBSCRIBE"')) {
        const head = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nMesos-Stream-Id: same\r\nTransfer-Encoding: chunked\r\n\r\n';
        socket.write(Buffer.concat([Buffer.from(head + records.length.toString(16) + '\r\n'), records, Buffer.from('\r\n')]));
      } else {
        socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const c = client((server.address() as net.AddressInfo).port);
  let offers = 0;
  c.on('offers', (o) => (offers += o.length));
  try {
    const info = await c.subscribe(FRAMEWORK);
    assert.equal(info.streamId, 'same');
    await waitFor(() => offers === 1);
    await c.decline([offer.id]);
    assert.equal(c.state, 'subscribed');
    assert.equal(bodies.filter((b) => b.includes('"SUBSCRIBE"')).length, 1);
    assert.equal(bodies.filter((b) => b.includes('"DECLINE"')).length, 1);
  } finally {
    c.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('events are parsed: nested offers, base64 message data, failure, rescind; unknown types ignored', async () => {
  const peer = await masterPeer();
  const c = client(peer.port);
  const seen: string[] = [];
  c.on('offers', (offers) => seen.push(`offers:${offers.map((o) => o.id.value).join(',')}`));
  c.on('message', (m) => seen.push(`message:${JSON.stringify(m.data.toString('latin1'))}:${m.executorId.value}`));
  c.on('failure', (f) => seen.push(`failure:${f.agentId?.value}:${f.executorId?.value}:${f.status}`));
  c.on('rescind', (id) => seen.push(`rescind:${id.value}`));
  c.on('heartbeat', () => seen.push('heartbeat'));
  try {
    const stream = await subscribeAt(c, peer, 'fw');
    stream.send({ type: 'HEARTBEAT' });
    stream.send({ type: 'SOMETHING_NEW', something_new: {} });
    stream.send({
      type: 'OFFERS',
      offers: { offers: [{ id: { value: 'o1' }, framework_id: { value: 'fw' }, agent_id: { value: 'a' }, hostname: 'h', resources: [] }] },
    });
    stream.send({ type: 'MESSAGE', message: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, data: Buffer.from('x\0y').toString('base64') } });
    stream.send({ type: 'FAILURE', failure: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, status: 256 } });
    stream.send({ type: 'RESCIND', rescind: { offer_id: { value: 'o1' } } });
    await waitFor(() => seen.length === 5);
    assert.deepEqual(seen, ['heartbeat', 'offers:o1', 'message:"x\\u0000y":e', 'failure:a:e:256', 'rescind:o1']);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('a 307 from a standby is followed to the leader named in Location (//host:port/path)', async () => {
  const leader = await masterPeer();
  const standby = await new HttpPeer().start();
  standby.respond = () => ({ status: 307, headers: { Location: `//127.0.0.1:${leader.port}/master/api/v1/scheduler` } });
  const c = client(standby.port);
  const detected: number[] = [];
  c.on('masterDetected', (m) => detected.push(m.port));
  try {
    const subscribing = c.subscribe(FRAMEWORK);
    const stream = await waitFor(() => leader.streams[0]);
    stream.send(SUBSCRIBED('fw'));
    const info = await subscribing;
    assert.equal(info.master.port, leader.port);
    assert.deepEqual(detected, [standby.port, leader.port]);
    await c.revive();
    assert.equal(leader.callsOf('REVIVE').length, 1);
    assert.equal(standby.calls.length, 1);
  } finally {
    c.close();
    await Promise.all([leader.stop(), standby.stop()]);
  }
});

test('a broken stream leads to re-subscription with the framework id (failover), after backoff', async () => {
  const peer = await masterPeer();
  const c = client(peer.port);
  const events: string[] = [];
  c.on('disconnected', () => events.push('disconnected'));
  c.on('subscribed', (i) => events.push(`subscribed:${i.resubscribed}:${i.streamId}`));
  try {
    await subscribeAt(c, peer, 'fw-9');
    peer.streams[0]!.destroy();
    const second = await waitFor(() => peer.streams[1], 3000, 're-SUBSCRIBE');
    assert.deepEqual(second.call.body, {
      type: 'SUBSCRIBE',
      framework_id: { value: 'fw-9' },
      subscribe: { framework_info: { ...FRAMEWORK, id: { value: 'fw-9' } } },
    });
    assert.equal(second.call.headers['mesos-stream-id'], undefined);
    await assert.rejects(c.kill({ value: 't' }), SchedulerNotSubscribedError);
    second.send(SUBSCRIBED('fw-9'));
    await waitFor(() => c.state === 'subscribed');
    assert.deepEqual(events, ['subscribed:false:s1', 'disconnected', 'subscribed:true:s2']);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('a silent master (5 missed heartbeats) is left and re-subscribed', async () => {
  const peer = await masterPeer();
  const c = client(peer.port, { heartbeatMissLimit: 5 });
  try {
    const subscribing = c.subscribe(FRAMEWORK);
    const first = await waitFor(() => peer.streams[0]);
    // 20 ms heartbeats: the watchdog fires after 100 ms of silence.
    first.send(SUBSCRIBED('fw', 0.02));
    await subscribing;
    const reasons: string[] = [];
    c.on('disconnected', (e) => reasons.push(e.message));
    await waitFor(() => peer.streams[1], 3000, 're-SUBSCRIBE after silence');
    assert.deepEqual(reasons, ['Missed 5 heartbeats']);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('heartbeats keep a subscription alive', async () => {
  const peer = await masterPeer();
  const c = client(peer.port, { heartbeatMissLimit: 3 });
  try {
    const subscribing = c.subscribe(FRAMEWORK);
    const stream = await waitFor(() => peer.streams[0]);
    // A 1 s interval × 3 misses leaves the client 3 s of silence before it gives up: wide enough
    // that a loaded machine's event-loop stalls cannot pass for a dead master.
    stream.send(SUBSCRIBED('fw', 1));
    await subscribing;
    const beating = setInterval(() => stream.send({ type: 'HEARTBEAT' }), 100);
    let beats = 0;
    c.on('heartbeat', () => beats++);
    await waitFor(() => beats >= 10, 10_000, '10 heartbeats');
    clearInterval(beating);
    assert.equal(peer.streams.length, 1);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('an unreachable master is retried with jittered, bounded backoff until it appears', async () => {
  const port = await freePort();
  const randoms = [0, 1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  let r = 0;
  const c = client(port, { backoff: { initialMs: 10, maxMs: 40 }, random: () => randoms[r++ % randoms.length]! });
  const delays: number[] = [];
  c.on('reconnecting', (info) => delays.push(info.delayMs));
  let peer: HttpPeer | undefined;
  try {
    const subscribing = c.subscribe(FRAMEWORK);
    await waitFor(() => delays.length >= 4, 3000, 'four retries');
    // cap = min(40, 10 * 2^n); delay in [cap/2, cap] by the random number.
    assert.deepEqual(delays.slice(0, 4), [5, 20, 30, 20]);
    peer = new HttpPeer();
    let n = 0;
    peer.respond = (call) => (call.body['type'] === 'SUBSCRIBE' ? { stream: true, headers: { 'Mesos-Stream-Id': `s${++n}` } } : { status: 202 });
    await peer.start(port);
    (await waitFor(() => peer!.streams[0], 3000, 'SUBSCRIBE once listening')).send(SUBSCRIBED('fw'));
    assert.equal((await subscribing).frameworkId.value, 'fw');
  } finally {
    c.close();
    await peer?.stop();
  }
});

test('an ERROR event rejects the subscription and closes the client', async () => {
  const peer = await masterPeer();
  const c = client(peer.port);
  const errors: string[] = [];
  c.on('error', (m) => errors.push(m));
  try {
    const subscribing = c.subscribe({ ...FRAMEWORK, id: { value: 'gone' } });
    (await waitFor(() => peer.streams[0])).send({ type: 'ERROR', error: { message: 'Framework has been removed' } });
    await assert.rejects(subscribing, (e: unknown) => e instanceof SubscriptionRejectedError && e.message === 'Framework has been removed');
    assert.deepEqual(errors, ['Framework has been removed']);
    assert.equal(c.state, 'closed');
    assert.equal(peer.callsOf('SUBSCRIBE').length, 1);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('a 400 answer to SUBSCRIBE is final, a 503 is retried', async () => {
  const peer = await new HttpPeer().start();
  const answers = [503, 503, 400];
  peer.respond = () => ({ status: answers.shift() ?? 400, body: 'nope' });
  const c = client(peer.port);
  try {
    await assert.rejects(c.subscribe(FRAMEWORK), (e: unknown) => e instanceof SubscriptionRejectedError && e.status === 400);
    assert.equal(peer.calls.length, 3);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('auto-acknowledge sends ACKNOWLEDGE only for updates with a uuid, after the listeners', async () => {
  const peer = await masterPeer();
  const c = client(peer.port, { autoAcknowledge: true });
  const order: string[] = [];
  c.on('update', (s) => order.push(`update:${s.task_id.value}:${peer.callsOf('ACKNOWLEDGE').length}`));
  try {
    const stream = await subscribeAt(c, peer, 'fw');
    const uuid = Buffer.alloc(16, 7).toString('base64');
    stream.send({ type: 'UPDATE', update: { status: { task_id: { value: 'reconciled' }, state: 'TASK_LOST', source: 'SOURCE_MASTER' } } });
    stream.send({ type: 'UPDATE', update: { status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', agent_id: { value: 'a1' }, uuid } } });
    const ack = await waitFor(() => peer.callsOf('ACKNOWLEDGE')[0]);
    assert.deepEqual(ack.body['acknowledge'], { agent_id: { value: 'a1' }, task_id: { value: 't1' }, uuid });
    assert.deepEqual(order, ['update:reconciled:0', 'update:t1:0']);
    assert.equal(peer.callsOf('ACKNOWLEDGE').length, 1);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('coalesced acknowledgements: exactly one ACKNOWLEDGE per update, in order, with stream id and framework id; a refused one rejects', async () => {
  const peer = await masterPeer();
  const c = client(peer.port, { autoAcknowledge: true, coalesceAcknowledgements: true, headers: { Authorization: 'Basic eDp5' } });
  try {
    const stream = await subscribeAt(c, peer, 'fw');
    const uuid = (i: number): string => Buffer.alloc(16, i).toString('base64');
    for (let i = 0; i < 50; i++) {
      stream.send({ type: 'UPDATE', update: { status: { task_id: { value: `t${i}` }, state: 'TASK_RUNNING', agent_id: { value: 'a1' }, uuid: uuid(i) } } });
    }
    await waitFor(() => peer.callsOf('ACKNOWLEDGE').length === 50 || undefined);
    const acks = peer.callsOf('ACKNOWLEDGE');
    // One connection and a first-in first-out backlog: in the order the updates came.
    assert.deepEqual(acks.map((a) => (a.body['acknowledge'] as { uuid: string }).uuid), Array.from({ length: 50 }, (_, i) => uuid(i)));
    for (const ack of acks) {
      assert.deepEqual(ack.body['framework_id'], { value: 'fw' });
      assert.equal(ack.headers['mesos-stream-id'], 's1');
      assert.equal(ack.headers['authorization'], 'Basic eDp5');
    }
    peer.respond = () => ({ status: 400, body: 'Unknown status update uuid' });
    await assert.rejects(c.acknowledge({ value: 'a1' }, { value: 'tx' }, uuid(99)), (e: Error & { status?: number }) => e.status === 400);
  } finally {
    c.close();
    await peer.stop();
  }
  await assert.rejects(c.acknowledge({ value: 'a1' }, { value: 'tx' }, 'x'), SchedulerNotSubscribedError);
});

test('coalesced acknowledgements after a re-subscription carry the new stream id', async () => {
  const peer = await masterPeer();
  const c = client(peer.port, { autoAcknowledge: true, coalesceAcknowledgements: true });
  const update = (i: number) => ({
    type: 'UPDATE',
    update: { status: { task_id: { value: `t${i}` }, state: 'TASK_RUNNING', agent_id: { value: 'a1' }, uuid: Buffer.alloc(16, i).toString('base64') } },
  });
  try {
    await subscribeAt(c, peer, 'fw');
    peer.streams[0]!.send(update(1));
    await waitFor(() => peer.callsOf('ACKNOWLEDGE')[0]);
    peer.streams[0]!.destroy();
    const second = await waitFor(() => peer.streams[1], 3000, 're-SUBSCRIBE');
    second.send(SUBSCRIBED('fw'));
    await waitFor(() => c.state === 'subscribed' || undefined);
    second.send(update(2));
    await waitFor(() => peer.callsOf('ACKNOWLEDGE')[1]);
    assert.deepEqual(peer.callsOf('ACKNOWLEDGE').map((a) => a.headers['mesos-stream-id']), ['s1', 's2']);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('teardown sends TEARDOWN and closes; launch builds one LAUNCH operation', async () => {
  const peer = await masterPeer();
  const c = client(peer.port);
  try {
    await subscribeAt(c, peer, 'fw');
    const task = { name: 't', task_id: { value: 't' }, agent_id: { value: 'a' }, resources: [], command: { value: 'true' } };
    await c.launch([{ value: 'o1' }], [task]);
    assert.deepEqual(peer.callsOf('ACCEPT')[0]!.body['accept'], {
      offer_ids: [{ value: 'o1' }],
      operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }],
    });
    await c.teardown();
    assert.equal(peer.callsOf('TEARDOWN').length, 1);
    assert.equal(c.state, 'closed');
    await waitFor(() => peer.streams[0]!.closed, 3000, 'stream closed by the client');
  } finally {
    c.close();
    await peer.stop();
  }
});

test('a newly detected leader is subscribed to at once, not after the pending backoff', async () => {
  const dead = await freePort();
  const peer = await masterPeer();
  const detector = new StandaloneMasterDetector({ host: '127.0.0.1', port: dead });
  // A 60 s backoff: only the leader change can make the client try again within the bound below.
  const c = new SchedulerClient({ detector, backoff: { initialMs: 60_000, maxMs: 60_000 }, random: () => 0.5 });
  let failures = 0;
  c.on('reconnecting', () => failures++);
  try {
    const subscribing = c.subscribe(FRAMEWORK);
    await waitFor(() => failures > 0, 3000, 'a refused attempt at the dead master');
    const woken = Date.now();
    detector.appoint({ host: '127.0.0.1', port: peer.port });
    (await waitFor(() => peer.streams[0], 3000, 'SUBSCRIBE at the new leader')).send(SUBSCRIBED('fw-1'));
    await subscribing;
    assert.ok(Date.now() - woken < 3000);
  } finally {
    c.close();
    await peer.stop();
  }
});

test('a subscribed client drops its stream and resubscribes when another leader is detected', async () => {
  const { first, second, detector, c, stop } = await twoLeaders();
  try {
    await subscribeAt(c, first, 'fw-2');
    const stream = await moveLeader(detector, c, second, 'fw-2');
    assert.deepEqual(stream.call.body['framework_id'], { value: 'fw-2' });
  } finally {
    await stop();
  }
});

test('calls go to the current leader with its stream id; a refused call rejects with the status and body', async () => {
  const { first, second, detector, c, stop } = await twoLeaders('t');
  const subscribeOrAccept = second.respond;
  second.respond = (call) => (call.body['type'] === 'KILL' ? { status: 400, body: 'Task unknown' } : subscribeOrAccept(call));
  try {
    await subscribeAt(c, first, 'fw-3');
    await c.revive();
    await moveLeader(detector, c, second, 'fw-3');
    await c.revive();
    await assert.rejects(c.kill({ value: 't1' }), (error) => error instanceof HttpCallError && error.status === 400 && error.body === 'Task unknown');
    assert.deepEqual(first.callsOf('REVIVE').map((r) => r.headers['mesos-stream-id']), ['s1']);
    assert.deepEqual(second.callsOf('REVIVE').map((r) => r.headers['mesos-stream-id']), ['t1']);
    assert.equal(second.callsOf('KILL').length, 1);
  } finally {
    await stop();
  }
});

test('teardown resolves when the master ends the stream before it answers TEARDOWN', async () => {
  const peer = await masterPeer();
  const c = client(peer.port);
  const subscribeOrAccept = peer.respond;
  peer.respond = (call) => {
    if (call.body['type'] !== 'TEARDOWN') return subscribeOrAccept(call);
    peer.streams[0]!.end();
    // The client closes on the end of its stream while TEARDOWN is in flight, and only then is it answered.
    return { status: 200, after: waitFor(() => c.state === 'closed' || undefined, 3000, 'the client closed') };
  };
  try {
    await subscribeAt(c, peer, 'fw');
    await c.teardown();
    assert.equal(peer.callsOf('TEARDOWN').length, 1);
  } finally {
    c.close();
    await peer.stop();
  }
});

/**
 * Leader election and detection against a real ZooKeeper server, in the Mesos
 * layout (`json.info_<seq>` ephemeral sequential znodes, lowest leads):
 * three contenders, hand-over on withdraw, on a SIGKILLed leader (within the
 * session timeout) and on a partitioned leader (which steps down before anyone
 * else is elected), and detectors — ours and the scheduler library's `zk://` —
 * following the leader.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ZooKeeperSession } from '../../src/coordination/zookeeper/session.js';
import { ZooKeeperContender } from '../../src/coordination/zookeeper/zookeeper-contender.js';
import { ZooKeeperMasterDetector, type DetectedLeader } from '../../src/coordination/zookeeper/zookeeper-master-detector.js';
import type { MasterInfo } from '../../src/mesos/types.js';
import { createMasterDetector, type MasterAddress } from '../../src/scheduler/master-detector.js';
import { TcpProxy, ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { Proc, ROOT, waitFor } from './harness.js';

const SESSION_TIMEOUT_MS = 2000;
const SESSION = { sessionTimeoutMs: SESSION_TIMEOUT_MS };
let zk: ZooKeeperEnsemble | undefined;
let groups = 0;
const cleanups: Array<() => Promise<void> | void> = [];

const info = (port: number): MasterInfo => ({
  id: `master-${port}`,
  ip: 16777343,
  port,
  pid: `master@127.0.0.1:${port}`,
  hostname: 'localhost',
  address: { hostname: 'localhost', ip: '127.0.0.1', port },
});

/** A contender on its own session, recording when it was elected / lost. */
async function contender(url: string, port: number, options: { contend?: boolean; sessionTimeoutMs?: number } = {}) {
  const session = await ZooKeeperSession.connect(url, options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : SESSION);
  const c = new ZooKeeperContender(session, session.url.path, info(port));
  const record = { port, c, session, electedAt: 0, lostAt: 0, lostReason: '' };
  c.onElected(() => (record.electedAt = Date.now()));
  c.onLostLeadership((reason) => {
    record.lostAt = Date.now();
    record.lostReason = reason;
  });
  cleanups.push(() => session.close());
  if (options.contend !== false) await c.contend();
  return record;
}

function detector(url: string) {
  const d = new ZooKeeperMasterDetector(url, SESSION);
  const seen: Array<DetectedLeader | undefined> = [];
  d.onLeader((leader) => seen.push(leader));
  cleanups.push(() => d.close());
  return { d, seen };
}

describe('ZooKeeper leader election', zookeeperTestOptions(), () => {
  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 1 });
  });
  after(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await zk?.stopAll();
  });

  test('three contenders: the lowest sequence leads, alone; the detector reports it; withdraw hands over', async () => {
    const url = zk!.url(`/election/g${++groups}`);
    const a = await contender(url, 5051);
    const b = await contender(url, 5052);
    const c = await contender(url, 5053);
    await waitFor('a elected', () => a.c.isLeader, 5000);
    assert.equal(b.c.isLeader, false);
    assert.equal(c.c.isLeader, false);
    assert.match(a.c.membership!, /^json\.info_\d{10}$/);
    assert.ok(a.c.membership! < b.c.membership! && b.c.membership! < c.c.membership!);

    const { d, seen } = detector(url);
    assert.deepEqual(await d.detect(), { host: '127.0.0.1', port: 5051 });
    assert.equal(d.leader?.member, a.c.membership);
    assert.deepEqual(d.leader?.info, info(5051));

    const changed = new Promise<MasterAddress>((resolve) => d.onChange(resolve));
    await a.c.withdraw();
    await waitFor('b elected', () => b.c.isLeader, 5000);
    assert.equal(c.c.isLeader, false);
    assert.equal(a.lostAt, 0, 'withdraw reports no loss');
    assert.deepEqual(await changed, { host: '127.0.0.1', port: 5052 });
    assert.deepEqual(
      seen.map((l) => l?.address.port),
      [5051, 5052],
    );
  });

  test('a SIGKILLed leader is replaced within the session timeout; the detector follows', async () => {
    const url = zk!.url(`/election/g${++groups}`);
    const child = new Proc(process.execPath, [join(ROOT, 'dist/test/support/zookeeper-contender-child.js'), url, '6061', String(SESSION_TIMEOUT_MS)]);
    cleanups.push(() => void child.stop('SIGKILL'));
    await child.waitForOutput(/^elected$/m, 10_000);
    const standby = await contender(url, 6062);
    const { d } = detector(url);
    assert.deepEqual(await d.detect(), { host: '127.0.0.1', port: 6061 });
    assert.equal(standby.c.isLeader, false);

    const followed = new Promise<MasterAddress>((resolve) => d.onChange(resolve));
    const killedAt = Date.now();
    await child.stop('SIGKILL');
    await waitFor('standby elected', () => standby.c.isLeader, SESSION_TIMEOUT_MS * 3);
    const took = standby.electedAt - killedAt;
    // ZooKeeper expires sessions on tick boundaries (500 ms here): allow one tick and some scheduling.
    assert.ok(took <= SESSION_TIMEOUT_MS + 1500, `elected ${took} ms after the kill`);
    assert.deepEqual(await followed, { host: '127.0.0.1', port: 6062 });
  });

  test('a partitioned leader steps down before the ensemble lets anyone else lead', async () => {
    const group = `/election/g${++groups}`;
    const proxy = await TcpProxy.start(zk!.servers[0]!.clientPort);
    cleanups.push(() => proxy.close());
    const leader = await contender(`zk://127.0.0.1:${proxy.port}${group}`, 7071);
    await waitFor('leader elected', () => leader.c.isLeader, 5000);
    const standby = await contender(zk!.url(group), 7072);

    proxy.cut();
    await waitFor('standby elected', () => standby.c.isLeader, SESSION_TIMEOUT_MS * 4);
    assert.ok(leader.lostAt > 0, 'the old leader reported lost leadership');
    assert.match(leader.lostReason, /session lost \(timeout\)/);
    assert.equal(leader.c.isLeader, false);
    assert.ok(leader.lostAt < standby.electedAt, `old leader stepped down at ${leader.lostAt}, new one elected at ${standby.electedAt}`);
    proxy.heal();
    assert.equal(leader.session.state, 'expired');
  });

  test('a leader whose own event loop blocks keeps its session and leadership', async () => {
    const timeoutMs = 3000;
    const leader = await contender(zk!.url(`/election/g${++groups}`), 7171, { sessionTimeoutMs: timeoutMs });
    await waitFor('leader elected', () => leader.c.isLeader, 5000);
    // Blocks of 1.7 s (the session counts as lost after 2 s of silence, or 2.5 s after such a
    // block), at assorted points between probes, as a master's long synchronous work (a big
    // state.json, a registry burst) blocks it. Counting a block as the server's silence lost
    // the session in most runs of these six.
    for (const gapMs of [0, 110, 230, 340, 450, 570]) {
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      const until = Date.now() + 1700;
      while (Date.now() < until) {
        // Busy: nothing else runs on this thread.
      }
    }
    // A call sent after the last block: it fails if the block cost the session; once answered, the
    // session has heard from the server since, so that block can no longer cost it.
    const answered = await leader.session.getData('/').then(() => true, () => false);
    assert.equal(leader.lostAt, 0, `lost leadership: ${leader.lostReason}`);
    assert.equal(answered, true);
    assert.equal(leader.session.state, 'connected');
    assert.equal(leader.c.isLeader, true);
  });

  test('deleting a contender\'s znode ends its candidacy', async () => {
    const url = zk!.url(`/election/g${++groups}`);
    const a = await contender(url, 8081);
    await waitFor('a elected', () => a.c.isLeader, 5000);
    const admin = await ZooKeeperSession.connect(url, SESSION);
    cleanups.push(() => admin.close());
    await admin.remove(`${admin.url.path}/${a.c.membership}`, -1);
    await waitFor('a lost leadership', () => a.lostAt > 0, 5000);
    assert.match(a.lostReason, /was deleted/);
    assert.equal(a.c.isLeader, false);
  });

  test('the scheduler library\'s zk:// detector finds a leader written the way Mesos writes it', async () => {
    const group = `/election/g${++groups}`;
    const detectorViaSpec = createMasterDetector(zk!.url(group));
    cleanups.push(() => detectorViaSpec.close());
    const pending = detectorViaSpec.detect();

    const mesos = await ZooKeeperSession.connect(zk!.url(group), SESSION);
    cleanups.push(() => mesos.close());
    await mesos.ensurePath(group);
    await mesos.create(`${group}/log_replicas`, Buffer.alloc(0), 'persistent');
    // Mesos 1.x's MasterInfo JSON (JSON::protobuf of the message), ip 10.0.0.7 packed.
    const json = {
      id: '20261121-000000-117440522-5050-1',
      ip: 117440522,
      port: 5050,
      pid: 'master@10.0.0.7:5050',
      hostname: 'm7.example',
      version: '1.11.0',
      address: { hostname: 'm7.example', ip: '10.0.0.7', port: 5050 },
      capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }, { type: 'QUOTA_V2' }],
      domain: { fault_domain: { region: { name: 'r1' }, zone: { name: 'z1' } } },
    };
    await mesos.create(`${group}/json.info_`, Buffer.from(JSON.stringify(json)), 'ephemeral-sequential');
    assert.deepEqual(await pending, { host: '10.0.0.7', port: 5050 });
  });

  test('a detector closed while waiting rejects its pending detect()', async () => {
    const { d } = detector(zk!.url(`/election/g${++groups}`));
    const pending = d.detect();
    d.close();
    await assert.rejects(pending, /closed/);
  });
});

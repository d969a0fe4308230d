/**
 * A 3-server ZooKeeper ensemble survives the loss of one server (its leader,
 * the worst case): the store keeps committing, the elected master keeps its
 * leadership (its session moves to a surviving server), the detector keeps
 * reporting it. With two servers gone (no quorum) nothing commits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ZooKeeperError } from '../../src/coordination/zookeeper/errors.js';
import { ZooKeeperSession } from '../../src/coordination/zookeeper/session.js';
import { ZooKeeperContender } from '../../src/coordination/zookeeper/zookeeper-contender.js';
import { ZooKeeperMasterDetector } from '../../src/coordination/zookeeper/zookeeper-master-detector.js';
import { ZooKeeperStore } from '../../src/coordination/zookeeper/zookeeper-store.js';
import { ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { waitFor } from './harness.js';

// Long enough to ride out the surviving servers' own leader election (a few 500 ms ticks).
const SESSION = { sessionTimeoutMs: 6000 };
let zk: ZooKeeperEnsemble | undefined;

describe('ZooKeeper ensemble of three', zookeeperTestOptions(), () => {
  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 3 });
  });
  after(async () => {
    await zk?.stopAll();
  });

  test('losing the ZooKeeper leader loses no write, no master leadership, no detection', async () => {
    const ensemble = zk!;
    const modes = await Promise.all(ensemble.servers.map((s) => ensemble.mode(s.id)));
    assert.deepEqual([...modes].sort(), ['follower', 'follower', 'leader']);
    const zkLeader = ensemble.servers[modes.indexOf('leader')]!.id;

    const url = ensemble.url('/mesos');
    const store = await ZooKeeperStore.open(url, SESSION);
    const session = await ZooKeeperSession.connect(url, SESSION);
    const master = new ZooKeeperContender(session, '/mesos', { id: 'm1', ip: 16777343, port: 5050, address: { ip: '127.0.0.1', port: 5050 } });
    const losses: string[] = [];
    master.onLostLeadership((reason) => losses.push(reason));
    const detector = new ZooKeeperMasterDetector(url, SESSION);
    try {
      await master.contend();
      await waitFor('master elected', () => master.isLeader, 5000);
      assert.deepEqual(await detector.detect(), { host: '127.0.0.1', port: 5050 });
      assert.equal(await store.put('registry/agents/A1', { n: 1 }), 1);

      await ensemble.stop(zkLeader);
      // Writes may fail while the survivors elect a new ZooKeeper leader; each attempt is a compare-and-set.
      const version = await waitFor(
        'a write after the ZooKeeper leader is gone',
        async () => {
          const entry = await store.get<{ n: number }>('registry/agents/A1');
          return store.put('registry/agents/A1', { n: 2 }, entry!.version);
        },
        20_000,
        200,
      );
      assert.equal(version, 2);
      assert.deepEqual((await store.get('registry/agents/A1'))?.value, { n: 2 });
      assert.equal(master.isLeader, true);
      assert.deepEqual(losses, []);
      assert.equal(detector.leader?.member, master.membership);

      // A second server gone: no quorum, so nothing commits (the call fails rather than hanging).
      const second = ensemble.servers.find((s) => s.id !== zkLeader)!.id;
      await ensemble.stop(second);
      await assert.rejects(
        store.put('registry/agents/A1', { n: 3 }, 2),
        (e: unknown) => e instanceof ZooKeeperError,
      );
    } finally {
      detector.close();
      await master.withdraw().catch(() => undefined);
      await session.close();
      await store.close();
    }
  });
});

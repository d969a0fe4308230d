/**
 * ZooKeeperStore.putMany against a real ZooKeeper server: existing keys are
 * written by multi-ops (chunked under jute.maxbuffer), chunks of only new keys
 * are created by multi-ops too, chunks mixing both fall back to one put each,
 * and versions move exactly as with `put`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ZooKeeperStore } from '../../src/coordination/zookeeper/zookeeper-store.js';
import { fourLetterWord, ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';

describe('ZooKeeperStore.putMany', zookeeperTestOptions(), () => {
  let zk: ZooKeeperEnsemble | undefined;
  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 1 });
  });
  after(async () => {
    await zk?.stopAll();
  });

  test('creates new keys, overwrites existing ones in chunks, bumps versions by one', async () => {
    const store = await ZooKeeperStore.open(zk!.url('/put-many'), { sessionTimeoutMs: 4000 });
    try {
      // 2,500 entries of ~1 kB: several multi-ops per call.
      const pad = 'x'.repeat(1000);
      const entries = (n: number) => Array.from({ length: 2500 }, (_, i) => ({ key: `registry/agents/A${i}`, value: { i, n, pad } }));
      await store.put('registry/agents/A0', { i: 0, n: 0 });
      await store.putMany(entries(1));
      let listed = await store.list<{ i: number; n: number }>('registry/agents/');
      assert.equal(listed.length, 2500);
      assert.ok(listed.every((e) => e.value.n === 1));
      assert.equal(listed.find((e) => e.key === 'registry/agents/A0')?.version, 2);
      assert.equal(listed.find((e) => e.key === 'registry/agents/A1')?.version, 1);
      await store.putMany(entries(2));
      listed = await store.list<{ i: number; n: number }>('registry/agents/');
      assert.ok(listed.every((e) => e.value.n === 2));
      assert.equal(listed.find((e) => e.key === 'registry/agents/A0')?.version, 3);
      assert.equal(listed.find((e) => e.key === 'registry/agents/A2499')?.version, 2);
      await store.putMany([]);
    } finally {
      await store.close();
    }
  });

  test('creates a burst of new keys, under a parent not there yet, a few multi-ops at a time', async () => {
    const store = await ZooKeeperStore.open(zk!.url('/put-many-new'), { sessionTimeoutMs: 4000 });
    try {
      const received = async (): Promise<number> => {
        const server = zk!.servers[0]!;
        const reply = await fourLetterWord(server.clientPort, 'srvr', server.host);
        return Number(/^Received: (\d+)/m.exec(reply)?.[1]);
      };
      const entries = Array.from({ length: 2500 }, (_, i) => ({ key: `registry/agents/N${i}`, value: { i } }));
      const before = await received();
      await store.putMany(entries);
      const requests = (await received()) - before;
      // Three chunks: a refused setData multi-op, a create multi-op refused for the missing
      // parent, the parents, the create multi-op again. Key by key it was two requests per key.
      assert.ok(requests < 40, `${requests} requests for 2,500 new keys`);
      const listed = await store.list<{ i: number }>('registry/agents/');
      assert.equal(listed.length, 2500);
      assert.ok(listed.every((e) => e.version === 1 && e.key === `registry/agents/N${e.value.i}`));
    } finally {
      await store.close();
    }
  });
});

/**
 * ZooKeeperStore.putMany against a real ZooKeeper server: existing keys are
 * written by multi-ops (chunked under jute.maxbuffer), new keys fall back to
 * one put each, and versions move exactly as with `put`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ZooKeeperStore } from '../../src/coordination/zookeeper/zookeeper-store.js';
import { ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';

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
});

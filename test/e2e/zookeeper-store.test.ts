/**
 * ZooKeeperStore against a real ZooKeeper server: the Store contract, two
 * writers racing on compare-and-set (never both commit), counters that lose no
 * update, the size limit, digest ACLs, and recovery after a lost session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { StoreConflictError } from '../../src/coordination/store.js';
import { StoreValueTooLargeError, ZooKeeperError } from '../../src/coordination/zookeeper/errors.js';
import { ZooKeeperSession } from '../../src/coordination/zookeeper/session.js';
import { MAX_VALUE_BYTES } from '../../src/coordination/zookeeper/store-layout.js';
import { ZooKeeperStore } from '../../src/coordination/zookeeper/zookeeper-store.js';
import { TcpProxy, ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { storeContract } from '../unit/coordination/store-contract.js';
import { waitFor } from './harness.js';

const SESSION = { sessionTimeoutMs: 2000 };
let zk: ZooKeeperEnsemble | undefined;
let paths = 0;
/** A fresh group path per test, so every store starts empty. */
const freshUrl = (): string => zk!.url(`/store-test/t${++paths}`);

describe('ZooKeeperStore', zookeeperTestOptions(), () => {
  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 1 });
  });
  after(async () => {
    await zk?.stopAll();
  });

  storeContract('ZooKeeperStore', () => ZooKeeperStore.open(freshUrl(), SESSION));

  test('keys are znodes under the path, versions are znode versions + 1', async () => {
    const url = freshUrl();
    const store = await ZooKeeperStore.open(url, SESSION);
    const session = await ZooKeeperSession.connect(url, SESSION);
    try {
      await store.put('registry/agents/A1', { id: 'A1' });
      await store.put('registry/agents/A1', { id: 'A1', n: 2 });
      const node = await session.getData(`${store.url.path}/registry/agents/A1`);
      assert.equal(node?.version, 1);
      assert.deepEqual(JSON.parse(node!.data.toString()), { id: 'A1', n: 2 });
      assert.deepEqual((await session.getChildren(store.url.path))?.sort(), ['registry']);
    } finally {
      await session.close();
      await store.close();
    }
  });

  test('two writers holding the same version: exactly one commits (property)', async () => {
    const url = freshUrl();
    const [a, b] = await Promise.all([ZooKeeperStore.open(url, SESSION), ZooKeeperStore.open(url, SESSION)]);
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.boolean(), async (priorWrites, aFirst) => {
          const key = `race/k${++run}`;
          for (let i = 0; i < priorWrites; i++) await a.put(key, { prior: i });
          const seen = (await a.get<unknown>(key))?.version ?? 0;
          const attempts = aFirst ? [a.put(key, 'a', seen), b.put(key, 'b', seen)] : [b.put(key, 'b', seen), a.put(key, 'a', seen)];
          const results = await Promise.allSettled(attempts);
          const won = results.filter((r) => r.status === 'fulfilled');
          const lost = results.filter((r) => r.status === 'rejected');
          assert.equal(won.length, 1, `exactly one winner for ${key}`);
          assert.equal((won[0] as PromiseFulfilledResult<number>).value, seen + 1);
          const error = (lost[0] as PromiseRejectedResult).reason as unknown;
          assert.ok(error instanceof StoreConflictError, String(error));
          assert.equal(error.expected, seen);
          assert.equal(error.actual, seen + 1);
          const final = await b.get<string>(key);
          assert.equal(final?.version, seen + 1);
          const winner = aFirst === (won[0] === results[0]) ? 'a' : 'b';
          assert.equal(final?.value, winner);
        }),
        { numRuns: 25 },
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('read-modify-CAS counters from three clients lose no update', async () => {
    const url = freshUrl();
    const stores = await Promise.all([1, 2, 3].map(() => ZooKeeperStore.open(url, SESSION)));
    const perWriter = 15;
    try {
      await Promise.all(
        stores.map(async (store) => {
          for (let done = 0; done < perWriter; ) {
            const entry = await store.get<number>('counter');
            try {
              await store.put('counter', (entry?.value ?? 0) + 1, entry?.version ?? 0);
              done++;
            } catch (error) {
              if (!(error instanceof StoreConflictError)) throw error;
            }
          }
        }),
      );
      const final = await stores[0]!.get<number>('counter');
      assert.equal(final?.value, stores.length * perWriter);
      assert.equal(final?.version, stores.length * perWriter);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('concurrent unconditional creates of one key both land, one after the other', async () => {
    const url = freshUrl();
    const [a, b] = await Promise.all([ZooKeeperStore.open(url, SESSION), ZooKeeperStore.open(url, SESSION)]);
    try {
      const versions = await Promise.all([a.put('new/key', 'a'), b.put('new/key', 'b')]);
      assert.deepEqual(versions.sort(), [1, 2]);
      assert.equal((await a.get('new/key'))?.version, 2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a value at the size limit is stored; one byte more is refused before sending', async () => {
    const store = await ZooKeeperStore.open(freshUrl(), { sessionTimeoutMs: 4000 });
    try {
      const big = 'x'.repeat(MAX_VALUE_BYTES - 2);
      assert.equal(await store.put('registry/big', big), 1);
      assert.equal((await store.get<string>('registry/big'))?.value.length, big.length);
      await assert.rejects(store.put('registry/big', `${big}y`), StoreValueTooLargeError);
      assert.equal((await store.get('registry/big'))?.version, 1);
    } finally {
      await store.close();
    }
  });

  test('a key may also be a directory of other keys: deleting it keeps the keys below', async () => {
    const store = await ZooKeeperStore.open(freshUrl(), SESSION);
    try {
      await store.put('a', 1);
      await store.put('a/b', 2);
      await store.delete('a');
      assert.equal(await store.get('a'), undefined);
      assert.deepEqual((await store.list('a')).map((e) => e.key), ['a/b']);
      assert.equal(await store.put('a', 3, 0), 3, 'the emptied znode is claimed with compare-and-set');
    } finally {
      await store.close();
    }
  });

  test('with zk://user:pass@ credentials, znodes are readable by anyone and writable only by us', async () => {
    const path = `/store-test/acl${++paths}`;
    const url = `zk://meseta:secret@${zk!.connectString}${path}`;
    const store = await ZooKeeperStore.open(url, SESSION);
    const anonymous = await ZooKeeperSession.connect(zk!.url(path), SESSION);
    try {
      await store.put('registry/agents/A1', { id: 'A1' });
      const node = await anonymous.getData(`${path}/registry/agents/A1`);
      assert.deepEqual(JSON.parse(node!.data.toString()), { id: 'A1' });
      await assert.rejects(anonymous.setData(`${path}/registry/agents/A1`, Buffer.from('{}'), -1), (e: unknown) => e instanceof ZooKeeperError && e.code === 'NO_AUTH');
      const again = await ZooKeeperStore.open(url, SESSION);
      assert.equal(await again.put('registry/agents/A1', { id: 'A1', n: 2 }, 1), 2);
      await again.close();
    } finally {
      await anonymous.close();
      await store.close();
    }
  });

  test('after its session is lost, the store reconnects with a new one', async () => {
    const proxy = await TcpProxy.start(zk!.servers[0]!.clientPort);
    const url = `zk://127.0.0.1:${proxy.port}/store-test/t${++paths}`;
    const store = await ZooKeeperStore.open(url, SESSION);
    try {
      await store.put('k', 1);
      const lost = new Promise<string>((resolve) => {
        // The store's own session is private; a second one through the same proxy shows the cut.
        void ZooKeeperSession.connect(url, SESSION).then((probe) => {
          probe.onExpired((reason) => {
            void probe.close();
            resolve(reason);
          });
          proxy.cut();
        });
      });
      assert.equal(await lost, 'timeout');
      await assert.rejects(store.get('k'), ZooKeeperError);
      proxy.heal();
      const entry = await waitFor('the store to answer again', () => store.get<number>('k'), 15_000, 100);
      assert.deepEqual(entry, { key: 'k', value: 1, version: 1 });
      assert.equal(await store.put('k', 2, 1), 2);
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});

/**
 * The Store contract (src/coordination/store.ts) as a suite every
 * implementation runs: SQLite here in the unit tests, ZooKeeper in
 * test/e2e/zookeeper-store.test.ts. `open` gives a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreConflictError, type Store } from '../../../src/coordination/store.js';

const conflict = (expected: number, actual: number) => (error: unknown) =>
  error instanceof StoreConflictError && error.code === 'STORE_CONFLICT' && error.expected === expected && error.actual === actual;

/** Registers the contract tests for one Store implementation. */
export function storeContract(name: string, open: () => Promise<Store>, options: { skip?: string } = {}): void {
  const run = (title: string, body: (store: Store) => Promise<void>) =>
    test(`${name}: ${title}`, options, async () => {
      const store = await open();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });

  run('a new key starts at version 1 and each write adds one', async (store) => {
    assert.equal(await store.get('registry/agents/A1'), undefined);
    assert.equal(await store.put('registry/agents/A1', { hostname: 'h1' }), 1);
    assert.equal(await store.put('registry/agents/A1', { hostname: 'h2' }), 2);
    assert.deepEqual(await store.get('registry/agents/A1'), { key: 'registry/agents/A1', value: { hostname: 'h2' }, version: 2 });
  });

  run('values round-trip as JSON', async (store) => {
    const value = { s: 'ünïcødé ✓ \u0000', n: 1.5, b: false, nil: null, list: [1, 'two', { three: 3 }] };
    await store.put('k', value);
    assert.deepEqual((await store.get('k'))?.value, value);
    await store.put('zero', 0);
    assert.equal((await store.get('zero'))?.value, 0);
  });

  run('expectedVersion 0 means "must not exist"', async (store) => {
    assert.equal(await store.put('a/b', 'first', 0), 1);
    await assert.rejects(store.put('a/b', 'second', 0), conflict(0, 1));
    assert.equal((await store.get('a/b'))?.value, 'first');
  });

  run('compare-and-set commits only on the current version', async (store) => {
    await store.put('x', 1);
    await store.put('x', 2);
    await assert.rejects(store.put('x', 3, 1), conflict(1, 2));
    assert.equal(await store.put('x', 3, 2), 3);
    await assert.rejects(store.put('missing', 1, 4), conflict(4, 0));
    assert.equal(await store.get('missing'), undefined);
  });

  run('delete: unconditional, compare-and-delete, and a deleted key starts again at 1', async (store) => {
    await store.delete('never');
    await store.delete('never', 0);
    await store.put('d', 'v');
    await store.put('d', 'v2');
    await assert.rejects(store.delete('d', 1), conflict(1, 2));
    await assert.rejects(store.delete('d', 0), conflict(0, 2));
    await assert.rejects(store.delete('never', 3), conflict(3, 0));
    await store.delete('d', 2);
    assert.equal(await store.get('d'), undefined);
    assert.equal(await store.put('d', 'again'), 1);
    await store.delete('d');
    assert.equal(await store.get('d'), undefined);
  });

  run('list returns exactly the keys with the prefix, sorted by key', async (store) => {
    const keys = ['registry/agents/S2', 'registry/agents/S10', 'registry/agents/S1', 'registry/frameworks/F1', 'registry/agentsX', 'other/x', 'registry/a/deep/key'];
    for (const key of keys) await store.put(key, { key });
    const listed = async (prefix: string) => (await store.list<{ key: string }>(prefix)).map((e) => e.key);
    assert.deepEqual(await listed('registry/agents/'), ['registry/agents/S1', 'registry/agents/S10', 'registry/agents/S2']);
    assert.deepEqual(await listed('registry/agents'), ['registry/agents/S1', 'registry/agents/S10', 'registry/agents/S2', 'registry/agentsX']);
    assert.deepEqual(await listed('registry/a'), ['registry/a/deep/key', 'registry/agents/S1', 'registry/agents/S10', 'registry/agents/S2', 'registry/agentsX']);
    assert.deepEqual(await listed('registry/agents/S1'), ['registry/agents/S1', 'registry/agents/S10']);
    assert.deepEqual(await listed('nothing/'), []);
    assert.deepEqual(await listed(''), [...keys].sort());
    const [first] = await store.list<{ key: string }>('registry/frameworks/');
    assert.deepEqual(first, { key: 'registry/frameworks/F1', value: { key: 'registry/frameworks/F1' }, version: 1 });
  });
}

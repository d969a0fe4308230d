/**
 * Registry admissions are batched per event-loop turn into one Store write
 * (putMany where the Store has it), keep call order against the other
 * registry operations, and report a failed batch to every caller in it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/coordination/sqlite-store.js';
import type { Store, StoreEntry, StoreWrite } from '../../../src/coordination/store.js';
import { Registry, type RegistryAgent } from '../../../src/master/registry/registry.js';
import type { Resource } from '../../../src/mesos/types.js';

const agent = (id: string, hostname = `host-${id}`): RegistryAgent => ({
  info: { id: { value: id }, hostname, resources: [] },
  pid: `slave(1)@${hostname}:5051`,
});

/** SqliteStore in memory that records each write call; `gate` holds putMany until released. */
class RecordingStore implements Store {
  readonly inner = new SqliteStore(':memory:');
  readonly calls: string[] = [];
  gate: Promise<void> | undefined;
  /** Holds every putMany from now until the returned function is called. */
  hold(): () => void {
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    return () => {
      this.gate = undefined;
      open();
    };
  }
  failNext: Error | undefined;
  get<T>(key: string): Promise<StoreEntry<T> | undefined> {
    return this.inner.get<T>(key);
  }
  list<T>(prefix: string): Promise<Array<StoreEntry<T>>> {
    return this.inner.list<T>(prefix);
  }
  put<T>(key: string, value: T, expectedVersion?: number): Promise<number> {
    this.calls.push(`put ${key}`);
    return this.inner.put(key, value, expectedVersion);
  }
  delete(key: string, expectedVersion?: number): Promise<void> {
    this.calls.push(`delete ${key}`);
    return this.inner.delete(key, expectedVersion);
  }
  async putMany(entries: ReadonlyArray<StoreWrite>): Promise<void> {
    this.calls.push(`putMany ${entries.map((e) => e.key.split('/').at(-1)).join(',')}`);
    if (this.gate) await this.gate;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    await this.inner.putMany(entries);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Registry admissions', () => {
  it('writes the admissions of one turn as one putMany, and recovers them all', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    await Promise.all(Array.from({ length: 100 }, (_, i) => registry.admitAgent(agent(`A${i}`))));
    assert.equal(store.calls.length, 1);
    assert.match(store.calls[0]!, /^putMany A0,A1,.*,A99$/);
    const recovered = await registry.recover();
    assert.equal(recovered.agents.length, 100);
    assert.equal((await store.get('registry/agents/A7'))?.version, 1);
  });

  it('keeps the latest of two admissions of one agent in a turn; both callers resolve', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    await Promise.all([registry.admitAgent(agent('A1', 'old')), registry.admitAgent(agent('A1', 'new'))]);
    assert.deepEqual(store.calls, ['putMany A1']);
    assert.equal((await store.get<RegistryAgent>('registry/agents/A1'))?.value.info.hostname, 'new');
  });

  it('writes an admission before a removal or an unreachable mark made after it', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    void registry.admitAgent(agent('A1'));
    await registry.removeAgent('A1');
    assert.equal(await store.get('registry/agents/A1'), undefined);
    void registry.admitAgent(agent('A2'));
    await registry.markAgentUnreachable('A2', 1234);
    assert.equal((await store.get<RegistryAgent>('registry/agents/A2'))?.value.unreachableTime, 1234);
    assert.deepEqual(store.calls.slice(0, 2), ['putMany A1', 'delete registry/agents/A1']);
  });

  it('gathers admissions of different turns within the window into one batch', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store, { batchWindowMs: 50 });
    const admitted: Array<Promise<void>> = [];
    for (let i = 0; i < 5; i++) {
      admitted.push(registry.admitAgent(agent(`A${i}`)));
      await nextTurn();
    }
    await Promise.all(admitted);
    assert.deepEqual(store.calls, ['putMany A0,A1,A2,A3,A4']);
  });

  it('gathers admissions arriving during a write into the next batch, in order', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store, { batchWindowMs: 0 });
    const release = store.hold();
    const first = registry.admitAgent(agent('A1'));
    await nextTurn();
    const later = [registry.admitAgent(agent('A2')), registry.admitAgent(agent('A1', 'again'))];
    await nextTurn();
    await nextTurn();
    assert.deepEqual(store.calls, ['putMany A1'], 'nothing more while the first batch is being written');
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(store.calls, ['putMany A1', 'putMany A2,A1']);
    assert.equal((await store.get<RegistryAgent>('registry/agents/A1'))?.value.info.hostname, 'again');
  });

  it('rejects every caller of a failed batch; the next batch is written', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    store.failNext = new Error('store down');
    const results = await Promise.allSettled([registry.admitAgent(agent('A1')), registry.admitAgent(agent('A2'))]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal((results[0] as PromiseRejectedResult).reason.message, 'store down');
    await registry.admitAgent(agent('A3'));
    assert.equal((await registry.recover()).agents.length, 1);
  });

  it('falls back to one put per agent with a Store that has no putMany', async () => {
    const store = new RecordingStore();
    const plain: Store = {
      get: (k) => store.get(k),
      list: (p) => store.list(p),
      put: (k, v, e) => store.put(k, v, e),
      delete: (k, e) => store.delete(k, e),
      close: () => store.close(),
    };
    const registry = new Registry(plain);
    await Promise.all([registry.admitAgent(agent('A1')), registry.admitAgent(agent('A2'))]);
    assert.deepEqual(store.calls, ['put registry/agents/A1', 'put registry/agents/A2']);
  });
});

describe('Registry: unchanged re-admissions (Mesos MESOS-7711)', () => {
  it('writes nothing for recovered agents that come back unchanged; a changed one is written', async () => {
    const store = new RecordingStore();
    await Promise.all([new Registry(store).admitAgent(agent('A1')), new Registry(store).admitAgent(agent('A2'))]);
    store.calls.length = 0;
    const registry = new Registry(store);
    await registry.recover();
    await Promise.all([registry.admitAgent(agent('A1')), registry.admitAgent(agent('A2', 'moved'))]);
    assert.deepEqual(store.calls, ['putMany A2']);
    assert.equal(registry.isRecovering(), false, 'both came back');
    await registry.admitAgent(agent('A2', 'moved'));
    assert.deepEqual(store.calls, ['putMany A2'], 'admitted here, unchanged since');
    assert.equal((await store.get<RegistryAgent>('registry/agents/A2'))?.value.info.hostname, 'moved');
  });

  it('compares records by their fields, in any order; a changed resource or attribute is written', async () => {
    const store = new RecordingStore();
    const first = (): RegistryAgent => ({
      info: { id: { value: 'A1' }, hostname: 'h', resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }], attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }] },
      pid: 'slave(1)@h:5051',
    });
    await new Registry(store).admitAgent(first());
    store.calls.length = 0;
    const registry = new Registry(store);
    await registry.recover();
    // The same record with its keys in another order, as another agent build might send it.
    await registry.admitAgent({
      pid: 'slave(1)@h:5051',
      info: { attributes: [{ text: { value: 'r1' }, type: 'TEXT', name: 'rack' }], resources: [{ scalar: { value: 2 }, type: 'SCALAR', name: 'cpus' }], hostname: 'h', id: { value: 'A1' } },
    });
    assert.deepEqual(store.calls, [], 'unchanged');
    const more = first();
    more.info.resources![0]!.scalar!.value = 3;
    await registry.admitAgent(more);
    assert.deepEqual(store.calls, ['putMany A1'], 'resources changed');
    const moved = first();
    moved.info.resources![0]!.scalar!.value = 3;
    moved.info.attributes![0]!.text!.value = 'r2';
    await registry.admitAgent(moved);
    assert.deepEqual(store.calls, ['putMany A1', 'putMany A1'], 'attribute changed');
    assert.equal((await store.get<RegistryAgent>('registry/agents/A1'))?.value.info.attributes?.[0]?.text?.value, 'r2');
  });

  it("hands each recovered agent's resources to `share` and keeps what it returns, so an equal re-admission is unchanged", async () => {
    const store = new RecordingStore();
    const withCpus = (id: string, cpus: number): RegistryAgent => ({
      info: { id: { value: id }, hostname: id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: cpus } }] },
      pid: `slave(1)@${id}:5051`,
    });
    await new Registry(store).admitAgent(withCpus('A1', 2));
    await new Registry(store).admitAgent(withCpus('A2', 2));
    await new Registry(store).admitAgent({ info: { id: { value: 'A3' }, hostname: 'A3' }, pid: 'slave(1)@A3:5051' });
    store.calls.length = 0;
    const shared = Object.freeze([{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }]) as Resource[];
    const given: Resource[][] = [];
    const registry = new Registry(store);
    const recovered = await registry.recover((resources) => {
      given.push(resources);
      return shared;
    });
    assert.deepEqual(given, [withCpus('A1', 2).info.resources, withCpus('A2', 2).info.resources], 'agents without resources are left alone');
    assert.deepEqual(recovered.agents.map((a) => a.info.resources), [shared, shared, undefined]);
    assert.equal(recovered.agents[0]!.info.resources, shared);
    await registry.admitAgent({ ...withCpus('A1', 2), info: { ...withCpus('A1', 2).info, resources: shared } });
    await registry.admitAgent(withCpus('A2', 3));
    assert.deepEqual(store.calls, ['putMany A2'], 'only the changed one is written');
  });

  it('writes the re-admission of an agent marked unreachable, clearing the mark', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    await registry.admitAgent(agent('A1'));
    await registry.markAgentUnreachable('A1', 1234);
    await registry.admitAgent(agent('A1'));
    assert.equal((await store.get<RegistryAgent>('registry/agents/A1'))?.value.unreachableTime, undefined);
    const recovering = new Registry(store);
    await registry.markAgentUnreachable('A1', 5678);
    await recovering.recover();
    await recovering.admitAgent(agent('A1'));
    assert.equal((await store.get<RegistryAgent>('registry/agents/A1'))?.value.unreachableTime, undefined, 'recovered unreachable: written');
  });

  it('an unchanged admission resolves only once the write of that record in flight is done', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store, { batchWindowMs: 0 });
    const release = store.hold();
    const first = registry.admitAgent(agent('A1'));
    await nextTurn();
    let secondDone = false;
    const second = registry.admitAgent(agent('A1')).then(() => (secondDone = true));
    await nextTurn();
    await nextTurn();
    assert.equal(secondDone, false, 'still waiting for the write under way');
    release();
    await Promise.all([first, second]);
    assert.deepEqual(store.calls, ['putMany A1']);
  });

  it('writes again after a failed write, and after a removal', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    store.failNext = new Error('store down');
    await assert.rejects(registry.admitAgent(agent('A1')), /store down/);
    await registry.admitAgent(agent('A1'));
    assert.deepEqual(store.calls, ['putMany A1', 'putMany A1']);
    await registry.removeAgent('A1');
    await registry.admitAgent(agent('A1'));
    assert.deepEqual(store.calls, ['putMany A1', 'putMany A1', 'delete registry/agents/A1', 'putMany A1']);
    assert.equal((await registry.recover()).agents.length, 1);
  });
});

describe('SqliteStore.putMany', () => {
  it('writes every entry in one transaction, bumping versions like put', async () => {
    const store = new SqliteStore(':memory:');
    await store.put('k/a', { n: 0 });
    await store.putMany([
      { key: 'k/a', value: { n: 1 } },
      { key: 'k/b', value: { n: 2 } },
    ]);
    assert.deepEqual(
      (await store.list<{ n: number }>('k/')).map((e) => [e.key, e.value.n, e.version]),
      [['k/a', 1, 2], ['k/b', 2, 1]],
    );
    await assert.rejects(store.putMany([{ key: 'k/c', value: { n: 3 } }, { key: 'k/d', value: undefined }]));
    assert.equal(await store.get('k/c'), undefined, 'all or nothing');
    await store.putMany([]);
    await store.close();
  });
});

describe('Registry: gone agents and weights', () => {
  it('records a gone agent (and drops its admission), and the weights; a new master recovers both', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    await registry.admitAgent(agent('A1'));
    await registry.admitAgent(agent('A2'));
    await registry.markAgentGone('A1', 1_700_000_000_000);
    await registry.updateWeights({ analytics: 2, web: 0.5 });
    const recovered = await new Registry(store).recover();
    assert.deepEqual(recovered.agents.map((a) => a.info.id.value), ['A2']);
    assert.deepEqual(recovered.goneAgents, ['A1']);
    assert.deepEqual(recovered.weights, { analytics: 2, web: 0.5 });
  });

  it('recovers no weights when none were ever set', async () => {
    const recovered = await new Registry(new RecordingStore()).recover();
    assert.deepEqual(recovered.goneAgents, []);
    assert.equal(recovered.weights, undefined);
  });

  it('a failed write is the caller\'s error and leaves the admission in place', async () => {
    const store = new RecordingStore();
    const registry = new Registry(store);
    await registry.admitAgent(agent('A1'));
    store.put = () => Promise.reject(new Error('ZooKeeper: connection loss'));
    await assert.rejects(registry.markAgentGone('A1', 1), /connection loss/);
    const recovered = await new Registry(store).recover();
    assert.deepEqual(recovered.agents.map((a) => a.info.id.value), ['A1']);
    assert.deepEqual(recovered.goneAgents, []);
  });
});

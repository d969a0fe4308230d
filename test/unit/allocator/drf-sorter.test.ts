import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DRFSorter } from '../../../src/master/allocator/drf-sorter.js';

/** [cpus, mem, disk, gpus] */
const q = (cpus: number, mem: number, disk = 0, gpus = 0): Float64Array => Float64Array.of(cpus, mem, disk, gpus);
const names = <T>(s: DRFSorter<T>): string[] => s.order().map((e) => e.name);

test('orders by dominant share, ties by name', () => {
  const s = new DRFSorter<null>();
  s.setTotal(q(10, 1000));
  for (const n of ['c', 'a', 'b']) s.add(n, null);
  assert.deepEqual(names(s), ['a', 'b', 'c']);
  // a: max(2/10, 100/1000) = 0.2 ; b: max(1/10, 300/1000) = 0.3 ; c: 0
  s.allocated('a', q(2, 100));
  s.allocated('b', q(1, 300));
  assert.deepEqual(names(s), ['c', 'a', 'b'], s.describe());
  assert.equal(s.share('a'), 0.2);
  assert.equal(s.share('b'), 0.3);
  s.unallocated('b', q(1, 300));
  assert.deepEqual(names(s), ['b', 'c', 'a'], s.describe());
});

test('weight divides the share', () => {
  const s = new DRFSorter<null>();
  s.setTotal(q(10, 1000));
  s.add('heavy', null, 2);
  s.add('light', null);
  s.allocated('heavy', q(4, 0)); // 0.4 / 2 = 0.2
  s.allocated('light', q(3, 0)); // 0.3
  assert.deepEqual(names(s), ['heavy', 'light']);
  s.setWeight('heavy', 1);
  assert.deepEqual(names(s), ['light', 'heavy']);
});

test('kinds with zero total are ignored; inactive clients leave the order but keep their allocation', () => {
  const s = new DRFSorter<null>();
  s.setTotal(q(10, 1000, 0, 0));
  s.add('a', null);
  s.add('b', null);
  s.allocated('a', q(0, 0, 0, 1)); // gpus, but no gpus in the cluster: share 0
  assert.equal(s.share('a'), 0);
  s.allocated('b', q(1, 0));
  s.deactivate('a');
  assert.deepEqual(names(s), ['b']);
  assert.equal(s.hasAllocation('a'), true);
  s.activate('a');
  assert.deepEqual(names(s), ['a', 'b']);
  s.remove('a');
  assert.deepEqual(names(s), ['b']);
  assert.throws(() => s.add('b', null), /already added/);
});

test('incremental re-positioning agrees with a full sort (property)', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('alloc' as const), who: fc.integer({ min: 0, max: 5 }), cpus: fc.integer({ min: 0, max: 4 }), mem: fc.integer({ min: 0, max: 400 }) }),
    fc.record({ kind: fc.constant('free' as const), who: fc.integer({ min: 0, max: 5 }), cpus: fc.integer({ min: 0, max: 4 }), mem: fc.integer({ min: 0, max: 400 }) }),
    fc.record({ kind: fc.constant('toggle' as const), who: fc.integer({ min: 0, max: 5 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const s = new DRFSorter<null>();
      s.setTotal(q(20, 2000));
      const clients = ['a', 'b', 'c', 'd', 'e', 'f'];
      for (const c of clients) s.add(c, null);
      s.order();
      for (const o of ops) {
        const who = clients[o.who]!;
        if (o.kind === 'alloc') s.allocated(who, q(o.cpus, o.mem));
        else if (o.kind === 'free') s.unallocated(who, q(o.cpus, o.mem));
        else if (s.isActive(who)) s.deactivate(who);
        else s.activate(who);
        const got = names(s);
        const want = clients
          .filter((c) => s.isActive(c))
          .sort((x, y) => s.share(x) - s.share(y) || (x < y ? -1 : 1));
        assert.deepEqual(got, want, s.describe());
      }
    }),
  );
});

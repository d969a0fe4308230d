/**
 * SharedResources (src/master/shared-resources.ts): equal lists come back as
 * one frozen list, different ones pass through, and the table stays bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SharedResources } from '../../../src/master/shared-resources.js';
import { internToken } from '../../../src/master/interned-tokens.js';
import type { Range, ReservationInfo, Resource } from '../../../src/mesos/types.js';
import { normalizeResources, stripAllocationInfo, withAllocationRole } from '../../../src/mesos/resources.js';

/** A normalizer that counts its calls, for telling a remembered list from a fresh one. */
function counting(normalize: (raw: readonly Resource[]) => Resource[] = normalizeResources): { normalize: (raw: readonly Resource[]) => Resource[]; calls(): number } {
  let calls = 0;
  return {
    normalize: (raw) => {
      calls++;
      return normalize(raw);
    },
    calls: () => calls,
  };
}

const cpus = (value: number): Resource[] => [{ name: 'cpus', type: 'SCALAR', scalar: { value }, allocation_info: { role: '*' } }];

describe('SharedResources', () => {
  it('returns one frozen list for equal lists', () => {
    const shared = new SharedResources();
    const a = shared.share(cpus(0.1));
    const b = shared.share(cpus(0.1));
    assert.equal(a, b);
    assert.deepEqual(a, cpus(0.1));
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a[0]) && Object.isFrozen(a[0]!.scalar));
    assert.throws(() => {
      (a[0]!.scalar as { value: number }).value = 2;
    }, TypeError);
  });

  it('keeps different lists apart and forgets the oldest beyond its capacity', () => {
    const shared = new SharedResources(2);
    const first = shared.share(cpus(1));
    assert.notEqual(shared.share(cpus(2)), first);
    shared.share(cpus(3));
    assert.equal(shared.size, 2);
    const again = shared.share(cpus(1));
    assert.notEqual(again, first, 'the oldest was forgotten');
    assert.deepEqual(again, first);
  });

  it('normalizes a raw list once, then answers equal raw lists with the same shared list', () => {
    const shared = new SharedResources();
    const { normalize, calls } = counting();
    const raw = (): Resource[] => [...cpus(0.1), ...cpus(0.2)];
    const a = shared.normalized(raw(), normalize);
    const b = shared.normalized(raw(), normalize);
    assert.equal(calls(), 1);
    assert.equal(a, b);
    assert.deepEqual(a, normalizeResources(raw()));
    assert.ok(Object.isFrozen(a));
    // A different raw list with the same normalized form shares the same list too.
    assert.equal(shared.normalized(cpus(0.3), normalize), a);
    assert.equal(calls(), 2);
    assert.equal(shared.normalized([], normalize), shared.share([]));
  });

  it('remembers a raw list per scope: the same list normalized for two roles gives two results', () => {
    const shared = new SharedResources();
    const web = counting((raw) => normalizeResources(withAllocationRole(stripAllocationInfo(raw), 'web')));
    const batch = counting((raw) => normalizeResources(withAllocationRole(stripAllocationInfo(raw), 'batch')));
    const raw = (): Resource[] => withAllocationRole(cpus(0.1), 'web');
    const forWeb = shared.normalized(raw(), web.normalize, 'web');
    const forBatch = shared.normalized(raw(), batch.normalize, 'batch');
    assert.deepEqual([web.calls(), batch.calls()], [1, 1]);
    assert.equal(forWeb[0]!.allocation_info?.role, 'web');
    assert.equal(forBatch[0]!.allocation_info?.role, 'batch');
    assert.equal(shared.normalized(raw(), web.normalize, 'web'), forWeb);
    assert.equal(shared.normalized(raw(), batch.normalize, 'batch'), forBatch);
    assert.deepEqual([web.calls(), batch.calls()], [1, 1]);
    // Unscoped, it is its own entry too: normalized afresh, not taken from a scope's.
    const unscoped = counting();
    assert.deepEqual(shared.normalized(raw(), unscoped.normalize), normalizeResources(raw()));
    assert.equal(unscoped.calls(), 1);
  });

  it('does not remember under a scope holding the key separator', () => {
    const shared = new SharedResources();
    const { normalize, calls } = counting();
    const a = shared.normalized(cpus(0.1), normalize, 'x\u0000y');
    const b = shared.normalized(cpus(0.1), normalize, 'x\u0000y');
    assert.equal(calls(), 2);
    assert.equal(a, b, 'still shared by its normalized form');
  });

  it('shares one empty list', () => {
    const shared = new SharedResources();
    assert.equal(shared.share([]), shared.share([]));
    assert.equal(shared.size, 0);
  });
});

describe('SharedResources.normalized keys', () => {
  // Entries near the plain-scalar shape the fast key takes, and just off it:
  // other fields, odd roles and names (with the key's separators), missing or
  // empty allocation_info, non-number values, reservations, ranges.
  const name = fc.constantFrom('cpus', 'mem', 'disk', 'gpus', 'c\u0000', 'c\u00000', '');
  const role = fc.constantFrom('*', 'web', 'a\u0000', '\u0001', 'undefined', '');
  const entry: fc.Arbitrary<Resource> = fc.oneof(
    fc.record({ name, type: fc.constant('SCALAR' as const), scalar: fc.record({ value: fc.constantFrom(0, 0.1, 0.001, 1, 32, 2.5) }) }),
    fc.record({ name, type: fc.constant('SCALAR' as const), scalar: fc.record({ value: fc.constantFrom(0.1, 32) }), allocation_info: fc.record({ role }) }),
    fc.record({ name, type: fc.constant('SCALAR' as const), scalar: fc.record({ value: fc.constantFrom(0.1, 32) }), allocation_info: fc.constant({}) }),
    fc.record({ name, type: fc.constant('SCALAR' as const), scalar: fc.record({ value: fc.constantFrom(0.1, 32) }), role }),
    fc.record({ name, type: fc.constant('SCALAR' as const), scalar: fc.record({ value: fc.constantFrom(0.1, 32) }), role, allocation_info: fc.record({ role }) }),
    fc.record({
      name,
      type: fc.constant('SCALAR' as const),
      scalar: fc.record({ value: fc.constantFrom(0.1, 32) }),
      reservations: fc.constant<ReservationInfo[]>([{ type: 'STATIC', role: 'web' }]),
      allocation_info: fc.record({ role }),
    }),
    fc.record({ name: fc.constant('ports'), type: fc.constant('RANGES' as const), ranges: fc.constant<{ range: Range[] }>({ range: [{ begin: 31000, end: 31001 }] }) }),
  );

  it('does not confuse a name holding the key\'s separators with two entries', () => {
    const scalar = (n: string, value: number): Resource => ({ name: n, type: 'SCALAR', scalar: { value }, allocation_info: { role: '*' } });
    const two = [scalar('a', 1), scalar('b', 2)];
    const one = [scalar('a\u00001\u0000*\u0000b', 2)];
    const shared = new SharedResources();
    assert.equal(shared.normalized(two, normalizeResources).length, 2);
    assert.deepEqual(shared.normalized(one, normalizeResources), normalizeResources(one));
  });

  it('answers a list equal to the one before without normalizing, and one differing in any keyed field afresh', () => {
    const entry = (value: number, allocationRole: string | undefined, role?: string, n = 'cpus'): Resource => ({
      name: n,
      type: 'SCALAR',
      scalar: { value },
      ...(role === undefined ? {} : { role }),
      ...(allocationRole === undefined ? {} : { allocation_info: { role: allocationRole } }),
    });
    const shared = new SharedResources();
    const counter = counting();
    const first = shared.normalized([entry(0.1, '*'), entry(32, '*', undefined, 'mem')], counter.normalize);
    assert.equal(shared.normalized([entry(0.1, '*'), entry(32, '*', undefined, 'mem')], counter.normalize), first);
    assert.equal(counter.calls(), 1);
    const variants: Resource[][] = [
      [entry(0.1, 'web'), entry(32, '*', undefined, 'mem')],
      [entry(0.1, undefined), entry(32, '*', undefined, 'mem')],
      [entry(0.1, '*', '*'), entry(32, '*', undefined, 'mem')],
      [entry(0.2, '*'), entry(32, '*', undefined, 'mem')],
      [entry(0.1, '*'), entry(32, '*', undefined, 'disk')],
      [entry(0.1, '*')],
    ];
    for (const raw of variants) {
      assert.equal(shared.normalized([entry(0.1, '*'), entry(32, '*', undefined, 'mem')], counter.normalize), first);
      const before = counter.calls();
      assert.deepEqual(shared.normalized(raw, counter.normalize), normalizeResources(raw));
      assert.equal(counter.calls(), before + 1, JSON.stringify(raw));
    }
  });

  it('keeps a list reserved through the legacy role apart from the unreserved one', () => {
    const withRole = (role: string): Resource[] => [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role, allocation_info: { role: 'web' } }];
    const shared = new SharedResources();
    assert.equal(shared.normalized(withRole('*'), normalizeResources)[0]!.role, '*');
    assert.equal(shared.normalized(withRole('web'), normalizeResources)[0]!.role, 'web');
  });

  it('every raw list comes back as its own normalized form, whichever lists were keyed before', () => {
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 4 }), { minLength: 1, maxLength: 40 }), (lists) => {
        const shared = new SharedResources();
        // Compared as JSON would carry them: fast-check makes some objects without a prototype.
        const plain = (r: Resource[]): unknown => JSON.parse(JSON.stringify(r));
        for (const raw of lists) {
          assert.deepEqual(plain(shared.normalized(raw, normalizeResources)), plain(normalizeResources(raw)));
          // An equal list right after (answered from the last one remembered, not by key).
          const again = plain(raw) as Resource[];
          assert.deepEqual(plain(shared.normalized(again, normalizeResources)), plain(normalizeResources(again)));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('internToken', () => {
  it('returns an equal string, the same copy each time', () => {
    const parsed = JSON.parse('["TASK_RUNNING","REASON_SOMETHING_NEW"]') as string[];
    assert.equal(internToken(parsed[0]!), 'TASK_RUNNING');
    assert.equal(internToken(parsed[1]!), 'REASON_SOMETHING_NEW');
    assert.equal(internToken(JSON.parse('"REASON_SOMETHING_NEW"') as string), 'REASON_SOMETHING_NEW');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { containsResources } from '../../../src/mesos/resources.js';
import type { Resource } from '../../../src/mesos/types.js';
import { fastContains, fastEquals, withoutAllocationInfo } from '../../../src/master/allocator/fast-contains.js';
import { res } from './harness.js';

const entryArb: fc.Arbitrary<Resource> = fc.oneof(
  { weight: 4, arbitrary: fc.record({
    name: fc.constantFrom('cpus', 'mem'),
    value: fc.integer({ min: 0, max: 4000 }).map((n) => n / 1000),
    role: fc.constantFrom(undefined, '*', 'dev'),
    post: fc.boolean(),
  }).map(({ name, value, role, post }) => ({
    name,
    type: 'SCALAR' as const,
    scalar: { value },
    ...(role === undefined ? {} : { role }),
    ...(post && role === 'dev' ? { reservations: [{ type: 'STATIC' as const, role }] } : {}),
  })) },
  { weight: 3, arbitrary: fc.record({
    ranges: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5 })), { maxLength: 3 }),
    role: fc.constantFrom('*', 'dev'),
  }).map(({ ranges, role }) => ({
    name: 'ports',
    type: 'RANGES' as const,
    ranges: { range: ranges.map(([b, len]) => ({ begin: b, end: b + len })) },
    role,
  })) },
  { weight: 1, arbitrary: fc.constant<Resource>({ name: 'disk', type: 'SCALAR', scalar: { value: 1 }, disk: { persistence: { id: 'v' } } }) },
);

test('fastContains agrees with containsResources whenever it decides', () => {
  let decided = 0;
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 5 }), fc.array(entryArb, { maxLength: 5 }), (a, b) => {
      const fast = fastContains(a, b);
      if (fast !== undefined) {
        decided++;
        assert.equal(fast, containsResources(a, b));
      }
    }),
    { numRuns: 2000 },
  );
  assert.ok(decided > 500, `decided only ${decided} cases`);
});

test('fastEquals on an agent total, with and without allocation_info', () => {
  const total = res('cpus:8;mem:32768;ports:[31000-31500,31502-32000];cpus(dev):1');
  assert.equal(fastEquals(total, res('cpus:8;mem:32768;ports:[31000-31500,31502-32000];cpus(dev):1')), true);
  assert.equal(fastContains(total, res('ports:[31000-31501]')), false);
  assert.equal(fastContains(total, res('cpus(dev):1.001')), false);
  const tagged = total.map((r) => ({ ...r, allocation_info: { role: 'dev' } }));
  assert.equal(fastContains(total, tagged), undefined, 'allocation_info is not plain');
  assert.equal(fastEquals(total, withoutAllocationInfo(tagged)), true);
  assert.equal(withoutAllocationInfo(total), total, 'untouched input returned as is');
});

test('fastContains with an allocation role agrees with containsResources on lists all in that role', () => {
  const inRole = (r: Resource): Resource => ({ ...r, allocation_info: { role: 'web' } });
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 5 }), fc.array(entryArb, { maxLength: 5 }), (a, b) => {
      const [ta, tb] = [a.map(inRole), b.map(inRole)];
      const fast = fastContains(ta, tb, 'web');
      if (fast !== undefined) assert.equal(fast, containsResources(ta, tb));
    }),
    { numRuns: 500 },
  );
  const offer = res('cpus:1;mem:64').map(inRole);
  assert.equal(fastContains(offer, res('cpus:0.5').map(inRole), 'web'), true);
  assert.equal(fastContains(offer, res('cpus:1.5').map(inRole), 'web'), false);
  assert.equal(fastContains(offer, res('cpus:0.5'), 'web'), undefined, 'an entry without the role is left to containsResources');
  assert.equal(fastContains(offer, res('cpus:0.5').map((r) => ({ ...r, allocation_info: { role: 'other' } })), 'web'), undefined);
});

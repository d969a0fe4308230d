/**
 * Properties of resource arithmetic the allocator relies on: nothing is lost
 * or invented by add/subtract, containment is consistent with both, and the
 * canonical form is stable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  addNormalized,
  addResources,
  containsResources,
  formatResources,
  normalizeResources,
  parseResourcesFlag,
  scaleScalars,
  quantitiesOf,
  scalarOf,
  subtractNormalized,
  subtractResources,
  summarizeResourceLists,
  summarizeResources,
} from '../../../src/mesos/resources.js';
import type { Range, Resource } from '../../../src/mesos/types.js';
import { coalesceRanges, fromFixed, subtractRanges, toFixed, unionSet } from '../../../src/mesos/values.js';

const roleArb = fc.constantFrom(undefined, '*', 'dev', 'ops');
const allocArb = fc.constantFrom(undefined, 'web');
const scalarValueArb = fc.oneof(
  fc.integer({ min: 0, max: 4_000_000 }).map((n) => n / 1000),
  fc.double({ min: 0, max: 10_000, noNaN: true }),
);
const rangesArb = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 30 })).map(([b, len]) => ({ begin: b, end: b + len })),
  { maxLength: 4 },
);
const itemsArb = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 4 });

function tag(res: Resource, role: string | undefined, alloc: string | undefined): Resource {
  const out: Resource = { ...res };
  if (role !== undefined) out.role = role;
  if (alloc !== undefined) out.allocation_info = { role: alloc };
  return out;
}

const resourceArb: fc.Arbitrary<Resource> = fc.oneof(
  fc
    .tuple(fc.constantFrom('cpus', 'mem', 'disk', 'gpus'), scalarValueArb, roleArb, allocArb)
    .map(([name, value, role, alloc]) => tag({ name, type: 'SCALAR', scalar: { value } }, role, alloc)),
  fc
    .tuple(rangesArb, roleArb, allocArb)
    .map(([range, role, alloc]) => tag({ name: 'ports', type: 'RANGES', ranges: { range } }, role, alloc)),
  fc.tuple(itemsArb, roleArb).map(([item, role]) => tag({ name: 'bugs', type: 'SET', set: { item } }, role, undefined)),
);
const resourcesArb = fc.array(resourceArb, { maxLength: 8 });

/**
 * Ranges and sets are unions, so `(a + b) − b = a` only holds when b's values
 * are not already in a — as in the allocator, where what is handed back was
 * taken out first. This removes a's values from b.
 */
function disjointFrom(a: Resource[], b: Resource[]): Resource[] {
  const ports: Range[] = a.filter((r) => r.type === 'RANGES').flatMap((r) => r.ranges?.range ?? []);
  const items = new Set(a.filter((r) => r.type === 'SET').flatMap((r) => r.set?.item ?? []));
  return b.map((r) => {
    if (r.type === 'RANGES') return { ...r, ranges: { range: subtractRanges(r.ranges?.range ?? [], ports) } };
    if (r.type === 'SET') return { ...r, set: { item: (r.set?.item ?? []).filter((x) => !items.has(x)) } };
    return r;
  });
}

describe('resource arithmetic properties', () => {
  it('add then subtract is the identity', () => {
    fc.assert(
      fc.property(resourcesArb, resourcesArb, (a, b0) => {
        const b = disjointFrom(a, b0);
        assert.deepEqual(subtractResources(addResources(a, b), b), normalizeResources(a));
      }),
    );
  });

  it('a + b contains both a and b', () => {
    fc.assert(
      fc.property(resourcesArb, resourcesArb, (a, b) => {
        const sum = addResources(a, b);
        assert.ok(containsResources(sum, b));
        assert.ok(containsResources(sum, a));
      }),
    );
  });

  it('normalize is idempotent and keeps the text form stable', () => {
    fc.assert(
      fc.property(resourcesArb, (a) => {
        const once = normalizeResources(a);
        assert.deepEqual(normalizeResources(once), once);
        // The logged text parses back to the same resources (the text form has
        // no syntax for allocation roles, and `{}` is only the empty marker).
        const plain = once.filter((r) => r.allocation_info === undefined);
        if (plain.length > 0) {
          assert.equal(formatResources(parseResourcesFlag(formatResources(plain))), formatResources(plain));
        }
      }),
    );
  });

  it('a − b is contained in a, and (a − b) + b contains a when a ⊇ b', () => {
    fc.assert(
      fc.property(resourcesArb, resourcesArb, (a, b) => {
        const diff = subtractResources(a, b);
        assert.ok(containsResources(a, diff));
        if (containsResources(a, b)) {
          assert.ok(containsResources(addResources(diff, b), a));
        }
      }),
    );
  });

  const onCanonical = [
    ['adding', addNormalized, addResources],
    ['subtracting', subtractNormalized, subtractResources],
  ] as const;
  for (const [what, onNormalized, reference] of onCanonical) {
    it(`on canonical lists, ${what} without normalizing again equals ${reference.name} on the raw lists, chained as the master's books do`, () => {
      fc.assert(
        fc.property(resourcesArb, fc.array(resourcesArb, { maxLength: 4 }), (a, bs) => {
          let fast = normalizeResources(a);
          let expected: Resource[] = a;
          for (const b of bs) {
            fast = onNormalized(fast, normalizeResources(b));
            expected = reference(expected, b);
            assert.deepEqual(fast, expected);
          }
        }),
      );
    });
  }

  it('scalar totals add up exactly (fixed-point) and never go negative', () => {
    fc.assert(
      fc.property(resourcesArb, resourcesArb, (a, b) => {
        for (const name of ['cpus', 'mem', 'disk', 'gpus']) {
          const sum = scalarOf(addResources(a, b), name);
          assert.equal(Math.round(sum * 1000), Math.round(scalarOf(a, name) * 1000) + Math.round(scalarOf(b, name) * 1000));
          assert.ok(scalarOf(subtractResources(a, b), name) >= 0);
        }
        for (const v of Object.values(quantitiesOf(subtractResources(a, b)))) assert.ok(v >= 0);
      }),
    );
  });

  it('contains is reflexive and transitive through subtraction', () => {
    fc.assert(
      fc.property(resourcesArb, resourcesArb, (a, b) => {
        assert.ok(containsResources(a, a));
        assert.ok(containsResources(a, []));
        const c = subtractResources(a, b);
        assert.ok(containsResources(a, subtractResources(c, b)));
      }),
    );
  });

  it('one normalization of many lists equals a running total normalized list by list', () => {
    fc.assert(
      fc.property(fc.array(resourcesArb, { maxLength: 6 }), (lists) => {
        const running = lists.reduce<Resource[]>((total, list) => addResources(total, list), []);
        assert.deepEqual(normalizeResources(lists.flat()), running);
      }),
    );
  });

  it('summarizing lists in one pass equals summarizing their normalized sum', () => {
    fc.assert(
      fc.property(fc.array(resourcesArb, { maxLength: 6 }), (lists) => {
        const total = lists.reduce<Resource[]>((sum, list) => addResources(sum, list), []);
        assert.deepEqual(summarizeResourceLists(lists), summarizeResources(total));
      }),
    );
  });
});

describe('scaleScalars', () => {
  it('gives what normalizing the list repeated gives, for scalars; undefined for anything else', () => {
    fc.assert(
      fc.property(resourcesArb, fc.integer({ min: 1, max: 40 }), (list, copies) => {
        const normalized = normalizeResources(list);
        const scaled = scaleScalars(normalized, copies);
        if (normalized.every((r) => r.type === 'SCALAR')) {
          assert.deepEqual(scaled, normalizeResources(new Array<Resource[]>(copies).fill(list).flat()));
        } else {
          assert.equal(scaled, undefined);
        }
      }),
    );
  });

  it('refuses a count of copies that is not a positive integer', () => {
    const list = parseResourcesFlag('cpus:1;mem:32');
    for (const copies of [0, -1, 1.5, Number.NaN]) assert.equal(scaleScalars(list, copies), undefined);
  });
});

/**
 * The canonical form by its definition, merging entry by entry: what
 * normalizeResources computes with its shortcuts (scalar sums built once,
 * kinds matched without keys in short lists, by key in long ones).
 */
function referenceNormalize(list: readonly Resource[]): Resource[] {
  const kind = (r: Resource): string =>
    JSON.stringify([r.name, r.type, r.role === undefined || r.role === '*' ? '*' : r.role, r.allocation_info?.role ?? '', r.revocable ? 1 : 0]);
  const out: Array<{ kind: string; entry: Resource; fixed: number; range: Range[]; item: string[] }> = [];
  for (const r of list) {
    const fixed = r.type === 'SCALAR' ? toFixed(r.scalar?.value ?? 0) : 0;
    const range = r.type === 'RANGES' ? coalesceRanges(r.ranges?.range ?? []) : [];
    const item = r.type === 'SET' ? unionSet([], r.set?.item ?? []) : [];
    if (r.type === 'SCALAR' ? fixed <= 0 : r.type === 'RANGES' ? range.length === 0 : item.length === 0) continue;
    const known = out.find((e) => e.kind === kind(r));
    if (!known) {
      out.push({ kind: kind(r), entry: r, fixed, range, item });
      continue;
    }
    known.fixed += fixed;
    known.range = coalesceRanges([...known.range, ...range]);
    known.item = unionSet(known.item, item);
  }
  return out.map(({ entry, fixed, range, item }) =>
    entry.type === 'SCALAR'
      ? { ...entry, scalar: { value: fromFixed(fixed) } }
      : entry.type === 'RANGES'
        ? { ...entry, ranges: { range } }
        : { ...entry, set: { item } },
  );
}

describe('normalizeResources against its definition', () => {
  // Many names, so lists reach past the kinds matched by comparison; negative
  // and zero scalars, which are dropped before any merge.
  const nameArb = fc.constantFrom('cpus', 'mem', ...Array.from({ length: 24 }, (_, i) => `r${i}`));
  const entryArb: fc.Arbitrary<Resource> = fc.oneof(
    fc
      .tuple(nameArb, fc.oneof(scalarValueArb, fc.constantFrom(0, -1, 0.0004)), roleArb, allocArb, fc.boolean())
      .map(([name, value, role, alloc, revocable]) => {
        const r = tag({ name, type: 'SCALAR', scalar: { value } }, role, alloc);
        if (revocable) r.revocable = {};
        return r;
      }),
    resourceArb,
  );

  it('merges kinds in first-seen order, sums scalars in fixed point and drops empty entries', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 60, size: 'max' }), (list) => {
        assert.deepEqual(normalizeResources(list), referenceNormalize(list));
      }),
      { numRuns: 500 },
    );
  });
});


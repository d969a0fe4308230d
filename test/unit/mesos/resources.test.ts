import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  addResources,
  containsResources,
  formatResources,
  isEmptyResources,
  normalizeResources,
  parseResourcesFlag,
  quantitiesOf,
  rangesOf,
  reservationRole,
  ResourcesParseError,
  scalarOf,
  stripAllocationInfo,
  subtractResources,
  summarizeResources,
  takeRanges,
  withAllocationRole,
} from '../../../src/mesos/resources.js';
import type { Resource } from '../../../src/mesos/types.js';

const scalar = (name: string, value: number, role?: string): Resource =>
  role === undefined ? { name, type: 'SCALAR', scalar: { value } } : { name, type: 'SCALAR', scalar: { value }, role };
const ports = (...r: Array<[number, number]>): Resource => ({
  name: 'ports',
  type: 'RANGES',
  ranges: { range: r.map(([begin, end]) => ({ begin, end })) },
});

/** The agent line from the seed's deployment log. */
const SEED_LOG = 'cpus(*):2; mem(*):1961; disk(*):35164; ports(*):[31000-32000]';

describe('parseResourcesFlag (text form)', () => {
  it('parses the reference example with roles, ranges and sets', () => {
    const r = parseResourcesFlag('cpus:2;mem:1024;disk:20000;ports:[31000-32000];gpus:1;bugs(dev):{a,b}');
    assert.deepEqual(r, [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 1024 }, role: '*' },
      { name: 'disk', type: 'SCALAR', scalar: { value: 20000 }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
      { name: 'gpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' },
      { name: 'bugs', type: 'SET', set: { item: ['a', 'b'] }, role: 'dev', reservations: [{ type: 'STATIC', role: 'dev' }] },
    ]);
  });

  it('round-trips the seed log line', () => {
    const r = parseResourcesFlag('cpus:2;mem:1961;disk:35164;ports:[31000-32000]');
    assert.equal(formatResources(r), SEED_LOG);
    // The logged form (with roles and "; ") parses back too.
    assert.equal(formatResources(parseResourcesFlag(SEED_LOG)), SEED_LOG);
  });

  it('applies the default role (--default_role) to unqualified resources only', () => {
    const r = parseResourcesFlag('cpus:2;mem(*):512', 'web');
    assert.equal(reservationRole(r[0]!), 'web');
    assert.equal(reservationRole(r[1]!), '*');
  });

  it('accepts blanks, newlines, empty tokens, and sums duplicates', () => {
    const r = parseResourcesFlag(' cpus : 1.5 ;; cpus:0.5\nports:[1-2, 3-4];\n');
    assert.equal(formatResources(r), 'cpus(*):2; ports(*):[1-4]');
  });

  it('drops zero scalars and empty ranges/sets', () => {
    assert.deepEqual(parseResourcesFlag('gpus:0;ports:[];s:{}'), []);
    assert.deepEqual(parseResourcesFlag(''), []);
    assert.deepEqual(parseResourcesFlag('   '), []);
  });

  it('rounds scalars to 0.001', () => {
    assert.equal(scalarOf(parseResourcesFlag('cpus:0.12345'), 'cpus'), 0.123);
  });

  const errors: Array<[string, RegExp]> = [
    ['cpus:abc', /^Failed to parse resource 'cpus:abc': expected a number/],
    ['cpus:-1', /^Failed to parse resource 'cpus:-1': negative value -1$/],
    ['ports:[32000-31000]', /^Failed to parse resource 'ports:\[32000-31000\]': bad range '32000-31000': begin 32000 > end 31000$/],
    ['ports:[1-x]', /bad range '1-x'/],
    ['ports:[1-2', /expected ranges/],
    ['s:{a,,b}', /bad set item/],
    ['cpus', /^Failed to parse resource 'cpus': missing or extra ':'$/],
    ['cpus:1:2', /missing or extra ':'/],
    ['cpus(dev:1', /mismatched parentheses/],
    ['cpusdev):1', /mismatched parentheses/],
    ['cpus(dev)x:1', /mismatched parentheses/],
    [':1', /empty resource name/],
    ['(dev):1', /empty resource name/],
    ['cp us:1', /bad resource name/],
    ['cpus():1', /empty role/],
    ['cpus(a b):1', /contains whitespace/],
    ['cpus(.):1', /reserved/],
    ['cpus(-x):1', /starts with '-'/],
    ['cpus(/x):1', /empty path segment/],
    ['cpus:', /empty value/],
    ['cpus:1;cpus:[1-2]', /^Resources with the same name \('cpus'\) but different types are not allowed/],
  ];
  for (const [text, re] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseResourcesFlag(text),
        (err: unknown) => {
          assert.ok(err instanceof ResourcesParseError);
          assert.equal(err.code, 'RESOURCES_MALFORMED');
          assert.match(err.message, re);
          assert.ok(!err.message.includes('\n'), 'one-line message');
          return true;
        },
      );
    });
  }

  it('names the bad token in `part`', () => {
    try {
      parseResourcesFlag('cpus:1;mem:lots');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof ResourcesParseError);
      assert.equal(err.part, 'mem:lots');
    }
  });

  it('rejects a bad default role', () => {
    assert.throws(() => parseResourcesFlag('cpus:1', ''), /Invalid default role: empty role/);
  });
});

describe('parseResourcesFlag (JSON form)', () => {
  it('accepts a JSON array of v1 Resource objects', () => {
    const json = JSON.stringify([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31999 }] }, role: 'web' },
      { name: 'gpus', type: 0, scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', role: 'ml', principal: 'p' }] },
      { name: 'zones', type: 'SET', set: { item: ['a'] } },
    ]);
    const r = parseResourcesFlag(json, 'dflt');
    assert.equal(formatResources(r), 'cpus(dflt):4; ports(web):[31000-31999]; gpus(ml):1; zones(dflt):{a}');
    assert.equal(r[2]!.type, 'SCALAR');
    assert.deepEqual(r[2]!.reservations, [{ type: 'DYNAMIC', role: 'ml', principal: 'p' }]);
  });

  it('accepts an empty array', () => assert.deepEqual(parseResourcesFlag('[]'), []));

  const errors: Array<[unknown, RegExp]> = [
    [[{ name: 'cpus', type: 'SCALAR', scalar: { value: -2 } }], /#0 \('cpus'\): negative value -2/],
    [[{ name: 'cpus', type: 'SCALAR' }], /missing or non-numeric 'scalar.value'/],
    [[{ name: 'cpus', type: 'SCALAR', scalar: { value: '2' } }], /non-numeric/],
    [[{ type: 'SCALAR', scalar: { value: 1 } }], /#0: missing 'name'/],
    [[{ name: 'x', type: 'TEXT' }], /bad type "TEXT"/],
    [[{ name: 'x', type: 7 }], /bad type 7/],
    [[{ name: 'p', type: 'RANGES', ranges: { range: [{ begin: 5, end: 1 }] } }], /bad range 5-1: begin > end/],
    [[{ name: 'p', type: 'RANGES', ranges: { range: [{ begin: -1, end: 1 }] } }], /bad range/],
    [[{ name: 'p', type: 'RANGES', ranges: { range: {} } }], /must be an array/],
    [[{ name: 's', type: 'SET', set: { item: [1] } }], /array of strings/],
    [[{ name: 'c', type: 'SCALAR', scalar: { value: 1 }, role: 5 }], /'role' must be a string/],
    [[{ name: 'c', type: 'SCALAR', scalar: { value: 1 }, reservations: {} }], /'reservations' must be an array/],
    [[{ name: 'c', type: 'SCALAR', scalar: { value: 1 }, role: 'a b' }], /whitespace/],
    [[1], /#0: expected an object/],
    [
      [
        { name: 'c', type: 'SCALAR', scalar: { value: 1 } },
        { name: 'c', type: 'SET', set: { item: ['x'] } },
      ],
      /same name \('c'\) but different types/,
    ],
  ];
  for (const [json, re] of errors) {
    it(`rejects ${JSON.stringify(json)}`, () => {
      assert.throws(() => parseResourcesFlag(JSON.stringify(json)), (err: unknown) => {
        assert.ok(err instanceof ResourcesParseError);
        assert.match(err.message, re);
        return true;
      });
    });
  }

  it('rejects text that starts with [ but is not JSON', () => {
    assert.throws(() => parseResourcesFlag('[31000-32000]'), /not a JSON array of resources/);
  });
});

describe('formatResources', () => {
  it('prints roles, allocation, revocable and volumes; {} when empty', () => {
    assert.equal(formatResources([]), '{}');
    assert.equal(formatResources([scalar('cpus', 0.5)]), 'cpus(*):0.5');
    assert.equal(formatResources(withAllocationRole([scalar('mem', 128, 'web')], 'web')), 'mem(web)(allocated: web):128');
    assert.equal(formatResources([{ ...scalar('cpus', 1), revocable: {} }]), 'cpus(*){REV}:1');
    assert.equal(
      formatResources([
        { ...scalar('disk', 64, 'db'), disk: { persistence: { id: 'v1' }, volume: { container_path: 'data', mode: 'RW' } } },
      ]),
      'disk(db)[v1:data]:64',
    );
    assert.equal(formatResources([{ name: 's', type: 'SET', set: { item: ['a', 'b'] } }]), 's(*):{a, b}');
    assert.equal(formatResources([ports([3, 4], [1, 2])]), 'ports(*):[1-4]');
  });
});

describe('arithmetic', () => {
  const total = parseResourcesFlag('cpus:2;mem:1961;disk:35164;ports:[31000-32000]');

  it('subtracts a task and adds it back', () => {
    const task = [scalar('cpus', 0.1), scalar('mem', 32), ports([31005, 31005])];
    const left = subtractResources(total, task);
    assert.equal(formatResources(left), 'cpus(*):1.9; mem(*):1929; disk(*):35164; ports(*):[31000-31004, 31006-32000]');
    assert.deepEqual(addResources(left, task), total);
  });

  it('keeps scalars exact over many small steps (fixed-point)', () => {
    let r: Resource[] = [scalar('cpus', 1)];
    for (let i = 0; i < 10; i++) r = subtractResources(r, [scalar('cpus', 0.1)]);
    assert.ok(isEmptyResources(r));
    assert.deepEqual(r, []);
  });

  it('never goes negative and ignores kinds it lacks', () => {
    assert.deepEqual(subtractResources([scalar('cpus', 1)], [scalar('cpus', 5), scalar('mem', 10)]), []);
    assert.deepEqual(subtractResources([scalar('cpus', 1, 'dev')], [scalar('cpus', 1)]), [scalar('cpus', 1, 'dev')]);
  });

  it('keeps reservation roles and allocation roles apart', () => {
    const r = normalizeResources([
      scalar('cpus', 1),
      scalar('cpus', 2, 'dev'),
      scalar('cpus', 3, '*'),
      ...withAllocationRole([scalar('cpus', 4)], 'web'),
    ]);
    assert.equal(formatResources(r), 'cpus(*):4; cpus(dev):2; cpus(*)(allocated: web):4');
    assert.equal(scalarOf(r, 'cpus'), 10);
  });

  it('treats pre- and post-refinement static reservations as the same kind', () => {
    const a: Resource = scalar('cpus', 1, 'dev');
    const b: Resource = { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, reservations: [{ type: 'STATIC', role: 'dev' }] };
    assert.equal(normalizeResources([a, b]).length, 1);
    assert.ok(containsResources([b], [a]));
    const dynamic: Resource = { ...b, reservations: [{ type: 'DYNAMIC', role: 'dev', principal: 'ops' }] };
    assert.equal(normalizeResources([a, dynamic]).length, 2);
  });

  it('merges sets by union and subtracts items', () => {
    const s = (...item: string[]): Resource => ({ name: 'gpus_ids', type: 'SET', set: { item } });
    assert.deepEqual(addResources([s('a')], [s('b', 'a')]), [s('a', 'b')]);
    assert.deepEqual(subtractResources([s('a', 'b')], [s('a')]), [s('b')]);
    assert.ok(containsResources([s('a', 'b')], [s('b')]));
    assert.ok(!containsResources([s('a')], [s('b')]));
  });

  it('moves persistent volumes and shared resources whole', () => {
    const vol: Resource = { ...scalar('disk', 100, 'db'), disk: { persistence: { id: 'v1' }, volume: { container_path: 'd', mode: 'RW' } } };
    const two = addResources([vol], [vol]);
    assert.equal(two.length, 2);
    assert.deepEqual(subtractResources(two, [vol]), [vol]);
    // Part of a volume is not a volume: nothing is removed.
    assert.deepEqual(subtractResources([vol], [{ ...vol, scalar: { value: 50 } }]), [vol]);
    assert.ok(containsResources(two, [vol, vol]));
    assert.ok(!containsResources([vol], [vol, vol]));
    assert.ok(!containsResources([vol], [{ ...vol, scalar: { value: 50 } }]));
    const shared: Resource = { ...vol, shared: {} };
    assert.equal(addResources([shared], [shared]).length, 2);
  });

  it('contains compares in 0.001 fixed-point', () => {
    assert.ok(containsResources([scalar('cpus', 0.3)], [scalar('cpus', 0.1 + 0.2)]));
    assert.ok(containsResources([scalar('mem', 1)], [scalar('mem', 1.0004)]));
    assert.ok(!containsResources([scalar('mem', 1)], [scalar('mem', 1.001)]));
    assert.ok(containsResources(total, []));
    assert.ok(!containsResources([], [scalar('cpus', 0.001)]));
    assert.ok(containsResources([], [scalar('cpus', 0.0004)]));
    assert.ok(!containsResources(total, [ports([30999, 31000])]));
  });

  it('isEmptyResources ignores zero entries', () => {
    assert.ok(isEmptyResources([]));
    assert.ok(isEmptyResources([scalar('cpus', 0), ports()]));
    assert.ok(!isEmptyResources([scalar('cpus', 0.001)]));
  });
});

describe('queries', () => {
  const r = parseResourcesFlag('cpus:2;cpus(dev):1.5;ports:[31000-32000];ports(dev):[5000-5009];bugs:{a,b,c}');

  it('scalarOf sums over roles', () => {
    assert.equal(scalarOf(r, 'cpus'), 3.5);
    assert.equal(scalarOf(r, 'mem'), 0);
  });

  it('rangesOf unions over roles', () => {
    assert.deepEqual(rangesOf(r, 'ports'), [
      { begin: 5000, end: 5009 },
      { begin: 31000, end: 32000 },
    ]);
    assert.deepEqual(rangesOf(r, 'nope'), []);
  });

  it('quantitiesOf counts scalars, range values and set items', () => {
    assert.deepEqual(quantitiesOf(r), { cpus: 3.5, ports: 1011, bugs: 3 });
    assert.deepEqual(quantitiesOf(parseResourcesFlag('ports:[31000-32000]')), { ports: 1001 });
  });

  it('reservationRole reads reservations first, then role, else *', () => {
    assert.equal(reservationRole(scalar('cpus', 1)), '*');
    assert.equal(reservationRole(scalar('cpus', 1, 'a')), 'a');
    assert.equal(
      reservationRole({
        ...scalar('cpus', 1, 'a'),
        reservations: [
          { type: 'STATIC', role: 'a' },
          { type: 'DYNAMIC', role: 'a/b' },
        ],
      }),
      'a/b',
    );
  });

  it('withAllocationRole and stripAllocationInfo do not mutate their input', () => {
    const input = [scalar('cpus', 1)];
    const tagged = withAllocationRole(input, 'web');
    assert.deepEqual(tagged[0]!.allocation_info, { role: 'web' });
    assert.equal(input[0]!.allocation_info, undefined);
    const bare = stripAllocationInfo(tagged);
    assert.ok(!('allocation_info' in bare[0]!));
    assert.deepEqual(tagged[0]!.allocation_info, { role: 'web' });
  });

  it('does not mutate inputs in arithmetic', () => {
    const a = [scalar('cpus', 2), ports([1, 10])];
    const b = [scalar('cpus', 1), ports([3, 3])];
    const snapshot = structuredClone([a, b]);
    addResources(a, b);
    subtractResources(a, b);
    containsResources(a, b);
    normalizeResources(a);
    assert.deepEqual([a, b], snapshot);
  });
});

describe('summarizeResources', () => {
  it('always has cpus, gpus, mem, disk and renders ranges and sets as strings', () => {
    assert.deepEqual(summarizeResources([]), { cpus: 0, gpus: 0, mem: 0, disk: 0 });
    const r = parseResourcesFlag('cpus:2;mem:1961;disk:35164;ports:[31000-32000];ports(dev):[1-2];bugs:{a,b};foo:3.5');
    const s = summarizeResources(r);
    assert.deepEqual(s, { cpus: 2, gpus: 0, mem: 1961, disk: 35164, ports: '[1-2, 31000-32000]', bugs: '{a, b}', foo: 3.5 });
    assert.deepEqual(Object.keys(s).slice(0, 4), ['cpus', 'gpus', 'mem', 'disk']);
  });

  it('suffixes revocable resources with _revocable', () => {
    const s = summarizeResources([scalar('cpus', 1), { ...scalar('cpus', 0.5), revocable: {} }]);
    assert.deepEqual(s, { cpus: 1, gpus: 0, mem: 0, disk: 0, cpus_revocable: 0.5 });
  });

  it('sums scalars over roles with fixed-point rounding', () => {
    const s = summarizeResources([scalar('cpus', 0.1), scalar('cpus', 0.2, 'dev')]);
    assert.equal(s['cpus'], 0.3);
  });
});

describe('takeRanges', () => {
  const r = [ports([31000, 31002], [31010, 31020]), { ...ports([100, 100]), role: 'dev' }];
  it('picks lowest-first across ranges and roles', () => {
    assert.deepEqual(takeRanges(r, 'ports', 2), [
      { begin: 100, end: 100 },
      { begin: 31000, end: 31000 },
    ]);
    assert.deepEqual(takeRanges(r, 'ports', 6), [
      { begin: 100, end: 100 },
      { begin: 31000, end: 31002 },
      { begin: 31010, end: 31011 },
    ]);
  });
  it('returns [] for zero and undefined when short or invalid', () => {
    assert.deepEqual(takeRanges(r, 'ports', 0), []);
    assert.equal(takeRanges(r, 'ports', 16), undefined);
    assert.deepEqual(takeRanges(r, 'ports', 15)?.length, 3);
    assert.equal(takeRanges(r, 'nope', 1), undefined);
    assert.equal(takeRanges(r, 'ports', -1), undefined);
    assert.equal(takeRanges(r, 'ports', 1.5), undefined);
  });
});

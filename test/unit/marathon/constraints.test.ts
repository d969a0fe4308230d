/**
 * Constraints: every operator against hostname and attributes (text, scalar,
 * ranges, set), the missing-attribute rule, and validation messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  attributeText,
  constraintErrors,
  fieldValue,
  firstUnmetConstraint,
  meetsConstraint,
  parseConstraint,
  type PlacementSite,
} from '../../../src/marathon/constraints.js';
import { parseAttributes } from '../../../src/mesos/attributes.js';

const site = (hostname: string, attributes = ''): PlacementSite => ({ hostname, attributes: parseAttributes(attributes) });
const c = (...raw: string[]) => parseConstraint(raw);

test('attribute text forms: scalars without trailing zeros, sorted ranges and sets', () => {
  const [level, keys, os, rack] = parseAttributes('level:2.0;keys:[3000-3100,1000-1500];os:{x86,linux};rack:r1');
  assert.equal(attributeText(level!), '2');
  assert.equal(attributeText(keys!), '[1000-1500,3000-3100]');
  assert.equal(attributeText(os!), '{linux,x86}');
  assert.equal(attributeText(rack!), 'r1');
  assert.equal(fieldValue('hostname', site('h1')), 'h1');
  assert.equal(fieldValue('@hostname', site('h1')), 'h1');
  assert.equal(fieldValue('rack', site('h1')), undefined);
});

test('UNIQUE: one instance per value', () => {
  const u = c('hostname', 'UNIQUE');
  assert.ok(meetsConstraint(u, site('a'), []));
  assert.ok(meetsConstraint(u, site('b'), [site('a')]));
  assert.ok(!meetsConstraint(u, site('a'), [site('a')]));
  const rack = c('rack', 'UNIQUE');
  assert.ok(!meetsConstraint(rack, site('b', 'rack:r1'), [site('a', 'rack:r1')]));
  assert.ok(meetsConstraint(rack, site('b', 'rack:r2'), [site('a', 'rack:r1')]));
  // The seeds' ["hostname","UNIQUE",""] means UNIQUE.
  assert.deepEqual(c('hostname', 'UNIQUE', ''), { field: 'hostname', operator: 'UNIQUE' });
});

test('CLUSTER: to the given value, or to wherever the first instance went', () => {
  assert.ok(meetsConstraint(c('rack', 'CLUSTER', 'r1'), site('a', 'rack:r1'), []));
  assert.ok(!meetsConstraint(c('rack', 'CLUSTER', 'r1'), site('a', 'rack:r2'), []));
  const free = c('rack', 'CLUSTER');
  assert.ok(meetsConstraint(free, site('a', 'rack:r2'), []));
  assert.ok(meetsConstraint(free, site('b', 'rack:r2'), [site('a', 'rack:r2')]));
  assert.ok(!meetsConstraint(free, site('b', 'rack:r1'), [site('a', 'rack:r2')]));
  assert.ok(meetsConstraint(c('level', 'CLUSTER', '2'), site('a', 'level:2.0'), []));
});

test('GROUP_BY: new values always; known values only when they hold the minimum and N values are in use', () => {
  const g = c('rack', 'GROUP_BY');
  const r1 = site('a', 'rack:r1');
  const r2 = site('b', 'rack:r2');
  assert.ok(meetsConstraint(g, r1, []));
  assert.ok(meetsConstraint(g, r2, [r1]));
  assert.ok(meetsConstraint(g, r1, [r1, r2]));
  assert.ok(!meetsConstraint(g, r1, [r1, r1, r2]));
  assert.ok(meetsConstraint(g, r2, [r1, r1, r2]));
  const g3 = c('rack', 'GROUP_BY', '3');
  // Only two racks seen so far: wait for the third before doubling up.
  assert.ok(!meetsConstraint(g3, r1, [r1, r2]));
  assert.ok(meetsConstraint(g3, site('c', 'rack:r3'), [r1, r2]));
});

test('LIKE and UNLIKE: whole-value regular expressions; a missing attribute matches only UNLIKE', () => {
  assert.ok(meetsConstraint(c('rack', 'LIKE', 'r[12]'), site('a', 'rack:r1'), []));
  assert.ok(!meetsConstraint(c('rack', 'LIKE', 'r'), site('a', 'rack:r1'), []));
  assert.ok(!meetsConstraint(c('rack', 'LIKE', 'r1'), site('a'), []));
  assert.ok(meetsConstraint(c('rack', 'UNLIKE', 'r1'), site('a', 'rack:r2'), []));
  assert.ok(!meetsConstraint(c('rack', 'UNLIKE', 'r1'), site('a', 'rack:r1'), []));
  assert.ok(meetsConstraint(c('rack', 'UNLIKE', 'r1'), site('a'), []));
  assert.ok(meetsConstraint(c('hostname', 'LIKE', 'agent-.*'), site('agent-7'), []));
});

test('MAX_PER: at most N instances per value', () => {
  const m = c('rack', 'MAX_PER', '2');
  const r1 = site('a', 'rack:r1');
  assert.ok(meetsConstraint(m, r1, [r1]));
  assert.ok(!meetsConstraint(m, r1, [r1, r1]));
  assert.ok(meetsConstraint(m, site('b', 'rack:r2'), [r1, r1]));
});

test('IS: exact value, numbers normalised', () => {
  assert.ok(meetsConstraint(c('rack', 'IS', 'r1'), site('a', 'rack:r1'), []));
  assert.ok(!meetsConstraint(c('rack', 'IS', 'r1'), site('a', 'rack:r2'), []));
  assert.ok(meetsConstraint(c('level', 'IS', '2.0'), site('a', 'level:2'), []));
  assert.ok(!meetsConstraint(c('rack', 'IS', 'r1'), site('a'), []));
});

test('operators are case-insensitive; the first unmet constraint is reported', () => {
  assert.equal(c('hostname', 'unique').operator, 'UNIQUE');
  const cs = [c('rack', 'LIKE', 'r.*'), c('hostname', 'UNIQUE')];
  assert.equal(firstUnmetConstraint(cs, site('a', 'rack:r1'), [site('a')]), cs[1]);
  assert.equal(firstUnmetConstraint(cs, site('b', 'rack:r1'), [site('a')]), undefined);
});

test('validation messages', () => {
  assert.deepEqual(constraintErrors(['hostname', 'UNIQUE']), []);
  assert.deepEqual(constraintErrors(['hostname', 'UNIQUE', '']), []);
  assert.deepEqual(constraintErrors(['hostname', 'UNIQUE', 'x']), ['Value specified but not used']);
  assert.deepEqual(constraintErrors(['a']), ['Each constraint must have either 2 or 3 fields']);
  assert.deepEqual(constraintErrors(['', 'UNIQUE']), ['missing field for constraint declaration']);
  assert.deepEqual(constraintErrors(['rack', 'GROUP_BY', 'x']), ['GROUP BY must define an integer value or else no value at all']);
  assert.deepEqual(constraintErrors(['rack', 'GROUP_BY', '3']), []);
  assert.deepEqual(constraintErrors(['rack', 'MAX_PER', 'x']), ['MAX_PER requires an integer value']);
  assert.deepEqual(constraintErrors(['rack', 'LIKE']), ['LIKE and UNLIKE require a non-empty, regular expression value']);
  assert.match(constraintErrors(['rack', 'IS', 'a b'])[0]!, /IS only supports/);
  assert.match(constraintErrors(['rack', 'NEAR'])[0]!, /operator must be one of/);
  assert.throws(() => parseConstraint(['rack', 'NEAR']));
});

test('property: UNIQUE never admits a second instance on a hostname', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 20 }), (offers) => {
      const placed: PlacementSite[] = [];
      for (const h of offers) if (meetsConstraint(c('hostname', 'UNIQUE'), site(h), placed)) placed.push(site(h));
      const names = placed.map((p) => p.hostname);
      assert.equal(new Set(names).size, names.length);
    }),
  );
});

test('property: MAX_PER N never exceeds N per value; GROUP_BY N over N values keeps counts within one', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('r1', 'r2', 'r3'), { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (racks, n) => {
      const placed: PlacementSite[] = [];
      const grouped: PlacementSite[] = [];
      for (const r of racks) {
        const s = site(r, `rack:${r}`);
        if (meetsConstraint(c('rack', 'MAX_PER', String(n)), s, placed)) placed.push(s);
        if (meetsConstraint(c('rack', 'GROUP_BY', '3'), s, grouped)) grouped.push(s);
      }
      for (const r of ['r1', 'r2', 'r3']) assert.ok(placed.filter((p) => p.hostname === r).length <= n);
      const counts = ['r1', 'r2', 'r3'].map((r) => grouped.filter((p) => p.hostname === r).length);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
    }),
  );
});

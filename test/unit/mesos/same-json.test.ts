/**
 * sameJson: equality of JSON values, keys in any order, as the agent shapes,
 * the task sets and the registry compare resource lists and agent records.
 * Checked against JSON.stringify of key-sorted copies over generated values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameJson } from '../../../src/mesos/same-json.js';

const agentTotal = (): unknown =>
  JSON.parse(
    '[{"name":"cpus","type":"SCALAR","scalar":{"value":1}},{"name":"mem","type":"SCALAR","scalar":{"value":320}},' +
      '{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]},"role":"*"}]',
  );

test('equal lists and objects, whatever the order of their keys', () => {
  assert.equal(sameJson(agentTotal(), agentTotal()), true);
  assert.equal(sameJson({ a: 1, b: { c: [1, 'x', null, true] } }, { b: { c: [1, 'x', null, true] }, a: 1 }), true);
  assert.equal(sameJson(Object.freeze({ a: [] }), { a: [] }), true);
  assert.equal(sameJson([], []), true);
  assert.equal(sameJson({}, {}), true);
  assert.equal(sameJson('x', 'x'), true);
  assert.equal(sameJson(null, null), true);
});

test('unequal values: a differing leaf, a missing or extra key, other types, other lengths or order', () => {
  const changed = agentTotal() as Array<{ ranges?: { range: Array<{ end: number }> } }>;
  changed[2]!.ranges!.range[0]!.end = 32001;
  assert.equal(sameJson(agentTotal(), changed), false);
  assert.equal(sameJson({ a: 1 }, { a: 1, b: 2 }), false);
  assert.equal(sameJson({ a: 1, b: 2 }, { a: 1 }), false);
  assert.equal(sameJson({ a: 1, b: 2 }, { a: 1, c: 2 }), false);
  assert.equal(sameJson({ a: undefined }, {}), false);
  assert.equal(sameJson([1, 2], [2, 1]), false);
  assert.equal(sameJson([1], [1, 1]), false);
  assert.equal(sameJson([], {}), false);
  assert.equal(sameJson({}, []), false);
  assert.equal(sameJson({ a: null }, { a: {} }), false);
  assert.equal(sameJson(1, '1'), false);
  assert.equal(sameJson(0, false), false);
  assert.equal(sameJson(null, undefined), false);
});

/** A small deterministic generator (no Math.random: a failure must repeat). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomJson(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 4 : 6));
  if (pick === 0) return Math.floor(next() * 3);
  if (pick === 1) return ['a', 'b', ''][Math.floor(next() * 3)];
  if (pick === 2) return [null, true, false][Math.floor(next() * 3)];
  if (pick === 3) return 0.5;
  if (pick === 4) return Array.from({ length: Math.floor(next() * 3) }, () => randomJson(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 3); i > 0; i--) object[['k', 'l', 'm'][Math.floor(next() * 3)]!] = randomJson(next, depth + 1);
  return object;
}

/** JSON with every object's keys sorted: equal for values sameJson calls equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

test('agrees with key-sorted JSON over 20,000 generated pairs', () => {
  const next = generator(9);
  let equalPairs = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = randomJson(next, 0);
    // Half the pairs are a copy of a with its objects' keys sorted (so mostly in another order): equal pairs are common.
    const b = next() < 0.5 ? JSON.parse(canonical(a)) : randomJson(next, 0);
    const expected = canonical(a) === canonical(b);
    if (expected) equalPairs++;
    assert.equal(sameJson(a, b), expected, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    assert.equal(sameJson(b, a), expected);
  }
  assert.ok(equalPairs > 5000, `${equalPairs} equal pairs`);
});

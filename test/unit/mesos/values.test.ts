import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  coalesceRanges,
  countRanges,
  formatRanges,
  formatScalar,
  formatSet,
  parseNumber,
  parseRangesText,
  parseSetText,
  parseValue,
  rangesContain,
  roundScalar,
  setContains,
  subtractRanges,
  subtractSet,
  toFixed,
  unionSet,
  ValueParseError,
} from '../../../src/mesos/values.js';

describe('parseValue', () => {
  it('classifies scalars, ranges, sets and text as Values::parse does', () => {
    assert.deepEqual(parseValue('2'), { type: 'SCALAR', scalar: 2 });
    assert.deepEqual(parseValue(' 0.5 '), { type: 'SCALAR', scalar: 0.5 });
    assert.deepEqual(parseValue('1e3'), { type: 'SCALAR', scalar: 1000 });
    assert.deepEqual(parseValue('-3'), { type: 'SCALAR', scalar: -3 });
    assert.deepEqual(parseValue('[31000-32000]'), { type: 'RANGES', ranges: [{ begin: 31000, end: 32000 }] });
    assert.deepEqual(parseValue('{a,b}'), { type: 'SET', items: ['a', 'b'] });
    assert.deepEqual(parseValue('r1'), { type: 'TEXT', text: 'r1' });
    assert.deepEqual(parseValue('0x10'), { type: 'TEXT', text: '0x10' });
  });

  it('rejects empty text and text with value punctuation', () => {
    for (const bad of ['', '  ', 'a,b', 'x]', 'a}b']) {
      assert.throws(() => parseValue(bad), ValueParseError, bad);
    }
  });
});

describe('ranges text', () => {
  it('parses with or without spaces and coalesces', () => {
    assert.deepEqual(parseRangesText('[1-2,3-5, 10-20]'), [
      { begin: 1, end: 5 },
      { begin: 10, end: 20 },
    ]);
    assert.deepEqual(parseRangesText('[ 7-7 ]'), [{ begin: 7, end: 7 }]);
    assert.deepEqual(parseRangesText('[]'), []);
  });

  it('rejects begin > end, single numbers, negatives and missing brackets', () => {
    assert.throws(() => parseRangesText('[5-3]'), /begin 5 > end 3/);
    assert.throws(() => parseRangesText('[5]'), /bad range '5'/);
    assert.throws(() => parseRangesText('[-1-3]'), /bad range/);
    assert.throws(() => parseRangesText('[1-2, ]'), /bad range/);
    assert.throws(() => parseRangesText('[1-2'), /expected ranges/);
    assert.throws(() => parseRangesText('[1-99999999999999999999]'), /out of bounds/);
  });

  it('formats with ", " separators', () => {
    assert.equal(formatRanges([{ begin: 31000, end: 32000 }, { begin: 33000, end: 34000 }]), '[31000-32000, 33000-34000]');
    assert.equal(formatRanges([]), '[]');
  });
});

describe('set text', () => {
  it('parses, trims and deduplicates', () => {
    assert.deepEqual(parseSetText('{ a , b,a }'), ['a', 'b']);
    assert.deepEqual(parseSetText('{}'), []);
  });
  it('rejects empty items and missing braces', () => {
    assert.throws(() => parseSetText('{a,,b}'), /bad set item/);
    assert.throws(() => parseSetText('{a'), /expected a set/);
  });
  it('formats as {a, b}', () => assert.equal(formatSet(['a', 'b']), '{a, b}'));
});

describe('scalars', () => {
  it('round to 0.001 fixed-point and print without trailing zeros', () => {
    assert.equal(toFixed(0.0005), 1);
    assert.equal(toFixed(-0.0005), -1);
    assert.equal(roundScalar(0.1 + 0.2), 0.3);
    assert.equal(formatScalar(2), '2');
    assert.equal(formatScalar(0.5), '0.5');
    assert.equal(formatScalar(1 / 3), '0.333');
    assert.equal(formatScalar(1961.0001), '1961');
    assert.equal(formatScalar(1e21), '1000000000000000000000');
  });
  it('parseNumber accepts decimals only', () => {
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('5.'), 5);
    assert.equal(parseNumber('Infinity'), undefined);
    assert.equal(parseNumber('1e999'), undefined);
    assert.equal(parseNumber('abc'), undefined);
  });
});

describe('range arithmetic', () => {
  it('coalesces adjacent and overlapping ranges', () => {
    assert.deepEqual(coalesceRanges([{ begin: 5, end: 9 }, { begin: 1, end: 4 }, { begin: 8, end: 12 }]), [
      { begin: 1, end: 12 },
    ]);
  });
  it('subtracts holes out of the middle', () => {
    assert.deepEqual(subtractRanges([{ begin: 1, end: 10 }], [{ begin: 3, end: 4 }, { begin: 10, end: 20 }]), [
      { begin: 1, end: 2 },
      { begin: 5, end: 9 },
    ]);
  });
  it('counts values once even when ranges overlap', () => {
    assert.equal(countRanges([{ begin: 31000, end: 32000 }]), 1001);
    assert.equal(countRanges([{ begin: 1, end: 5 }, { begin: 3, end: 7 }]), 7);
  });

  const rangesArb = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 })).map(([b, len]) => ({ begin: b, end: b + len })),
    { maxLength: 6 },
  );
  const values = (rs: { begin: number; end: number }[]): Set<number> => {
    const s = new Set<number>();
    for (const r of rs) for (let v = r.begin; v <= r.end; v++) s.add(v);
    return s;
  };

  it('agrees with a set-of-integers model (property)', () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (a, b) => {
        const va = values(a);
        const vb = values(b);
        const diff = values(subtractRanges(a, b));
        assert.deepEqual([...diff].sort((x, y) => x - y), [...va].filter((v) => !vb.has(v)).sort((x, y) => x - y));
        assert.equal(countRanges(a), va.size);
        assert.equal(rangesContain(a, b), [...vb].every((v) => va.has(v)));
        const before = JSON.stringify(a);
        const c = coalesceRanges(a);
        for (let i = 1; i < c.length; i++) assert.ok(c[i]!.begin > c[i - 1]!.end + 1, 'gaps between coalesced ranges');
        assert.deepEqual(values(c), va, 'coalescing keeps every value');
        assert.equal(JSON.stringify(a), before, 'input untouched');
        for (const r of c) assert.ok(!a.includes(r), 'new range objects');
      }),
    );
  });
});

describe('set arithmetic', () => {
  it('union, difference and containment', () => {
    assert.deepEqual(unionSet(['a', 'b'], ['b', 'c']), ['a', 'b', 'c']);
    assert.deepEqual(subtractSet(['a', 'b', 'c'], ['b']), ['a', 'c']);
    assert.ok(setContains(['a', 'b'], ['b']));
    assert.ok(!setContains(['a'], ['b']));
  });
});

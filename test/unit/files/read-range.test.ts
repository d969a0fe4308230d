import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { READ_CAP_BYTES, completeUtf8Length, parseReadRequest, planRead } from '../../../src/files/read-range.js';

describe('parseReadRequest', () => {
  it('treats an absent or -1 offset as the size probe', () => {
    assert.deepEqual(parseReadRequest(undefined, undefined), { ok: true, value: { offset: -1, length: 0 } });
    assert.deepEqual(parseReadRequest('-1', '-1'), { ok: true, value: { offset: -1, length: 0 } });
    assert.deepEqual(parseReadRequest('-1', '100'), { ok: true, value: { offset: -1, length: 0 } });
  });

  it('reads to the end when length is absent or -1', () => {
    assert.deepEqual(parseReadRequest('5', undefined), { ok: true, value: { offset: 5, length: undefined } });
    assert.deepEqual(parseReadRequest('5', '-1'), { ok: true, value: { offset: 5, length: undefined } });
    assert.deepEqual(parseReadRequest('0', '10'), { ok: true, value: { offset: 0, length: 10 } });
  });

  it('refuses what Mesos refuses, with its messages', () => {
    assert.deepEqual(parseReadRequest('-2', undefined), { ok: false, message: 'Negative offset provided: -2.\n' });
    assert.deepEqual(parseReadRequest('0', '-5'), { ok: false, message: 'Negative length provided: -5.\n' });
    assert.deepEqual(parseReadRequest('abc', undefined), { ok: false, message: "Failed to parse offset: Failed to convert 'abc' to number.\n" });
    assert.equal(parseReadRequest('1.5', undefined).ok, false);
    assert.equal(parseReadRequest('0', 'x').ok, false);
    assert.equal(parseReadRequest('', undefined).ok, false);
  });

  it('refuses offsets and lengths beyond 2^53 rather than rounding them', () => {
    assert.equal(parseReadRequest('9007199254740993', undefined).ok, false);
    assert.equal(parseReadRequest('0', '99999999999999999999999').ok, false);
    assert.deepEqual(parseReadRequest('9007199254740991', undefined), { ok: true, value: { offset: 9007199254740991, length: undefined } });
  });
});

describe('planRead', () => {
  it('returns nothing at or past the end', () => {
    assert.deepEqual(planRead(10, 10, undefined), { start: 10, count: 0 });
    assert.deepEqual(planRead(10, 1e15, 5), { start: 1e15, count: 0 });
    assert.deepEqual(planRead(0, 0, undefined), { start: 0, count: 0 });
  });

  it('caps every read at 16 pages', () => {
    assert.equal(READ_CAP_BYTES, 65536);
    assert.deepEqual(planRead(1e9, 0, undefined), { start: 0, count: READ_CAP_BYTES });
    assert.deepEqual(planRead(1e9, 5, Number.MAX_SAFE_INTEGER), { start: 5, count: READ_CAP_BYTES });
  });

  it('never reads outside the file nor more than asked (property)', () => {
    fc.assert(
      fc.property(fc.nat(1e7), fc.nat(1e7), fc.option(fc.nat(1e7), { nil: undefined }), (size, offset, length) => {
        const plan = planRead(size, offset, length);
        assert.equal(plan.start, offset);
        assert.ok(plan.count >= 0 && plan.count <= READ_CAP_BYTES);
        assert.ok(plan.start + plan.count <= Math.max(size, offset));
        if (length !== undefined) assert.ok(plan.count <= length);
        if (offset < size && (length === undefined || length > 0)) assert.ok(plan.count > 0);
      }),
    );
  });
});

describe('completeUtf8Length', () => {
  it('drops only a multi-byte character cut at the end', () => {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    assert.equal(completeUtf8Length(euro), 4);
    assert.equal(completeUtf8Length(euro.subarray(0, 3)), 1);
    assert.equal(completeUtf8Length(euro.subarray(0, 2)), 1);
    assert.equal(completeUtf8Length(Buffer.from('abc')), 3);
    assert.equal(completeUtf8Length(Buffer.alloc(0)), 0);
    const emoji = Buffer.from('😀', 'utf8');
    assert.equal(completeUtf8Length(emoji.subarray(0, 3)), 0);
    assert.equal(completeUtf8Length(emoji), 4);
  });
});

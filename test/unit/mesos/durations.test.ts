import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  BytesParseError,
  DurationParseError,
  formatBytes,
  formatDuration,
  parseBytes,
  parseDuration,
} from '../../../src/mesos/durations.js';

const SEC = 1000;

describe('parseDuration', () => {
  it('parses every unit into milliseconds', () => {
    assert.equal(parseDuration('15secs'), 15 * SEC);
    assert.equal(parseDuration('1mins'), 60 * SEC);
    assert.equal(parseDuration('0.5secs'), 500);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('2hrs'), 7200 * SEC);
    assert.equal(parseDuration('1days'), 86400 * SEC);
    assert.equal(parseDuration('1weeks'), 604800 * SEC);
    assert.equal(parseDuration('250us'), 0.25);
    assert.equal(parseDuration('1000000ns'), 1);
    assert.equal(parseDuration('0ns'), 0);
    assert.equal(parseDuration(' 10mins '), 600 * SEC);
    assert.equal(parseDuration('.5mins'), 30 * SEC);
  });

  const bad = ['15x', '15', 'secs', '', '-1secs', '1 secs', '1sec', '15SECS', '1.2.3secs', '1e3secs'];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseDuration(text),
        (err: unknown) => {
          assert.ok(err instanceof DurationParseError);
          assert.equal(err.code, 'DURATION_MALFORMED');
          assert.ok(err.message.startsWith(`Invalid duration '${text}'`), err.message);
          return true;
        },
      );
    });
  }

  it('names the unknown unit', () => {
    assert.throws(() => parseDuration('15x'), /unknown unit 'x'/);
  });
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [60 * SEC, '1mins'],
    [90 * SEC, '90secs'],
    [5400 * SEC, '90mins'],
    [10 * 86400 * SEC, '10days'],
    [604800 * SEC, '1weeks'],
    [15 * 60 * SEC, '15mins'],
    [5 * SEC, '5secs'],
    [2 * SEC, '2secs'],
    [1500, '1500ms'],
    [500, '500ms'],
    [0, '0ns'],
    [0.001, '1us'],
    [0.0015, '1500ns'],
    [0.0000005, '1ns'],
    [1000.0005, '1.0000005secs'],
    [6 * 3600 * SEC, '6hrs'],
    [-5 * SEC, '-5secs'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms → ${text}`, () => assert.equal(formatDuration(ms), text));
  }

  it('round-trips through parseDuration (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.constantFrom(1, 1000, 1e6), (n, scale) => {
        const ms = n * scale / 1e6;
        const back = parseDuration(formatDuration(ms));
        assert.ok(Math.abs(back - ms) <= Math.max(1e-6, ms * 1e-12), `${ms} → ${formatDuration(ms)} → ${back}`);
      }),
    );
  });
});

describe('bytes', () => {
  it('parses units case-insensitively, binary multiples', () => {
    assert.equal(parseBytes('2GB'), 2 * 1024 ** 3);
    assert.equal(parseBytes('4KB'), 4096);
    assert.equal(parseBytes('512mb'), 512 * 1024 ** 2);
    assert.equal(parseBytes('100B'), 100);
    assert.equal(parseBytes('1TB'), 1024 ** 4);
  });

  const bad: Array<[string, RegExp]> = [
    ['1.5GB', /fractional/],
    ['.5GB', /fractional/],
    ['2XB', /unknown unit 'XB'/],
    ['2', /expected an integer followed by/],
    ['GB', /expected an integer followed by/],
    ['-1GB', /expected an integer followed by/],
    ['', /expected an integer followed by/],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseBytes(text),
        (err: unknown) => {
          assert.ok(err instanceof BytesParseError);
          assert.equal(err.code, 'BYTES_MALFORMED');
          assert.match(err.message, new RegExp(`^Invalid bytes '${text.replace('.', '\\.')}'`));
          assert.match(err.message, re);
          return true;
        },
      );
    });
  }

  it('formats with the largest exact unit', () => {
    assert.equal(formatBytes(0), '0B');
    assert.equal(formatBytes(1536), '1536B');
    assert.equal(formatBytes(2048), '2KB');
    assert.equal(formatBytes(2 * 1024 ** 3), '2GB');
    assert.equal(formatBytes(1024 ** 3 + 1024 ** 2), '1025MB');
    assert.equal(formatBytes(3 * 1024 ** 4), '3TB');
  });

  it('round-trips (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (b) => assert.equal(parseBytes(formatBytes(b)), b)),
    );
  });
});

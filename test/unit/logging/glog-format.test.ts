import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GLOG_LINE, formatGlogLine, loggingLevelError, parseSeverity } from '../../../src/logging/glog-format.js';

// 2014-12-28 07:29:16.367847 local time, as in the seed's master log.
const T = new Date(2014, 11, 28, 7, 29, 16, 367).getTime() + 0.847;

test('formats a line exactly like glog', () => {
  assert.equal(
    formatGlogLine('INFO', T, 2900, 'master', 'Elected as the leading master!'),
    'I1228 07:29:16.367847  2900 master.ts:0] Elected as the leading master!',
  );
});

test('severity letters, zero padding, wide thread ids, explicit file names', () => {
  const t = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
  assert.equal(formatGlogLine('WARNING', t, 7, 'agent', 'x'), 'W0102 03:04:05.006000     7 agent.ts:0] x');
  assert.equal(formatGlogLine('ERROR', t, 1234567, 'allocator', 'y'), 'E0102 03:04:05.006000 1234567 allocator.ts:0] y');
  assert.equal(formatGlogLine('FATAL', t, 1, 'main.cpp', 'z'), 'F0102 03:04:05.006000     1 main.cpp:0] z');
});

test('GLOG_LINE parses our lines into their fields', () => {
  const m = GLOG_LINE.exec(formatGlogLine('ERROR', T, 31337, 'http', 'Failed: a:b] c'));
  assert.ok(m);
  assert.deepEqual(m.slice(1), ['E', '1228', '07:29:16.367847', '31337', 'http.ts', '0', 'Failed: a:b] c']);
});

test('GLOG_LINE also parses a real Mesos line', () => {
  const m = GLOG_LINE.exec('I1228 07:29:16.511157  2903 master.cpp:1276] Elected as the leading master!');
  assert.ok(m);
  assert.equal(m[5], 'master.cpp');
  assert.equal(m[6], '1276');
});

test('--logging_level values are Mesos’s three, case-sensitive', () => {
  assert.equal(parseSeverity('INFO'), 'INFO');
  assert.equal(parseSeverity('WARNING'), 'WARNING');
  assert.equal(parseSeverity('ERROR'), 'ERROR');
  assert.equal(parseSeverity('info'), undefined);
  assert.equal(parseSeverity('FATAL'), undefined);
  assert.match(loggingLevelError('x'), /^'x' is not a valid logging level/);
});

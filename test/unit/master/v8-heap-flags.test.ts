import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASTER_V8_FLAGS, v8FlagsToSet } from '../../../src/master/v8-heap-flags.js';

test('with no node flags given, every master V8 flag is set', () => {
  assert.deepEqual(v8FlagsToSet(MASTER_V8_FLAGS, []), MASTER_V8_FLAGS.map((f) => f.flag));
  assert.deepEqual(v8FlagsToSet(MASTER_V8_FLAGS, []), ['--no-allocation-site-pretenuring']);
});

test('a flag the operator gave node, in any spelling, is left alone', () => {
  for (const given of ['--allocation-site-pretenuring', '--no-allocation-site-pretenuring', '--allocation_site_pretenuring', '--no_allocation_site_pretenuring']) {
    assert.deepEqual(v8FlagsToSet(MASTER_V8_FLAGS, [given]), [], given);
  }
  assert.deepEqual(v8FlagsToSet(MASTER_V8_FLAGS, [], '--max-old-space-size=4096 --allocation-site-pretenuring'), []);
});

test('unrelated node flags do not stop the master setting its own', () => {
  assert.deepEqual(v8FlagsToSet(MASTER_V8_FLAGS, ['--cpu-prof', '--heapsnapshot-signal=SIGUSR2'], '--max-old-space-size=4096'), [
    '--no-allocation-site-pretenuring',
  ]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASTER_V8_FLAGS, masterV8FlagsToSet } from '../../../src/master/v8-heap-flags.js';

test('with no node flags given, every master V8 flag is set', () => {
  assert.deepEqual(masterV8FlagsToSet([]), MASTER_V8_FLAGS.map((f) => f.flag));
  assert.deepEqual(masterV8FlagsToSet([]), ['--no-allocation-site-pretenuring']);
});

test('a flag the operator gave node, in any spelling, is left alone', () => {
  for (const given of ['--allocation-site-pretenuring', '--no-allocation-site-pretenuring', '--allocation_site_pretenuring', '--no_allocation_site_pretenuring']) {
    assert.deepEqual(masterV8FlagsToSet([given]), [], given);
  }
  assert.deepEqual(masterV8FlagsToSet([], '--max-old-space-size=4096 --allocation-site-pretenuring'), []);
});

test('unrelated node flags do not stop the master setting its own', () => {
  assert.deepEqual(masterV8FlagsToSet(['--cpu-prof', '--heapsnapshot-signal=SIGUSR2'], '--max-old-space-size=4096'), [
    '--no-allocation-site-pretenuring',
  ]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mesetaNodeArgs } from '../../../bench/bench-util.js';

test('the V8 pool is sized to the machine, at most Node’s default of 4', () => {
  assert.deepEqual(mesetaNodeArgs(1, ''), ['--v8-pool-size=1']);
  assert.deepEqual(mesetaNodeArgs(2, ''), ['--v8-pool-size=2']);
  assert.deepEqual(mesetaNodeArgs(4, ''), ['--v8-pool-size=4']);
  assert.deepEqual(mesetaNodeArgs(64, ''), ['--v8-pool-size=4']);
});

test('a pool size already in NODE_OPTIONS is left to the operator, in either spelling', () => {
  assert.deepEqual(mesetaNodeArgs(2, '--v8-pool-size=8'), []);
  assert.deepEqual(mesetaNodeArgs(2, '--max-old-space-size=512 --v8_pool_size=1'), []);
  assert.deepEqual(mesetaNodeArgs(2, '--max-old-space-size=512'), ['--v8-pool-size=2']);
  assert.deepEqual(mesetaNodeArgs(2, '--no-v8-pool-sizes-here'), ['--v8-pool-size=2']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL_V8_FLAGS } from '../../../src/cli/local-v8-flags.js';
import { v8FlagsToSet } from '../../../src/master/v8-heap-flags.js';

test('meseta local sets an 8 × interrupt budget unless the operator gave node one', () => {
  assert.deepEqual(v8FlagsToSet(LOCAL_V8_FLAGS, []), LOCAL_V8_FLAGS.map((f) => f.flag));
  assert.deepEqual(v8FlagsToSet(LOCAL_V8_FLAGS, []), ['--interrupt-budget=540672']);
  assert.deepEqual(v8FlagsToSet(LOCAL_V8_FLAGS, ['--cpu-prof'], '--max-old-space-size=4096'), ['--interrupt-budget=540672']);
  for (const given of ['--interrupt-budget=1000', '--interrupt_budget=1000']) assert.deepEqual(v8FlagsToSet(LOCAL_V8_FLAGS, [given]), [], given);
  assert.deepEqual(v8FlagsToSet(LOCAL_V8_FLAGS, [], '--interrupt-budget=1000'), []);
});

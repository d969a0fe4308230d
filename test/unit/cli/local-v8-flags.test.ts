import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL_V8_FLAGS, localV8FlagsToSet } from '../../../src/cli/local-v8-flags.js';

test('meseta local sets a 8 × interrupt budget unless the operator gave node one', () => {
  assert.deepEqual(localV8FlagsToSet([]), LOCAL_V8_FLAGS.map((f) => f.flag));
  assert.deepEqual(localV8FlagsToSet([]), ['--interrupt-budget=540672']);
  assert.deepEqual(localV8FlagsToSet(['--cpu-prof'], '--max-old-space-size=4096'), ['--interrupt-budget=540672']);
  for (const given of ['--interrupt-budget=1000', '--interrupt_budget=1000']) assert.deepEqual(localV8FlagsToSet([given]), [], given);
  assert.deepEqual(localV8FlagsToSet([], '--interrupt-budget=1000'), []);
});

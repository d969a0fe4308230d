/** Store keys as znodes, versions offset by one, and the value size limit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreKeyError, StoreValueTooLargeError } from '../../../src/coordination/zookeeper/errors.js';
import { encodeValue, keyPath, MAX_VALUE_BYTES, splitPrefix, storeVersion, znodeVersion } from '../../../src/coordination/zookeeper/store-layout.js';

test('keys are znodes under the root path', () => {
  assert.equal(keyPath('/mesos', 'registry/agents/A1'), '/mesos/registry/agents/A1');
  assert.equal(keyPath('/', 'registry'), '/registry');
  for (const key of ['', '/a', 'a/', 'a//b', 'a/./b', 'a/../b', 'a\u0000b', 'a\nb']) {
    assert.throws(() => keyPath('/mesos', key), StoreKeyError, JSON.stringify(key));
  }
  assert.throws(() => keyPath('/', 'zookeeper/quota'), /reserved/);
  assert.equal(keyPath('/mesos', 'zookeeper/x'), '/mesos/zookeeper/x');
});

test('a list prefix splits into the directory to list and the start of names', () => {
  assert.deepEqual(splitPrefix(''), ['', '']);
  assert.deepEqual(splitPrefix('reg'), ['', 'reg']);
  assert.deepEqual(splitPrefix('registry/'), ['registry', '']);
  assert.deepEqual(splitPrefix('registry/agents/S1'), ['registry/agents', 'S1']);
  assert.throws(() => splitPrefix('/registry'), StoreKeyError);
  assert.throws(() => splitPrefix('a//'), StoreKeyError);
});

test('Store version = znode data version + 1 (a created znode is at 0)', () => {
  assert.equal(storeVersion(0), 1);
  assert.equal(znodeVersion(1), 0);
  assert.equal(znodeVersion(storeVersion(41)), 41);
});

test('values are UTF-8 JSON up to 1 MiB less 1 KiB; bigger ones are refused with sizes', () => {
  assert.equal(encodeValue('k', { a: 'é' }).toString('utf8'), '{"a":"é"}');
  const fits = 'x'.repeat(MAX_VALUE_BYTES - 2);
  assert.equal(encodeValue('k', fits).length, MAX_VALUE_BYTES);
  assert.throws(
    () => encodeValue('registry/big', `${fits}x`),
    (e: unknown) => e instanceof StoreValueTooLargeError && e.code === 'STORE_VALUE_TOO_LARGE' && e.key === 'registry/big' && e.bytes === MAX_VALUE_BYTES + 1 && e.limit === MAX_VALUE_BYTES,
  );
  assert.throws(() => encodeValue('k', undefined), TypeError);
});

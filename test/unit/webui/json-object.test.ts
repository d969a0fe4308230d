import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseJsonObject } from '../../../src/webui/src/lib/json-object.js';

test('parseJsonObject: objects pass; syntax errors and other JSON types say why', () => {
  assert.deepEqual(parseJsonObject('{"id":"/a","instances":2}'), { ok: true, value: { id: '/a', instances: 2 } });
  const broken = parseJsonObject('{"id":');
  assert.equal(broken.ok, false);
  assert.ok(!broken.ok && broken.error.length > 0);
  for (const other of ['[]', 'null', '3', '"x"']) assert.deepEqual(parseJsonObject(other), { ok: false, error: 'the JSON must be an object' });
});

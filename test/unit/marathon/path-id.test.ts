/** Path ids: canonical form, validation, derived names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalId, isUnder, mesosTaskName, parentId, pathIdErrors, safeId } from '../../../src/marathon/path-id.js';

test('canonical ids: absolute, no empty segments, . and .. applied', () => {
  assert.equal(canonicalId('basic-0'), '/basic-0');
  assert.equal(canonicalId('/prod//web/'), '/prod/web');
  assert.equal(canonicalId('web', '/prod'), '/prod/web');
  assert.equal(canonicalId('../db', '/prod/web'), '/prod/db');
  assert.equal(canonicalId('./x', '/g'), '/g/x');
  assert.equal(canonicalId('/'), '/');
});

test('validation: lower-case labels, reserved last segments, root', () => {
  assert.deepEqual(pathIdErrors('basic-0'), []);
  assert.deepEqual(pathIdErrors('/prod/web.v1/frontend'), []);
  assert.equal(pathIdErrors('Web').length, 1);
  assert.equal(pathIdErrors('-web').length, 1);
  assert.equal(pathIdErrors('web-').length, 1);
  assert.equal(pathIdErrors('we_b').length, 1);
  assert.match(pathIdErrors('/a/restart')[0]!, /reserved/);
  assert.match(pathIdErrors('/a/versions')[0]!, /reserved/);
  assert.match(pathIdErrors('/')[0]!, /at least one/);
  assert.match(pathIdErrors('/a/..')[0]!, /root/);
});

test('derived names', () => {
  assert.equal(safeId('/tools/docker/registry'), 'tools_docker_registry');
  assert.equal(mesosTaskName('/prod/web'), 'web.prod');
  assert.equal(parentId('/a/b'), '/a');
  assert.equal(parentId('/a'), '/');
  assert.ok(isUnder('/a/b', '/a'));
  assert.ok(isUnder('/a', '/a'));
  assert.ok(!isUnder('/ab', '/a'));
  assert.ok(isUnder('/x', '/'));
});

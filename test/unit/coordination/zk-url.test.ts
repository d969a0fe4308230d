/** `zk://` URL parsing: Mesos's forms and clear refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  connectionString,
  formatZooKeeperUrl,
  joinZnodePath,
  parseZooKeeperUrl,
  redactZooKeeperUrl,
  ZooKeeperUrlError,
} from '../../../src/coordination/zookeeper/zk-url.js';

const refused = (text: string, pattern: RegExp) =>
  assert.throws(
    () => parseZooKeeperUrl(text),
    (e: unknown) => e instanceof ZooKeeperUrlError && e.code === 'ZK_URL_INVALID' && e.url === text && pattern.test(e.message),
    text,
  );

test('the seed deployment form: three servers and a path', () => {
  const url = parseZooKeeperUrl('zk://10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181/mesos');
  assert.deepEqual(url, {
    servers: [
      { host: '10.0.0.1', port: 2181 },
      { host: '10.0.0.2', port: 2181 },
      { host: '10.0.0.3', port: 2181 },
    ],
    path: '/mesos',
  });
  assert.equal(connectionString(url), '10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181');
  assert.equal(formatZooKeeperUrl(url), 'zk://10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181/mesos');
});

test('defaults: port 2181, path /; scheme case-insensitive; surrounding blanks ignored', () => {
  assert.deepEqual(parseZooKeeperUrl('zk://zk1'), { servers: [{ host: 'zk1', port: 2181 }], path: '/' });
  assert.deepEqual(parseZooKeeperUrl(' ZK://zk1:2182/a/b/c \n'), { servers: [{ host: 'zk1', port: 2182 }], path: '/a/b/c' });
  assert.equal(parseZooKeeperUrl('zk://zk1/').path, '/');
  assert.equal(formatZooKeeperUrl(parseZooKeeperUrl('zk://zk1')), 'zk://zk1:2181');
});

test('credentials become digest identity; the password never shows', () => {
  const url = parseZooKeeperUrl('zk://mesos:s3cr@t@zk1:2181,zk2/mesos');
  assert.deepEqual(url.credentials, { username: 'mesos', password: 's3cr@t' });
  assert.deepEqual(url.servers, [
    { host: 'zk1', port: 2181 },
    { host: 'zk2', port: 2181 },
  ]);
  assert.equal(formatZooKeeperUrl(url), 'zk://mesos:***@zk1:2181,zk2:2181/mesos');
  assert.equal(redactZooKeeperUrl('zk://u:pw@h/p'), 'zk://u:***@h/p');
  assert.equal(redactZooKeeperUrl('zk://h/p@x'), 'zk://h/p@x');
  assert.throws(() => parseZooKeeperUrl('zk://u:pw@h:0/p'), (e: unknown) => e instanceof Error && !e.message.includes('pw@') && /\*\*\*/.test(e.message));
});

test('malformed URLs are refused with the reason', () => {
  refused('127.0.0.1:2181/mesos', /expecting 'zk:\/\/'/);
  refused('http://h:2181/mesos', /expecting 'zk:\/\/'/);
  refused('zk://', /no server/);
  refused('zk:///mesos', /no server/);
  refused('zk://h1,,h2/mesos', /empty server/);
  refused('zk://h1,/mesos', /empty server/);
  refused('zk://h:abc/mesos', /invalid port 'abc'/);
  refused('zk://h:0/mesos', /invalid port '0'/);
  refused('zk://h:65536/mesos', /invalid port/);
  refused('zk://h:/mesos', /invalid port ''/);
  refused('zk://[::1]:2181/mesos', /IPv6/);
  refused('zk://bad host/mesos', /invalid host/);
  refused('zk://:pw@h/mesos', /username:password/);
  refused('zk://user@h/mesos', /username:password/);
  refused('zk://h/mesos/', /must not end with '\/'/);
  refused('zk://h//mesos', /empty, '\.' or '\.\.' segment/);
  refused('zk://h/a/../b', /segment/);
  refused('zk://h/a b', /whitespace/);
  refused('zk://h/mesos?x=1', /'\?'/);
});

test('znode paths join without doubling the root slash', () => {
  assert.equal(joinZnodePath('/', 'json.info_0000000001'), '/json.info_0000000001');
  assert.equal(joinZnodePath('/mesos', 'json.info_0000000001'), '/mesos/json.info_0000000001');
});

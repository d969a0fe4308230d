/** The election layout: members, the leader, MasterInfo JSON → address. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeMasterInfo,
  encodeMasterInfo,
  leadingMember,
  masterInfoAddress,
  MasterInfoFormatError,
  parseGroupMember,
  unpackIPv4,
} from '../../../src/coordination/zookeeper/master-info-znode.js';
import type { MasterInfo } from '../../../src/mesos/types.js';

test('members are json.info_ and legacy info_ znodes with a 10-digit sequence', () => {
  assert.deepEqual(parseGroupMember('json.info_0000000012'), { name: 'json.info_0000000012', label: 'json.info', sequence: 12 });
  assert.deepEqual(parseGroupMember('info_0000000003'), { name: 'info_0000000003', label: 'info', sequence: 3 });
  for (const other of ['registry', 'log_replicas', 'json.info_12', 'json.info_', 'xjson.info_0000000001', 'json.info_0000000001x']) {
    assert.equal(parseGroupMember(other), undefined, other);
  }
});

test('the lowest sequence leads, whatever the label; other children are ignored', () => {
  assert.equal(leadingMember(['json.info_0000000007', 'registry', 'json.info_0000000005', 'json.info_0000000010'])?.name, 'json.info_0000000005');
  assert.equal(leadingMember(['json.info_0000000004', 'info_0000000002'])?.name, 'info_0000000002');
  assert.equal(leadingMember(['registry', 'log_replicas']), undefined);
  assert.equal(leadingMember([]), undefined);
});

// A MasterInfo as a Mesos 1.x master writes it (ip 127.0.0.1 packed = 16777343).
const mesosInfo: MasterInfo = {
  id: '8f1b5d3e-1111-2222-3333-444455556666',
  ip: 16777343,
  port: 5050,
  pid: 'master@127.0.0.1:5050',
  hostname: 'localhost',
  version: '1.11.0',
  address: { hostname: 'localhost', ip: '127.0.0.1', port: 5050 },
  capabilities: [{ type: 'AGENT_UPDATE' }],
};

test('MasterInfo JSON round-trips and gives the address (ip first, then hostname, pid, packed ip)', () => {
  const decoded = decodeMasterInfo(encodeMasterInfo(mesosInfo));
  assert.deepEqual(decoded, mesosInfo);
  assert.deepEqual(masterInfoAddress(decoded), { host: '127.0.0.1', port: 5050 });
  assert.deepEqual(masterInfoAddress({ id: 'm', ip: 0, port: 1, address: { hostname: 'm1.example', port: 5051 } }), { host: 'm1.example', port: 5051 });
  assert.deepEqual(masterInfoAddress({ id: 'm', ip: 0, port: 1, pid: 'master@10.1.2.3:5052' }), { host: '10.1.2.3', port: 5052 });
  assert.deepEqual(masterInfoAddress({ id: 'm', ip: 0x0302010a, port: 5053 }), { host: '10.1.2.3', port: 5053 });
  assert.equal(unpackIPv4(16777343), '127.0.0.1');
  assert.equal(unpackIPv4(0xffffffff), '255.255.255.255');
});

test('data that is not usable MasterInfo JSON is refused', () => {
  const bad = (data: string) => assert.throws(() => decodeMasterInfo(data), MasterInfoFormatError, data);
  bad('');
  bad('{not json');
  bad('[]');
  bad('"text"');
  bad('{"ip":1,"port":5050}');
  bad('{"id":"m","address":{"port":5050}}');
  bad('{"id":"m","pid":"master@h:0"}');
  bad('{"id":"m","address":{"ip":"1.2.3.4","port":70000}}');
});

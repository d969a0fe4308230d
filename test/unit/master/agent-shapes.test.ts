/**
 * Agents of one shape share one frozen total (agent-shapes.ts): directly, and
 * through a master that agents register and reregister with, where each agent
 * still reports and offers its own total.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentShapes } from '../../../src/master/agent-shapes.js';
import type { HierarchicalDRFAllocator } from '../../../src/master/allocator/hierarchical-drf-allocator.js';
import { openAgentStream } from '../../../src/master/agent-channel.js';
import type { AgentStream } from '../../../src/master/agent-link.js';
import type { AgentCall } from '../../../src/mesos/agent-protocol.js';
import type { Resource } from '../../../src/mesos/types.js';
import { startMemoryMaster } from '../../support/memory-master.js';

const stream: AgentStream = { streamId: 's', isClosed: false, send: () => undefined, close: () => undefined, onClose: () => undefined };
const total = (cpus: number): Resource[] => [
  { name: 'cpus', type: 'SCALAR', scalar: { value: cpus }, role: '*' },
  { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
];

describe('AgentShapes', () => {
  it('gives equal lists one frozen list, and a different list its own', () => {
    const shapes = new AgentShapes();
    const first = shapes.share(total(4));
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first[1]!.ranges!.range[0]));
    assert.equal(shapes.share(total(4)), first);
    const other = shapes.share(total(8));
    assert.notEqual(other, first);
    assert.deepEqual(other, total(8));
    assert.equal(shapes.share(total(4)), first, 'an older shape is still found');
  });

  it('with `copy`, remembers a copy and leaves the list given unfrozen', () => {
    const shapes = new AgentShapes();
    const given = total(4);
    const shared = shapes.share(given, true);
    assert.notEqual(shared, given);
    assert.ok(Object.isFrozen(shared) && !Object.isFrozen(given) && !Object.isFrozen(given[0]));
    assert.equal(shapes.share(total(4)), shared);
  });

  it('forgets the least recently met shape beyond its bound, and still gives equal lists', () => {
    const shapes = new AgentShapes(2);
    const four = shapes.share(total(4));
    const firstFive = shapes.share(total(5));
    shapes.share(total(4));
    shapes.share(total(6));
    assert.equal(shapes.share(total(4)), four, 'met again before the sixth came, so kept');
    const five = shapes.share(total(5));
    assert.notEqual(five, firstFive, 'forgotten, so shared anew');
    assert.deepEqual(five, total(5));
    assert.equal(shapes.share(total(5)), five);
  });
});

describe('a master sharing its agents’ totals', () => {
  it('gives agents of one shape one total, and each agent its own books', async () => {
    const { master, close } = await startMemoryMaster();
    try {
      const register = (hostname: string, cpus: number): void => {
        const call: AgentCall = { type: 'REGISTER', register: { agent_info: { hostname, port: 5051, resources: total(cpus) }, version: '1.11.0', pid: `slave(1)@${hostname}:5051` } };
        openAgentStream(master, JSON.parse(JSON.stringify(call)) as Extract<AgentCall, { type: 'REGISTER' }>, stream);
      };
      register('a', 4);
      register('b', 4);
      register('c', 2);
      const [a, b, c] = ['a', 'b', 'c'].map((h) => [...master.agents.values()].find((x) => x.info.hostname === h)!);
      assert.equal(a!.info.resources, b!.info.resources);
      assert.notEqual(a!.info.resources, c!.info.resources);
      assert.deepEqual(c!.info.resources, total(2));
      // The agent reregisters (as after a failover) with an equal total sent anew: still the shared list.
      const again: AgentCall = {
        type: 'REREGISTER',
        reregister: { agent_info: { id: { value: b!.id }, hostname: 'b', port: 5051, resources: total(4) }, version: '1.11.0', pid: 'slave(1)@b:5051', frameworks: [], executors: [], tasks: [] },
      };
      openAgentStream(master, JSON.parse(JSON.stringify(again)) as Extract<AgentCall, { type: 'REREGISTER' }>, stream);
      assert.equal(master.agents.get(b!.id)!.info.resources, a!.info.resources);
      const allocator = master.allocator as HierarchicalDRFAllocator;
      assert.deepEqual(allocator.agentAvailable(b!.id), total(4));
      assert.deepEqual(allocator.agentAvailable(c!.id), total(2));
    } finally {
      await master.stop();
      await close();
    }
  });
});

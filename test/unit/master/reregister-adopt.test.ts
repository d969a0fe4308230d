/**
 * A reregistering agent's tasks, built as agents build them (src/mesos/agent-task.ts),
 * sent as JSON and adopted by a master that never saw them (as after a failover):
 * the master reports each task as it would have for the launch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startMemoryMaster } from '../../support/memory-master.js';
import { openAgentStream } from '../../../src/master/agent-channel.js';
import { taskJson } from '../../../src/master/http/state-json.js';
import type { AgentStream } from '../../../src/master/agent-link.js';
import type { AgentCall } from '../../../src/mesos/agent-protocol.js';
import { agentTask } from '../../../src/mesos/agent-task.js';
import { packAgentTasks } from '../../../src/mesos/agent-task-sets.js';
import type { Resource, TaskInfo, TaskStatus } from '../../../src/mesos/types.js';

const stream: AgentStream = { streamId: 's', isClosed: false, send: () => undefined, close: () => undefined, onClose: () => undefined };
const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value }, role: '*', allocation_info: { role: 'web' } });

describe('adopting the tasks of a reregistering agent', () => {
  for (const form of ['tasks', 'task_sets'] as const) {
    it(`keeps what a master reports of a task, and what it needs: executor, user, role, latest status (reported in ${form})`, async () => {
      const { master, close } = await startMemoryMaster();
      try {
        const command: TaskInfo = {
          name: 'hello',
          task_id: { value: 'hello.1' },
          agent_id: { value: 'S1' },
          resources: [scalar('cpus', 0.5), scalar('mem', 64)],
          command: { value: 'echo hello', user: 'nobody' },
          labels: { labels: [{ key: 'tier', value: 'web' }] },
          health_check: { type: 'COMMAND', command: { value: 'true' } },
        };
        const custom: TaskInfo = { name: 'worker', task_id: { value: 'worker.1' }, agent_id: { value: 'S1' }, resources: [scalar('cpus', 0.25)] };
        const running: TaskStatus = { task_id: custom.task_id, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', timestamp: 1700000000, uuid: 'dXVpZA==' };
        const framework = { value: 'F1' };
        const tasks = [agentTask(command, framework, undefined, 'TASK_RUNNING'), agentTask(custom, framework, { value: 'pool-1' }, 'TASK_RUNNING', running)];
        const call: Extract<AgentCall, { type: 'REREGISTER' }> = {
          type: 'REREGISTER',
          reregister: {
            agent_info: { id: { value: 'S1' }, hostname: 'h1', port: 5051, resources: [scalar('cpus', 4), scalar('mem', 1024)] },
            version: '1.11.0',
            pid: 'slave(1)@127.0.0.1:5051',
            frameworks: [{ id: framework, name: 'fw', user: 'root', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] }],
            executors: [],
            ...(form === 'tasks' ? { tasks } : { tasks: [], task_sets: packAgentTasks(tasks) }),
          },
        };
        // Over the wire: the master adopts what JSON carries, not the agent's objects.
        openAgentStream(master, JSON.parse(JSON.stringify(call)) as typeof call, stream);

        const agent = master.agents.get('S1')!;
        const hello = taskJson(agent.tasks.get('F1', 'hello.1')!);
        assert.equal(hello.name, 'hello');
        assert.equal(hello.executor_id, '', 'a command task has no executor of its own');
        assert.equal(hello.user, 'nobody', "the command's user, not the framework's");
        assert.equal(hello.role, 'web');
        assert.equal(hello.state, 'TASK_RUNNING');
        assert.deepEqual(hello.labels, [{ key: 'tier', value: 'web' }]);
        assert.deepEqual(hello.health_check, command.health_check);
        assert.deepEqual(hello.statuses, []);
        assert.equal('command' in agent.tasks.get('F1', 'hello.1')!.info, false, 'the command stays on the agent');

        const worker = taskJson(agent.tasks.get('F1', 'worker.1')!);
        assert.equal(worker.executor_id, 'pool-1');
        assert.equal(worker.user, 'root', "the framework's user when the command names none");
        assert.deepEqual(worker.statuses, [{ state: 'TASK_RUNNING', timestamp: 1700000000 }], 'the unacknowledged status the agent held');
        assert.equal(master.frameworks.get('F1')?.tasks.size, 2);
        assert.deepEqual(agent.tasks.get('F1', 'hello.1')!.resources.map((r) => r.scalar?.value), [0.5, 64]);
        assert.deepEqual(agent.tasks.get('F1', 'worker.1')!.resources.map((r) => r.scalar?.value), [0.25]);
      } finally {
        await master.stop();
        await close();
      }
    });
  }

  it('adopts tasks reported one by one and in sets alike, each set with its own framework and resources', async () => {
    const { master, close } = await startMemoryMaster();
    try {
      const info = (id: string, cpus: number): TaskInfo => ({ name: id, task_id: { value: id }, agent_id: { value: 'S1' }, resources: [scalar('cpus', cpus)] });
      const [f1, f2] = [{ value: 'F1' }, { value: 'F2' }];
      const sets = packAgentTasks([
        agentTask(info('a', 0.1), f1, undefined, 'TASK_RUNNING'),
        agentTask(info('b', 0.2), f1, undefined, 'TASK_RUNNING'),
        agentTask(info('c', 0.1), f2, undefined, 'TASK_STAGING'),
      ]);
      const call: Extract<AgentCall, { type: 'REREGISTER' }> = {
        type: 'REREGISTER',
        reregister: {
          agent_info: { id: { value: 'S1' }, hostname: 'h1', port: 5051, resources: [scalar('cpus', 4)] },
          version: '1.11.0',
          pid: 'slave(1)@127.0.0.1:5051',
          frameworks: [
            { id: f1, name: 'one', user: 'root', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] },
            { id: f2, name: 'two', user: 'root', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] },
          ],
          executors: [],
          tasks: [agentTask(info('d', 0.3), f2, undefined, 'TASK_RUNNING')],
          task_sets: sets,
        },
      };
      openAgentStream(master, JSON.parse(JSON.stringify(call)) as typeof call, stream);
      const agent = master.agents.get('S1')!;
      const adopted = [...agent.tasks.values()].map((t) => [t.frameworkId, t.id, t.state, t.resources[0]?.scalar?.value]);
      assert.deepEqual(adopted, [
        ['F2', 'd', 'TASK_RUNNING', 0.3],
        ['F1', 'a', 'TASK_RUNNING', 0.1],
        ['F1', 'b', 'TASK_RUNNING', 0.2],
        ['F2', 'c', 'TASK_STAGING', 0.1],
      ]);
      assert.equal(master.frameworks.get('F1')?.tasks.size, 2);
      assert.equal(master.frameworks.get('F2')?.tasks.size, 2);
    } finally {
      await master.stop();
      await close();
    }
  });
});

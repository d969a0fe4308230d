/**
 * `/metrics/snapshot` gauges of a real Master (in-memory registry, no HTTP
 * server) after an agent reregisters with tasks in every live state: task
 * counts per state and the used/total scalar sums Mesos reports.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startMemoryMaster } from '../../support/memory-master.js';
import { openAgentStream } from '../../../src/master/agent-channel.js';
import { masterMetricsJson } from '../../../src/master/http/metrics-json.js';
import type { AgentStream } from '../../../src/master/agent-link.js';
import type { AgentTask } from '../../../src/mesos/agent-protocol.js';
import type { Resource, TaskState } from '../../../src/mesos/types.js';

function stream(): AgentStream {
  let closed = false;
  return {
    streamId: 'test-stream',
    get isClosed() {
      return closed;
    },
    send: () => undefined,
    close: () => {
      closed = true;
    },
    onClose: () => undefined,
  };
}

const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value } });

function task(id: string, state: TaskState, cpus: number, mem: number): AgentTask {
  return { name: id, task_id: { value: id }, framework_id: { value: 'F1' }, state, resources: [scalar('cpus', cpus), scalar('mem', mem)] };
}

describe('masterMetricsJson', () => {
  it('counts live tasks per state and sums what they use against the agents\' totals', async () => {
    const { master, close } = await startMemoryMaster();
    const tasks = [
      task('r1', 'TASK_RUNNING', 0.5, 64),
      task('r2', 'TASK_RUNNING', 0.25, 32),
      task('s1', 'TASK_STAGING', 0.1, 16),
      task('st1', 'TASK_STARTING', 0.1, 16),
      task('k1', 'TASK_KILLING', 0.05, 8),
      task('f1', 'TASK_FINISHED', 1, 128),
    ];
    openAgentStream(
      master,
      {
        type: 'REREGISTER',
        reregister: {
          agent_info: { id: { value: 'S1' }, hostname: 'h1', port: 5051, resources: [scalar('cpus', 4), scalar('mem', 1024), scalar('disk', 100), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31010 }] } }] },
          version: '1.11.0',
          pid: 'slave(1)@127.0.0.1:5051',
          frameworks: [{ id: { value: 'F1' }, name: 'fw', user: 'root' }],
          executors: [],
          tasks,
        },
      },
      stream(),
    );
    const m = masterMetricsJson(master);
    assert.equal(m['master/tasks_running'], 2);
    assert.equal(m['master/tasks_staging'], 1);
    assert.equal(m['master/tasks_starting'], 1);
    assert.equal(m['master/tasks_killing'], 1);
    assert.equal(m['master/tasks_unreachable'], 0);
    assert.equal(m['master/cpus_total'], 4);
    assert.equal(m['master/mem_total'], 1024);
    assert.equal(m['master/disk_total'], 100);
    assert.equal(m['master/gpus_total'], 0);
    assert.equal(m['master/cpus_used'], 1, 'the finished task uses nothing: 0.5 + 0.25 + 0.1 + 0.1 + 0.05');
    assert.equal(m['master/mem_used'], 136);
    assert.equal(m['master/cpus_percent'], 0.25);
    assert.equal(m['master/slaves_connected'], 1);

    // Kept as the tasks change: one finishes, one turns unreachable (moved to its framework), one is lost.
    const onAgent = (id: string) => master.agents.get('S1')!.tasks.get('F1', id)!;
    master.recordStatus(onAgent('r1'), { task_id: { value: 'r1' }, state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR' });
    master.transitionTask(onAgent('r2'), 'TASK_UNREACHABLE', 'REASON_AGENT_REMOVED', 'test', false);
    master.transitionTask(onAgent('s1'), 'TASK_LOST', 'REASON_AGENT_REMOVED', 'test', false);
    const after = masterMetricsJson(master);
    assert.equal(after['master/tasks_running'], 0);
    assert.equal(after['master/tasks_staging'], 0);
    assert.equal(after['master/tasks_starting'], 1);
    assert.equal(after['master/tasks_killing'], 1);
    assert.equal(after['master/tasks_unreachable'], 1);
    assert.equal(after['master/cpus_used'], 0.15, 'what the starting and killing tasks use: 0.1 + 0.05');
    assert.equal(after['master/mem_used'], 24);
    await master.stop();
    await close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentModel, type ExecutorRecord } from '../../../src/agent/agent-model.js';
import { getContainersJson, monitorStatisticsJson, renderStatistics, sampleExecutors } from '../../../src/agent/monitor.js';
import { executorVirtualPath, sandboxAttachments } from '../../../src/agent/sandbox-attachments.js';
import { splitCpuTime } from '../../../src/agent/containerizer/mesos-containerizer.js';
import type { ProcStat } from '../../../src/agent/isolator/procfs.js';
import { UnknownContainerError, type ContainerUsage } from '../../../src/agent/containerizer/containerizer.js';

function executor(id: string, state: ExecutorRecord['state'], directory = `/w/slaves/S0/frameworks/F/executors/${id}/runs/c-${id}`): ExecutorRecord {
  return {
    info: { executor_id: { value: id }, name: `exec ${id}`, source: id },
    frameworkId: 'F',
    kind: 'command',
    containerId: `c-${id}`,
    directory,
    state,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 } },
    ],
    queuedTasks: new Map(),
    launchedTasks: new Map(),
    completedTasks: [],
  };
}

function model(...executors: ExecutorRecord[]): AgentModel {
  const m = new AgentModel({ maxCompletedTasksPerExecutor: 10, maxCompletedExecutorsPerFramework: 10, maxCompletedFrameworks: 10 });
  const f = m.upsertFramework({ id: { value: 'F' }, name: 'fw', user: 'u' });
  for (const e of executors) m.addExecutor(f, e);
  return m;
}

describe('renderStatistics', () => {
  it('reports limits from the executor resources and the measured usage', () => {
    assert.deepEqual(renderStatistics(executor('a', 'RUNNING'), { memRssBytes: 1000, cpuTimeSecs: 2, cpusUserTimeSecs: 1.5, cpusSystemTimeSecs: 0.5, processes: 2 }, 1700000000), {
      timestamp: 1700000000,
      cpus_limit: 0.5,
      mem_limit_bytes: 64 * 1024 * 1024,
      cpus_user_time_secs: 1.5,
      cpus_system_time_secs: 0.5,
      mem_rss_bytes: 1000,
      processes: 2,
    });
    // Only a total: it counts as user time.
    const total = renderStatistics(executor('a', 'RUNNING'), { cpuTimeSecs: 3 }, 1);
    assert.equal(total.cpus_user_time_secs, 3);
    assert.equal(total.cpus_system_time_secs, 0);
    assert.equal(renderStatistics(executor('a', 'RUNNING'), {}, 1).mem_rss_bytes, undefined);
  });
});

describe('sampleExecutors', () => {
  it('samples live executors only and skips containers that cannot be measured', async () => {
    // Knows only container c-a, as a real containerizer knows only what it launched.
    const containerizer = {
      async usage(containerId: string): Promise<ContainerUsage> {
        if (containerId !== 'c-a') throw new UnknownContainerError(`Unknown container '${containerId}'`);
        return { memRssBytes: 10 };
      },
    };
    const m = model(executor('a', 'RUNNING'), executor('b', 'TERMINATED'), executor('c', 'REGISTERING'));
    const samples = await sampleExecutors(m, containerizer, 5);
    assert.deepEqual(samples.map((s) => s.executor.info.executor_id.value), ['a']);
    const [entry] = monitorStatisticsJson(samples);
    assert.deepEqual(Object.keys(entry!), ['framework_id', 'executor_id', 'executor_name', 'source', 'statistics']);
    assert.deepEqual(getContainersJson(samples)[0]!['container_id'], { value: 'c-a' });
  });
});

describe('splitCpuTime', () => {
  const stat = (utime: number, stime: number, cutime = 0, cstime = 0): ProcStat => ({ pid: 1, state: 'S', ppid: 0, pgrp: 1, session: 1, utime, stime, cutime, cstime, startTicks: 0 });
  it('splits the measured total in the /proc proportion', () => {
    assert.deepEqual(splitCpuTime(4, [stat(30, 5, 0, 5)]), { cpusUserTimeSecs: 3, cpusSystemTimeSecs: 1 });
    assert.deepEqual(splitCpuTime(2, []), { cpusUserTimeSecs: 2, cpusSystemTimeSecs: 0 });
  });
});

describe('sandboxAttachments', () => {
  it('attaches each sandbox by directory, work_dir alias and virtual alias, and the log', () => {
    const running = executor('a', 'RUNNING');
    const m = model(running);
    const old = executor('a', 'TERMINATED', '/w/slaves/S0/frameworks/F/executors/a/runs/old');
    m.frameworks.get('F')!.completedExecutors.push(old);
    const map = sandboxAttachments(m, { workDir: '/w', agentId: 'S0', logFile: '/logs/agent.log' });
    assert.equal(map.get(running.directory), running.directory);
    assert.equal(map.get(old.directory), old.directory);
    // The running executor's run wins the aliases over the completed one.
    assert.equal(map.get('/w/slaves/S0/frameworks/F/executors/a/runs/latest'), running.directory);
    assert.equal(map.get(executorVirtualPath('F', 'a')), running.directory);
    assert.equal(map.get('/slave/log'), '/logs/agent.log');
    const unregistered = sandboxAttachments(m, { workDir: '/w' });
    assert.equal(unregistered.has('/slave/log'), false);
    assert.equal(unregistered.get(executorVirtualPath('F', 'a')), running.directory);
  });
});

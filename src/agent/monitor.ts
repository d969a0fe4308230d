/**
 * Resource statistics of the agent's executors: `/monitor/statistics`,
 * `/containers` and the GET_CONTAINERS call (Mesos `Slave::usage`,
 * `Http::_statistics`, `Http::__containers`).
 *
 *   AgentModel (non-terminated executors) ──► Containerizer.usage(container)
 *                                              ──► ResourceStatistics JSON
 *
 * Limits come from the executor's resources (cpus, mem MB → bytes), as the
 * Mesos containerizer reports them. An executor whose container cannot be
 * measured (not launched yet, already gone) is left out, as Mesos leaves out
 * entries without statistics.
 */
import { scalarOf } from '../mesos/resources.js';
import type { AgentModel, ExecutorRecord } from './agent-model.js';
import type { ContainerUsage, Containerizer } from './containerizer/containerizer.js';

/** Mesos `ResourceStatistics` as JSON: seconds, bytes, cpus. */
export interface ResourceStatisticsJson {
  /** Seconds since the epoch when sampled. */
  timestamp: number;
  cpus_limit?: number;
  mem_limit_bytes?: number;
  cpus_user_time_secs?: number;
  cpus_system_time_secs?: number;
  mem_rss_bytes?: number;
  processes?: number;
}

/** One executor's sample, with the model facts every view needs. */
export interface ExecutorSample {
  executor: ExecutorRecord;
  statistics: ResourceStatisticsJson;
}

/** Mesos `ResourceStatistics` for one usage reading (pure). */
export function renderStatistics(executor: ExecutorRecord, usage: ContainerUsage, nowSecs: number): ResourceStatisticsJson {
  const out: ResourceStatisticsJson = { timestamp: nowSecs };
  const cpus = scalarOf(executor.resources, 'cpus');
  const memMB = scalarOf(executor.resources, 'mem');
  if (cpus > 0) out.cpus_limit = cpus;
  if (memMB > 0) out.mem_limit_bytes = Math.round(memMB * 1024 * 1024);
  const user = usage.cpusUserTimeSecs ?? usage.cpuTimeSecs;
  if (user !== undefined) out.cpus_user_time_secs = user;
  if (user !== undefined) out.cpus_system_time_secs = usage.cpusSystemTimeSecs ?? 0;
  if (usage.memRssBytes !== undefined) out.mem_rss_bytes = usage.memRssBytes;
  if (usage.processes !== undefined) out.processes = usage.processes;
  return out;
}

/**
 * Samples every executor that is not TERMINATED, in framework then executor
 * order. `nowSecs` is the sample time (seconds since the epoch).
 */
export async function sampleExecutors(model: AgentModel, containerizer: Pick<Containerizer, 'usage'>, nowSecs: number): Promise<ExecutorSample[]> {
  const executors: ExecutorRecord[] = [];
  for (const framework of model.frameworks.values()) {
    for (const executor of framework.executors.values()) {
      if (executor.state !== 'TERMINATED' && executor.containerId) executors.push(executor);
    }
  }
  const usages = await Promise.all(executors.map((e) => containerizer.usage(e.containerId).catch(() => undefined)));
  const out: ExecutorSample[] = [];
  executors.forEach((executor, i) => {
    const usage = usages[i];
    if (usage !== undefined) out.push({ executor, statistics: renderStatistics(executor, usage, nowSecs) });
  });
  return out;
}

function identity(executor: ExecutorRecord): Record<string, string> {
  return {
    framework_id: executor.frameworkId,
    executor_id: executor.info.executor_id.value,
    executor_name: executor.info.name ?? '',
    source: executor.info.source ?? '',
  };
}

/** `/monitor/statistics` entries: `{framework_id, executor_id, executor_name, source, statistics}`. */
export function monitorStatisticsJson(samples: ExecutorSample[]): Array<Record<string, unknown>> {
  return samples.map(({ executor, statistics }) => ({ ...identity(executor), statistics }));
}

function containerStatus(executor: ExecutorRecord): Record<string, unknown> {
  const status: Record<string, unknown> = { container_id: { value: executor.containerId } };
  if (executor.pid !== undefined) status['executor_pid'] = executor.pid;
  return status;
}

/** Classic `/containers` entries: identity, `container_id`, `status` (ContainerStatus) and `statistics`. */
export function containersJson(samples: ExecutorSample[]): Array<Record<string, unknown>> {
  return samples.map(({ executor, statistics }) => ({
    ...identity(executor),
    container_id: executor.containerId,
    status: containerStatus(executor),
    statistics,
  }));
}

/** v1 GET_CONTAINERS entries: `{framework_id, executor_id, executor_name, container_id, container_status, resource_statistics}`. */
export function getContainersJson(samples: ExecutorSample[]): Array<Record<string, unknown>> {
  return samples.map(({ executor, statistics }) => ({
    framework_id: { value: executor.frameworkId },
    executor_id: executor.info.executor_id,
    executor_name: executor.info.name ?? '',
    container_id: { value: executor.containerId },
    container_status: containerStatus(executor),
    resource_statistics: statistics,
  }));
}

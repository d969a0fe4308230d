/**
 * Job JSON out, in `JobSerializer`'s field order (clients that diff job JSON,
 * like `chronos-sync.rb`, see the same text). Pure.
 */
import type { ChronosJob, JobContainer } from './job.js';

function containerJson(c: JobContainer): Record<string, unknown> {
  return {
    type: c.type,
    image: c.image,
    network: c.network,
    ...(c.networkName !== undefined ? { networkName: c.networkName } : {}),
    networkInfos: c.networkInfos.map((n) => ({
      name: n.name,
      ...(n.protocol ? { protocol: n.protocol } : {}),
      labels: n.labels,
      portMappings: n.portMappings,
    })),
    volumes: c.volumes.map((v) => ({
      ...(v.hostPath !== undefined ? { hostPath: v.hostPath } : {}),
      containerPath: v.containerPath,
      ...(v.mode ? { mode: v.mode } : {}),
      ...(v.external ? { external: v.external } : {}),
    })),
    forcePullImage: c.forcePullImage,
    parameters: c.parameters,
  };
}

/** The job as Chronos prints it: every field, then `parents` or `schedule` + `scheduleTimeZone`. */
export function jobJson(job: ChronosJob): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: job.name,
    command: job.command,
    shell: job.shell,
    executor: job.executor,
    executorFlags: job.executorFlags,
    taskInfoData: job.taskInfoData,
    retries: job.retries,
    owner: job.owner,
    ownerName: job.ownerName,
    description: job.description,
    successCount: job.successCount,
    errorCount: job.errorCount,
    lastSuccess: job.lastSuccess,
    lastError: job.lastError,
    cpus: job.cpus,
    disk: job.disk,
    mem: job.mem,
    disabled: job.disabled,
    softError: job.softError,
    dataProcessingJobType: job.dataProcessingJobType,
    errorsSinceLastSuccess: job.errorsSinceLastSuccess,
    fetch: job.fetch,
    uris: job.uris,
    environmentVariables: job.environmentVariables,
    arguments: job.arguments,
    highPriority: job.highPriority,
    runAsUser: job.runAsUser,
    concurrent: job.concurrent,
    maxCompletionTime: job.maxCompletionTime,
  };
  if (job.container) out['container'] = containerJson(job.container);
  out['constraints'] = job.constraints;
  if (job.parents !== undefined) {
    out['parents'] = job.parents;
  } else {
    out['schedule'] = job.schedule ?? '';
    out['scheduleTimeZone'] = job.scheduleTimeZone ?? '';
  }
  return out;
}

/**
 * The `GET /jobs` form: `fetch` and `uris` cross-filled (each derived from the
 * other when empty), for clients of either generation — only in this listing.
 */
export function listedJobJson(job: ChronosJob): Record<string, unknown> {
  const filled: ChronosJob =
    job.fetch.length === 0
      ? { ...job, fetch: job.uris.map((uri) => ({ uri, executable: false, cache: false, extract: true })) }
      : { ...job, uris: job.fetch.map((f) => f.uri) };
  return jobJson(filled);
}

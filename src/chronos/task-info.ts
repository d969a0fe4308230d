/**
 * The Mesos TaskInfo of one Chronos task (`MesosTaskBuilder.scala`). Pure.
 *
 * - name `ChronosTask:<job>`, id `ct:<due>:<attempt>:<job>:<args>`;
 * - the command: `command` plus the id's arguments (space-separated), run by
 *   `/bin/sh -c` when `shell` (default), else as the executable with
 *   `arguments` as CommandInfo.arguments; a command starting with `http`/`ftp`
 *   is fetched as an executable and run from the sandbox;
 * - environment: `mesos_task_id`, `MESOS_TASK_ID`, `CHRONOS_JOB_OWNER`,
 *   `CHRONOS_JOB_NAME`, `HOST`, `CHRONOS_RESOURCE_{MEM,CPU,DISK}`,
 *   `CHRONOS_JOB_RUN_TIME` (due, epoch ms), `CHRONOS_JOB_RUN_ATTEMPT`, then the
 *   job's `environmentVariables` unless they clash (built-ins win);
 * - `container` → ContainerInfo DOCKER (DockerInfo image/network/parameters/
 *   force_pull_image) or MESOS (a Docker image for the Mesos containerizer);
 * - `executor` non-empty → a custom executor `executor_id = <job>` whose data
 *   is `taskInfoData` or `<executorFlags>|<command>`.
 */
import type { CommandInfo, CommandURI, ContainerInfo, ExecutorInfo, NetworkInfo, Offer, Resource, TaskInfo, Volume } from '../mesos/types.js';
import type { ChronosJob, JobContainer } from './job.js';
import { javaDouble } from './constraints.js';
import { parseTaskId, taskName } from './task-id.js';

/** The job's resources as unreserved scalars (cpus cores, mem MB, disk MB). */
export function jobResources(job: ChronosJob): Resource[] {
  return [
    { name: 'cpus', type: 'SCALAR', scalar: { value: job.cpus } },
    { name: 'mem', type: 'SCALAR', scalar: { value: job.mem } },
    { name: 'disk', type: 'SCALAR', scalar: { value: job.disk } },
  ];
}

/** The task environment, built-ins first; job variables clashing with them are dropped. */
export function taskEnvironment(taskId: string, job: ChronosJob, hostname: string): Array<{ name: string; value: string }> {
  const parsed = parseTaskId(taskId);
  const env = new Map<string, string>([
    ['mesos_task_id', taskId],
    ['MESOS_TASK_ID', taskId],
    ['CHRONOS_JOB_OWNER', job.owner],
    ['CHRONOS_JOB_NAME', job.name],
    ['HOST', hostname],
    ['CHRONOS_RESOURCE_MEM', javaDouble(job.mem)],
    ['CHRONOS_RESOURCE_CPU', javaDouble(job.cpus)],
    ['CHRONOS_RESOURCE_DISK', javaDouble(job.disk)],
    ['CHRONOS_JOB_RUN_TIME', String(parsed?.dueMs ?? 0)],
    ['CHRONOS_JOB_RUN_ATTEMPT', String(parsed?.attempt ?? 0)],
  ]);
  for (const v of job.environmentVariables) if (!env.has(v.name)) env.set(v.name, v.value);
  return [...env].map(([name, value]) => ({ name, value }));
}

function fetchUris(job: ChronosJob): CommandURI[] {
  const entries = [...job.fetch, ...job.uris.map((uri) => ({ uri, executable: false, cache: false, extract: true, output_file: undefined }))];
  return entries.map((f) => ({
    value: f.uri,
    extract: f.extract,
    executable: f.executable,
    cache: f.cache,
    ...(f.output_file ? { output_file: f.output_file } : {}),
  }));
}

/** Volume with Mesos's `source` (external Docker volumes); our shared Volume type lacks it. */
type VolumeWithSource = Volume & {
  source?: { type: 'DOCKER_VOLUME'; docker_volume: { driver: string; name: string; driver_options?: { parameter: Array<{ key: string; value: string }> } } };
};

/** ContainerInfo for a job's `container`, as Chronos builds it. */
export function containerInfo(c: JobContainer): ContainerInfo {
  const volumes: VolumeWithSource[] = c.volumes.map((v) => {
    // Mesos requires a mode; Chronos passes the user's, we default to RW when absent.
    const volume: VolumeWithSource = { container_path: v.containerPath, mode: v.mode ?? 'RW' };
    if (v.hostPath !== undefined) volume.host_path = v.hostPath;
    if (v.external) {
      volume.source = {
        type: 'DOCKER_VOLUME',
        docker_volume: { driver: v.external.provider, name: v.external.name, driver_options: { parameter: v.external.options } },
      };
    }
    return volume;
  });
  const networks: Array<NetworkInfo & { labels?: { labels: Array<{ key: string; value: string }> } }> = [];
  if (c.networkName !== undefined) networks.push({ name: c.networkName });
  for (const n of c.networkInfos) networks.push({ name: n.name, labels: { labels: n.labels } });
  const info: ContainerInfo = { type: c.type };
  if (c.type === 'DOCKER') {
    info.docker = { image: c.image, network: c.network, force_pull_image: c.forcePullImage, parameters: c.parameters };
  } else {
    const mesos: { image: { type: 'DOCKER'; docker: { name: string }; cached: boolean } } = {
      image: { type: 'DOCKER', docker: { name: c.image }, cached: !c.forcePullImage },
    };
    info.mesos = mesos;
  }
  if (volumes.length > 0) info.volumes = volumes;
  if (networks.length > 0) info.network_infos = networks;
  return info;
}

/**
 * Builds the TaskInfo of task `taskId` of `job` on `offer`, using `resources`
 * (the pieces carved out of the offer). Never throws for a valid job.
 */
export function buildTaskInfo(taskId: string, job: ChronosJob, offer: Offer, resources: Resource[]): TaskInfo {
  const variables = taskEnvironment(taskId, job, offer.hostname).map((v) => ({ name: v.name, type: 'VALUE' as const, value: v.value }));
  const environment = { variables };
  const uris = fetchUris(job);
  const task: TaskInfo = { name: taskName(job.name), task_id: { value: taskId }, agent_id: offer.agent_id, resources };
  if (job.executor !== '') {
    const command: CommandInfo = { value: job.executor, environment, ...(uris.length > 0 ? { uris } : {}) };
    if (job.runAsUser !== '') command.user = job.runAsUser;
    const executor: ExecutorInfo = { executor_id: { value: job.name }, command };
    if (job.container) executor.container = containerInfo(job.container);
    task.executor = executor;
    const data = job.taskInfoData !== '' ? job.taskInfoData : `${job.executorFlags}|${job.command}`;
    task.data = Buffer.from(data, 'utf8').toString('base64');
  } else {
    const args = parseTaskId(taskId)?.arguments ?? '';
    const text = args !== '' ? `${job.command} ${args}` : job.command;
    let command: CommandInfo;
    if (text.startsWith('http') || text.startsWith('ftp')) {
      command = { uris: [{ value: text, executable: true }], value: `"./${text.slice(text.lastIndexOf('/') + 1)}"`, environment };
    } else {
      // An empty repeated field is an absent one in protobuf.
      command = { shell: job.shell, environment };
      if (job.arguments.length > 0) command.arguments = [...job.arguments];
      if (uris.length > 0) command.uris = uris;
      if (text !== '') command.value = text;
    }
    if (job.runAsUser !== '') command.user = job.runAsUser;
    task.command = command;
    if (job.container) task.container = containerInfo(job.container);
  }
  if (job.maxCompletionTime > 0) task.max_completion_time = { nanoseconds: job.maxCompletionTime * 1e9 };
  return task;
}

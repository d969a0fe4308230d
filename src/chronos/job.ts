/**
 * A Chronos job: the JSON shape Chronos stores and serves (`JobSerializer`),
 * used as is for our stored state, REST output and the planner's input.
 * A job is *scheduled* (has `schedule`) or *dependent* (has `parents`).
 */

/** One Mesos fetcher entry (`fetch[]`; note the snake_case `output_file`). */
export interface FetchEntry {
  uri: string;
  executable: boolean;
  cache: boolean;
  extract: boolean;
  output_file?: string;
}

/** `environmentVariables[]` item. */
export interface JobEnvVar {
  name: string;
  value: string;
}

/** A `{key, value}` pair (docker parameters, labels, external volume options). */
export interface KeyValue {
  key: string;
  value: string;
}

/** `container.volumes[]` item. */
export interface JobVolume {
  hostPath?: string;
  containerPath: string;
  mode?: 'RW' | 'RO';
  external?: { name: string; provider: string; options: KeyValue[] };
}

/** `container.networkInfos[]` item (ports as strings, as Chronos prints them). */
export interface JobNetwork {
  name: string;
  protocol?: 'IPv4' | 'IPv6';
  labels: KeyValue[];
  portMappings: Array<{ hostPort: string; containerPort: string; protocol?: string }>;
}

/** `container` (Chronos 3.x: Docker or Mesos containerizer with a Docker image). */
export interface JobContainer {
  type: 'DOCKER' | 'MESOS';
  image: string;
  network: 'HOST' | 'BRIDGE' | 'USER';
  networkName?: string;
  networkInfos: JobNetwork[];
  volumes: JobVolume[];
  forcePullImage: boolean;
  parameters: KeyValue[];
}

/** Constraint operators Chronos knows; entries with others are dropped on input. */
export type ConstraintOperator = 'EQUALS' | 'LIKE' | 'UNLIKE';

/** `[attribute, operator, value]`. */
export type JobConstraint = [attribute: string, operator: ConstraintOperator, value: string];

/**
 * A job with every field Chronos emits. Resources in Mesos units: `cpus`
 * (cores), `mem` and `disk` (MB), always the effective values (flag defaults
 * substituted for 0). `lastSuccess`/`lastError` are ISO-8601 UTC with millis
 * or `""`. `maxCompletionTime` in seconds (0 = off).
 */
export interface ChronosJob {
  name: string;
  command: string;
  shell: boolean;
  executor: string;
  executorFlags: string;
  taskInfoData: string;
  retries: number;
  owner: string;
  ownerName: string;
  description: string;
  successCount: number;
  errorCount: number;
  lastSuccess: string;
  lastError: string;
  cpus: number;
  disk: number;
  mem: number;
  disabled: boolean;
  softError: boolean;
  dataProcessingJobType: boolean;
  errorsSinceLastSuccess: number;
  fetch: FetchEntry[];
  uris: string[];
  environmentVariables: JobEnvVar[];
  arguments: string[];
  highPriority: boolean;
  runAsUser: string;
  concurrent: boolean;
  maxCompletionTime: number;
  container?: JobContainer;
  constraints: JobConstraint[];
  /** Dependent jobs only. */
  parents?: string[];
  /** Scheduled jobs only: `R[n]/<start>/<period>`. */
  schedule?: string;
  /** Scheduled jobs only; `""` = the start's own offset. */
  scheduleTimeZone?: string;
}

/** Defaults taken from the command line (`--mesos_task_cpu`, … `--user`). */
export interface JobDefaults {
  /** cores; Chronos default 0.1 */
  cpus: number;
  /** MB; Chronos default 128 */
  mem: number;
  /** MB; Chronos default 256 */
  disk: number;
  /** default `runAsUser`; Chronos default `root` */
  user: string;
}

/** Chronos's own defaults for `JobDefaults`. */
export const CHRONOS_JOB_DEFAULTS: JobDefaults = { cpus: 0.1, mem: 128, disk: 256, user: 'root' };

/** Chronos's job-name rule (`JobUtils.jobNamePattern`), as printed in its error message. */
export const JOB_NAME_PATTERN_TEXT = '([\\w\\.-]+)';
const JOB_NAME = /^[\w.-]+$/;

/** True when `name` fully matches `[\w.-]+`. */
export function isValidJobName(name: string): boolean {
  return JOB_NAME.test(name);
}

/** True for a dependent job (has `parents`), which Chronos checks before `schedule`. */
export function isDependent(job: ChronosJob): boolean {
  return job.parents !== undefined;
}

/** `fresh` (never ran), `success` or `failure` — whichever of lastSuccess/lastError is later (`Exporter.getLastState`). */
export function lastState(job: ChronosJob): 'fresh' | 'success' | 'failure' {
  if (job.lastSuccess === '' && job.lastError === '') return 'fresh';
  if (job.lastSuccess === '') return 'failure';
  if (job.lastError === '') return 'success';
  return Date.parse(job.lastSuccess) > Date.parse(job.lastError) ? 'success' : 'failure';
}

/** Epoch ms → Chronos's timestamp text (`2014-03-08T16:57:17.507Z`). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The Chronos JSON the UI reads (`/v1/scheduler/jobs`, `/jobs/summary`,
 * `/job/stat/{name}`, Meseta's `/master`). Loose on purpose: the UI shows what
 * is there and sends back what it did not touch.
 */

/** A job as `GET /v1/scheduler/jobs` lists it (plus any field we do not name). */
export interface ChronosJob {
  name: string;
  command?: string;
  description?: string;
  owner?: string;
  ownerName?: string;
  schedule?: string;
  scheduleTimeZone?: string;
  parents?: string[];
  disabled?: boolean;
  successCount?: number;
  errorCount?: number;
  errorsSinceLastSuccess?: number;
  lastSuccess?: string;
  lastError?: string;
  cpus?: number;
  mem?: number;
  disk?: number;
  retries?: number;
  shell?: boolean;
  concurrent?: boolean;
  softError?: boolean;
  highPriority?: boolean;
  runAsUser?: string;
  arguments?: string[];
  environmentVariables?: Array<{ name: string; value: string }>;
  constraints?: string[][];
  container?: { type?: string; image?: string; [key: string]: unknown };
  executor?: string;
  [key: string]: unknown;
}

/** One `jobs/summary` row. `state`: idle, queued, running or `<n> running`. */
export interface JobSummary {
  name: string;
  status: 'fresh' | 'success' | 'failure';
  state: string;
  schedule: string;
  parents: string[];
  disabled: boolean;
}

/** One `taskStatHistory` item: Chronos's fields, then Meseta's (hostname … endedAt). */
export interface TaskStat {
  taskId: string;
  jobName: string;
  slaveId: string;
  startTime: string;
  endTime: string;
  duration?: string;
  status: 'Running' | 'Success' | 'Fail' | 'Idle';
  hostname?: string;
  frameworkId?: string;
  executorId?: string;
  taskState?: string;
  startedAt?: string;
  endedAt?: string;
}

/** `GET /v1/scheduler/job/stat/{name}`. Histogram values in ms. */
export interface JobStat {
  histogram: Record<string, number>;
  taskStatHistory: TaskStat[];
}

/** Meseta's `GET /v1/scheduler/master`: the master Chronos follows now. */
export interface MasterLink {
  master: string | null;
  frameworkId: string | null;
}

/** Chronos's error body (ApiResult). */
export interface ApiResult {
  message?: string;
  status?: string;
}

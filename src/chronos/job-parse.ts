/**
 * Reading job JSON as Chronos's lenient `JobDeserializer` does, then the
 * checks its REST resources make. Pure: `now` is an argument.
 *
 * Leniency kept: numbers given as strings (`"cpus": "0.5"`), unknown fields
 * ignored, `0` resources replaced by the flag defaults, constraints with
 * unknown operators dropped, `container` ignored unless it has `image`.
 * Counters (`successCount`, …, `lastError`) are taken from the request, so an
 * update that omits them resets them — as upstream.
 */
import type {
  ChronosJob,
  FetchEntry,
  JobConstraint,
  JobContainer,
  JobDefaults,
  JobEnvVar,
  JobNetwork,
  JobVolume,
  KeyValue,
} from './job.js';
import { JOB_NAME_PATTERN_TEXT, isValidJobName, formatTimestamp } from './job.js';
import { badRequest, requirementFailed, serverError } from './errors.js';
import { EARLIEST_START_MS, formatStart, parseSchedule } from './schedule/iso8601.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(node: Json, key: string): boolean {
  return node[key] !== undefined && node[key] !== null;
}

/** Jackson's `asText`: strings as is, numbers/booleans printed, else "". */
function text(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fallback;
}

/** Jackson's `asBoolean`: true, "true" (any case), non-zero numbers. */
function bool(v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
  return false;
}

/** Jackson's `asDouble`/`asLong`: numbers, numeric strings; anything else 0. */
function num(v: unknown, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return Number.isFinite(v) ? v : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return v.trim() !== '' && Number.isFinite(n) ? n : 0;
  }
  return 0;
}

function int(v: unknown, fallback: number): number {
  return Math.trunc(num(v, fallback));
}

function array(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function keyValues(v: unknown): KeyValue[] {
  return array(v)
    .filter(isObject)
    .map((o) => ({ key: text(o['key']), value: text(o['value']) }));
}

function parseFetch(v: unknown): FetchEntry[] {
  return array(v)
    .filter(isObject)
    .map((o) => {
      const entry: FetchEntry = {
        uri: text(o['uri']),
        executable: bool(o['executable'], false),
        cache: bool(o['cache'], false),
        extract: bool(o['extract'], true),
      };
      const out = text(o['output_file']);
      if (out !== '') entry.output_file = out;
      return entry;
    });
}

function parseEnv(v: unknown): JobEnvVar[] {
  return array(v)
    .filter(isObject)
    .map((o) => ({ name: text(o['name']), value: text(o['value']) }));
}

const OPERATORS = new Set(['EQUALS', 'LIKE', 'UNLIKE']);

function parseConstraints(v: unknown): JobConstraint[] {
  const out: JobConstraint[] = [];
  for (const c of array(v)) {
    if (!Array.isArray(c)) continue;
    const op = text(c[1]);
    if (!OPERATORS.has(op)) continue;
    out.push([text(c[0]), op as JobConstraint[1], text(c[2])]);
  }
  return out;
}

function enumOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw badRequest(`No value found for ${what} '${value}'`);
  return found;
}

function parseVolume(o: Json): JobVolume {
  if (!has(o, 'containerPath')) throw badRequest("Volume without 'containerPath'");
  const volume: JobVolume = { containerPath: text(o['containerPath']) };
  if (has(o, 'hostPath')) volume.hostPath = text(o['hostPath']);
  if (has(o, 'mode')) volume.mode = enumOf(text(o['mode']).toUpperCase(), ['RW', 'RO'] as const, 'volume mode');
  const ext = o['external'];
  if (isObject(ext)) {
    volume.external = { name: text(ext['name']), provider: text(ext['provider']), options: keyValues(ext['options']) };
  }
  return volume;
}

function parseNetwork(o: Json): JobNetwork {
  const network: JobNetwork = {
    name: text(o['name']),
    labels: keyValues(o['labels']),
    portMappings: array(o['portMappings'])
      .filter(isObject)
      .map((pm) => ({
        hostPort: String(int(pm['hostPort'], 0)),
        containerPort: String(int(pm['containerPort'], 0)),
        ...(has(pm, 'protocol') ? { protocol: text(pm['protocol']) } : {}),
      })),
  };
  if (has(o, 'protocol')) network.protocol = enumOf(text(o['protocol']), ['IPv4', 'IPv6'] as const, 'protocol');
  return network;
}

function parseContainer(v: unknown): JobContainer | undefined {
  if (!isObject(v) || !has(v, 'image')) return undefined;
  const container: JobContainer = {
    type: has(v, 'type') ? enumOf(text(v['type']).toUpperCase(), ['DOCKER', 'MESOS'] as const, 'container type') : 'DOCKER',
    image: text(v['image']),
    network: has(v, 'network') ? enumOf(text(v['network']), ['HOST', 'BRIDGE', 'USER'] as const, 'network mode') : 'HOST',
    networkInfos: array(v['networkInfos']).filter(isObject).map(parseNetwork),
    volumes: array(v['volumes']).filter(isObject).map(parseVolume),
    // Upstream reads this with `asText.toBoolean`, so only true/"true" count.
    forcePullImage: text(v['forcePullImage']).toLowerCase() === 'true',
    parameters: keyValues(v['parameters']),
  };
  if (has(v, 'networkName')) container.networkName = text(v['networkName']);
  return container;
}

/** A resource value: 0 or missing → the flag default (stored as such). */
function resource(v: unknown, fallback: number): number {
  const n = num(v, 0);
  return n !== 0 ? n : fallback;
}

/**
 * Reads every field except `parents`/`schedule`. Throws ChronosApiError(400)
 * when the body is not an object, `name` is missing, or an enum value
 * (container type, network, volume mode) is unknown.
 */
export function readJobFields(body: unknown, defaults: JobDefaults): ChronosJob {
  if (!isObject(body)) throw badRequest('Job JSON must be an object');
  if (!has(body, 'name')) throw badRequest("Job JSON lacks the required field 'name'");
  const job: ChronosJob = {
    name: text(body['name']),
    command: text(body['command']),
    shell: bool(body['shell'], true),
    executor: text(body['executor']),
    executorFlags: text(body['executorFlags']),
    taskInfoData: text(body['taskInfoData']),
    retries: int(body['retries'], 2),
    owner: text(body['owner']),
    ownerName: text(body['ownerName']),
    description: text(body['description']),
    successCount: int(body['successCount'], 0),
    errorCount: int(body['errorCount'], 0),
    lastSuccess: text(body['lastSuccess']),
    lastError: text(body['lastError']),
    cpus: resource(body['cpus'], defaults.cpus),
    disk: resource(body['disk'], defaults.disk),
    mem: resource(body['mem'], defaults.mem),
    disabled: bool(body['disabled'], false),
    softError: bool(body['softError'], false),
    dataProcessingJobType: bool(body['dataProcessingJobType'], false),
    errorsSinceLastSuccess: int(body['errorsSinceLastSuccess'], 0),
    fetch: parseFetch(body['fetch']),
    uris: array(body['uris']).map((u) => text(u)),
    environmentVariables: parseEnv(body['environmentVariables']),
    arguments: array(body['arguments']).map((a) => text(a)),
    highPriority: bool(body['highPriority'], false),
    runAsUser: has(body, 'runAsUser') ? text(body['runAsUser']) : defaults.user,
    concurrent: bool(body['concurrent'], false),
    maxCompletionTime: int(body['maxCompletionTime'], 0),
    constraints: parseConstraints(body['constraints']),
  };
  const container = parseContainer(body['container']);
  if (container) job.container = container;
  return job;
}

/** Checks shared by both submission endpoints for a job not yet known. */
function checkNewJob(job: ChronosJob): void {
  if (!isValidJobName(job.name)) {
    throw requirementFailed(`the job's name is invalid. Allowed names: '${JOB_NAME_PATTERN_TEXT}'`);
  }
}

/**
 * A scheduled job from a `POST /iso8601` body (`Iso8601JobResource`). No
 * `schedule` means "once, now" (`R1/<now>/PT24H`). `isNew` adds the checks
 * Chronos makes only on creation (name, start after 1970, uris vs fetch).
 * Throws ChronosApiError(400) with Chronos's messages.
 */
export function parseScheduledJob(body: unknown, defaults: JobDefaults, nowMs: number, isNew: boolean): ChronosJob {
  const job = readJobFields(body, defaults);
  const fields = body as Json;
  job.scheduleTimeZone = text(fields['scheduleTimeZone']);
  job.schedule = has(fields, 'schedule') ? text(fields['schedule']) : `R1/${formatStart(nowMs, 'UTC')}/PT24H`;
  if (isNew) checkNewJob(job);
  const parsed = parseSchedule(job.schedule, job.scheduleTimeZone, nowMs);
  if (!parsed) throw badRequest(`Cannot parse schedule '${job.schedule}' (wtf bro)`);
  if (isNew) {
    if (parsed.startMs < EARLIEST_START_MS) {
      throw badRequest(`Scheduled start date '${formatStart(parsed.startMs, parsed.zone)}' is before 1970!`);
    }
    if (job.uris.length > 0 && job.fetch.length > 0) {
      throw badRequest(`Tried to add both uri (deprecated) and fetch parameters on ${job.name}`);
    }
  }
  return job;
}

/**
 * A dependent job from a `POST /dependency` body (`DependentJobResource`).
 * Empty or missing `parents`: 500 `Error, parent does not exist` for a new
 * job, 400 for an update (as upstream). Parent existence is not checked here.
 */
export function parseDependentJob(body: unknown, defaults: JobDefaults, isNew: boolean): ChronosJob {
  const job = readJobFields(body, defaults);
  const fields = body as Json;
  const parents = [...new Set(array(fields['parents']).map((p) => text(p)))];
  job.parents = parents;
  if (isNew) {
    checkNewJob(job);
    if (parents.length === 0) throw serverError('Error, parent does not exist');
  } else if (parents.length === 0) {
    throw requirementFailed('Error, parent does not exist');
  }
  return job;
}

/** Sets the success counters as Chronos does after a finished (or marked) run. */
export function withSuccess(job: ChronosJob, nowMs: number): ChronosJob {
  return { ...job, successCount: job.successCount + 1, errorsSinceLastSuccess: 0, lastSuccess: formatTimestamp(nowMs) };
}

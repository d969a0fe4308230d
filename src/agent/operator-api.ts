/**
 * The agent's v1 operator API (`POST /slave(1)/api/v1`, Mesos
 * `Slave::Http::api` and `validation::agent::call::validate`), JSON only:
 *
 *   GET_HEALTH GET_FLAGS GET_VERSION GET_METRICS GET_LOGGING_LEVEL
 *   SET_LOGGING_LEVEL LIST_FILES READ_FILE GET_STATE GET_CONTAINERS
 *   GET_FRAMEWORKS GET_EXECUTORS GET_TASKS GET_AGENT     → 200 {type, <field>}
 *   SET_LOGGING_LEVEL                                     → 200, empty body
 *   UNKNOWN, other Mesos calls (nested containers, …)     → 501
 *   missing or unknown `type`, missing nested message     → 400 "Failed to validate agent::Call: …"
 *   not POST 405, no Content-Type 400, not JSON 415, Accept without JSON 406
 *
 * `parseOperatorRequest` is pure; `handleOperatorCall` asks the host.
 */
import type { AgentInfo } from '../mesos/types.js';
import type { FilesService } from '../files/files-service.js';
import { FilesError } from '../files/files-error.js';
import { v1FileInfo } from '../files/file-info.js';
import type { AgentModel } from './agent-model.js';
import type { Rejection } from './executor-api.js';
import { getExecutorsJson, getFrameworksJson, getStateJson, getTasksJson } from './v1-state.js';
import type { Verbosity } from './verbosity.js';

/** Calls Meseta answers. */
export const OPERATOR_CALLS = [
  'GET_HEALTH', 'GET_FLAGS', 'GET_VERSION', 'GET_METRICS', 'GET_LOGGING_LEVEL', 'SET_LOGGING_LEVEL',
  'LIST_FILES', 'READ_FILE', 'GET_STATE', 'GET_CONTAINERS', 'GET_FRAMEWORKS', 'GET_EXECUTORS', 'GET_TASKS', 'GET_AGENT',
] as const;
export type OperatorCallType = (typeof OPERATOR_CALLS)[number];

/** Mesos agent calls Meseta knows of but does not implement: 501. */
const NOT_IMPLEMENTED = new Set([
  'UNKNOWN', 'GET_RESOURCE_PROVIDERS', 'GET_OPERATIONS', 'LAUNCH_NESTED_CONTAINER', 'WAIT_NESTED_CONTAINER',
  'KILL_NESTED_CONTAINER', 'REMOVE_NESTED_CONTAINER', 'LAUNCH_NESTED_CONTAINER_SESSION', 'ATTACH_CONTAINER_INPUT',
  'ATTACH_CONTAINER_OUTPUT', 'LAUNCH_CONTAINER', 'WAIT_CONTAINER', 'KILL_CONTAINER', 'REMOVE_CONTAINER',
  'ADD_RESOURCE_PROVIDER_CONFIG', 'UPDATE_RESOURCE_PROVIDER_CONFIG', 'REMOVE_RESOURCE_PROVIDER_CONFIG',
  'MARK_RESOURCE_PROVIDER_GONE', 'PRUNE_IMAGES',
]);

/** A validated call. Numbers are already checked; durations in ms. */
export type OperatorCall =
  | { type: Exclude<OperatorCallType, 'SET_LOGGING_LEVEL' | 'LIST_FILES' | 'READ_FILE' | 'GET_CONTAINERS'> }
  | { type: 'GET_CONTAINERS'; showNested: boolean; showStandalone: boolean }
  | { type: 'SET_LOGGING_LEVEL'; level: number; durationMs: number }
  | { type: 'LIST_FILES'; path: string }
  | { type: 'READ_FILE'; path: string; offset: number; length?: number };

/** The HTTP request parts the checks look at. */
export interface OperatorRequest {
  method: string;
  contentType?: string;
  accept?: string;
  body: string;
}

function reject(status: number, message: string, headers?: Record<string, string>): Rejection {
  return headers ? { kind: 'reject', status, message, headers } : { kind: 'reject', status, message };
}

function acceptsJson(accept: string): boolean {
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === 'application/json' || type === '*/*' || type === 'application/*');
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A uint64 field given as a number or a numeric string (v1 JSON accepts both), as a safe integer. */
function uint(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Validates the body of a call; returns the call or the text after "Failed to validate agent::Call: ". */
export function validateOperatorCall(body: unknown): { call: OperatorCall } | { problem: string; status: number } {
  if (!isObject(body)) return { problem: 'Expecting a JSON object', status: 400 };
  const type = body['type'];
  if (type === undefined || type === null) return { problem: "Expecting 'type' to be present", status: 400 };
  if (typeof type !== 'string') return { problem: "Expecting 'type' to be a string", status: 400 };
  if (NOT_IMPLEMENTED.has(type)) return { problem: type, status: 501 };
  if (!(OPERATOR_CALLS as readonly string[]).includes(type)) return { problem: `Unknown call type '${type}'`, status: 400 };
  const nested = (field: string): Obj | string => (isObject(body[field]) ? (body[field] as Obj) : `Expecting '${field}' to be present`);
  switch (type as OperatorCallType) {
    case 'GET_METRICS': {
      const m = nested('get_metrics');
      return typeof m === 'string' ? { problem: m, status: 400 } : { call: { type: 'GET_METRICS' } };
    }
    case 'SET_LOGGING_LEVEL': {
      const s = nested('set_logging_level');
      if (typeof s === 'string') return { problem: s, status: 400 };
      const level = uint(s['level']);
      if (level === undefined) return { problem: "Expecting 'set_logging_level.level' to be a non-negative integer", status: 400 };
      const duration = s['duration'];
      const ns = isObject(duration) ? Number(duration['nanoseconds']) : NaN;
      if (!Number.isFinite(ns) || ns < 0) return { problem: "Expecting 'set_logging_level.duration.nanoseconds' to be present", status: 400 };
      return { call: { type: 'SET_LOGGING_LEVEL', level, durationMs: ns / 1e6 } };
    }
    case 'LIST_FILES': {
      const l = nested('list_files');
      if (typeof l === 'string') return { problem: l, status: 400 };
      if (typeof l['path'] !== 'string') return { problem: "Expecting 'list_files.path' to be present", status: 400 };
      return { call: { type: 'LIST_FILES', path: l['path'] } };
    }
    case 'READ_FILE': {
      const r = nested('read_file');
      if (typeof r === 'string') return { problem: r, status: 400 };
      if (typeof r['path'] !== 'string') return { problem: "Expecting 'read_file.path' to be present", status: 400 };
      const offset = uint(r['offset']);
      if (offset === undefined) return { problem: "Expecting 'read_file.offset' to be a non-negative integer", status: 400 };
      if (r['length'] === undefined || r['length'] === null) return { call: { type: 'READ_FILE', path: r['path'], offset } };
      const length = uint(r['length']);
      if (length === undefined) return { problem: "Expecting 'read_file.length' to be a non-negative integer", status: 400 };
      return { call: { type: 'READ_FILE', path: r['path'], offset, length } };
    }
    case 'GET_CONTAINERS': {
      const g = isObject(body['get_containers']) ? (body['get_containers'] as Obj) : {};
      return { call: { type: 'GET_CONTAINERS', showNested: g['show_nested'] === true, showStandalone: g['show_standalone'] === true } };
    }
    default:
      return { call: { type: type as Exclude<OperatorCallType, 'SET_LOGGING_LEVEL' | 'LIST_FILES' | 'READ_FILE' | 'GET_CONTAINERS' | 'GET_METRICS'> } };
  }
}

/**
 * HTTP-level checks, then call validation (pure). Content type is compared
 * without parameters; protobuf and RecordIO bodies get 415 (JSON only).
 */
export function parseOperatorRequest(request: OperatorRequest): Rejection | { kind: 'call'; call: OperatorCall } {
  if (request.method !== 'POST') return reject(405, `Expecting one of { 'POST' }, but received '${request.method}'`, { Allow: 'POST' });
  if (!request.contentType) return reject(400, "Expecting 'Content-Type' to be present");
  const mediaType = request.contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return reject(415, 'Expecting \'Content-Type\' of application/json (Meseta speaks JSON only; Mesos also takes application/x-protobuf)');
  }
  if (request.accept && !acceptsJson(request.accept)) {
    return reject(406, "Expecting 'Accept' to allow application/json");
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch (error) {
    return reject(400, `Failed to parse body into JSON: ${(error as Error).message}`);
  }
  const result = validateOperatorCall(body);
  if ('problem' in result) {
    if (result.status === 501) return reject(501, result.problem === 'UNKNOWN' ? '' : `Meseta does not implement the '${result.problem}' call yet`);
    return reject(result.status, `Failed to validate agent::Call: ${result.problem}`);
  }
  return { kind: 'call', call: result.call };
}

/** What the operator API asks of the agent. */
export interface OperatorHost {
  readonly model: AgentModel;
  readonly files: FilesService;
  readonly verbosity: Verbosity;
  agentId(): string | undefined;
  agentInfo(): AgentInfo;
  flags(): Record<string, string>;
  /** `{version, build_date, build_time, build_user, git_sha?}`. */
  version(): Record<string, unknown>;
  metrics(): Promise<Record<string, number>>;
  /** v1 GET_CONTAINERS entries. */
  containers(): Promise<Array<Record<string, unknown>>>;
  logger?: { info(message: string): void };
}

/** An HTTP answer: status, and a JSON body unless `body` is undefined. */
export interface OperatorResponse {
  status: number;
  body?: unknown;
  /** Plain-text message for errors. */
  text?: string;
}

const FIELD: Record<OperatorCallType, string> = {
  GET_HEALTH: 'get_health', GET_FLAGS: 'get_flags', GET_VERSION: 'get_version', GET_METRICS: 'get_metrics',
  GET_LOGGING_LEVEL: 'get_logging_level', SET_LOGGING_LEVEL: 'set_logging_level', LIST_FILES: 'list_files',
  READ_FILE: 'read_file', GET_STATE: 'get_state', GET_CONTAINERS: 'get_containers', GET_FRAMEWORKS: 'get_frameworks',
  GET_EXECUTORS: 'get_executors', GET_TASKS: 'get_tasks', GET_AGENT: 'get_agent',
};

function ok(type: OperatorCallType, payload: unknown): OperatorResponse {
  return { status: 200, body: { type, [FIELD[type]]: payload } };
}

/** Answers a validated call. Files errors become their Mesos status and text. */
export async function handleOperatorCall(call: OperatorCall, host: OperatorHost): Promise<OperatorResponse> {
  host.logger?.info(`Processing ${call.type} call`);
  try {
    return await answer(call, host);
  } catch (error) {
    if (error instanceof FilesError) return { status: error.status, text: error.message };
    throw error;
  }
}

async function answer(call: OperatorCall, host: OperatorHost): Promise<OperatorResponse> {
  switch (call.type) {
    case 'GET_HEALTH':
      return ok(call.type, { healthy: true });
    case 'GET_FLAGS': {
      const flags = Object.entries(host.flags()).sort(([a], [b]) => (a < b ? -1 : 1));
      return ok(call.type, { flags: flags.map(([name, value]) => ({ name, value })) });
    }
    case 'GET_VERSION':
      return ok(call.type, { version_info: host.version() });
    case 'GET_METRICS': {
      const metrics = Object.entries(await host.metrics()).sort(([a], [b]) => (a < b ? -1 : 1));
      return ok(call.type, { metrics: metrics.map(([name, value]) => ({ name, value })) });
    }
    case 'GET_LOGGING_LEVEL':
      return ok(call.type, { level: host.verbosity.level });
    case 'SET_LOGGING_LEVEL':
      host.verbosity.set(call.level, call.durationMs);
      return { status: 200 };
    case 'LIST_FILES': {
      const listing = await host.files.browse(call.path);
      const file_infos = listing.map((f) => v1FileInfo(f.path, f.stat, f.owner));
      return ok(call.type, file_infos.length > 0 ? { file_infos } : {});
    }
    case 'READ_FILE': {
      const read = await host.files.read(call.path, call.offset, call.length);
      return ok(call.type, { size: read.size, data: read.data.toString('base64') });
    }
    case 'GET_STATE':
      return ok(call.type, getStateJson(host.model, host.agentId()));
    case 'GET_CONTAINERS': {
      const containers = await host.containers();
      return ok(call.type, containers.length > 0 ? { containers } : {});
    }
    case 'GET_FRAMEWORKS':
      return ok(call.type, getFrameworksJson(host.model));
    case 'GET_EXECUTORS':
      return ok(call.type, getExecutorsJson(host.model));
    case 'GET_TASKS':
      return ok(call.type, getTasksJson(host.model, host.agentId()));
    case 'GET_AGENT':
      return ok(call.type, { agent_info: host.agentInfo() });
  }
}

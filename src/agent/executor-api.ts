/**
 * Agent side of the v1 executor HTTP API (`POST /slave(1)/api/v1/executor`,
 * Mesos `Slave::Http::executor` and `validation::executor::call::validate`).
 * The checks here are pure: they turn a request into either a call to act on
 * or an HTTP rejection with Mesos's status and text. `agent-http.ts` does the
 * I/O; the `Agent` acts on accepted calls.
 *
 *   SUBSCRIBE → 200 RecordIO stream (SUBSCRIBED first)
 *   UPDATE / MESSAGE / HEARTBEAT → 202
 *   400 invalid call, unknown framework or executor; 403 not subscribed;
 *   405 not POST; 406 not acceptable; 415 media type.
 */
import type { ExecutorCall } from '../mesos/executor-protocol.js';

export type { ExecutorCall, ExecutorEvent } from '../mesos/executor-protocol.js';

/** An HTTP rejection: status and plain-text body, as Mesos answers. */
export interface Rejection {
  kind: 'reject';
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** The parts of an HTTP request the checks look at. */
export interface ExecutorRequest {
  method: string;
  contentType?: string;
  accept?: string;
  body: string;
}

function reject(status: number, message: string, headers?: Record<string, string>): Rejection {
  return headers ? { kind: 'reject', status, message, headers } : { kind: 'reject', status, message };
}

/**
 * HTTP-level checks and call validation. Content type is compared without
 * parameters (`application/json; charset=utf-8` is accepted; Mesos is stricter).
 * Protobuf is not supported: it gets 415.
 */
export function parseExecutorRequest(request: ExecutorRequest): Rejection | { kind: 'call'; call: ExecutorCall } {
  if (request.method !== 'POST') return reject(405, `Expecting one of { 'POST' }, but received '${request.method}'`, { Allow: 'POST' });
  if (!request.contentType) return reject(400, "Expecting 'Content-Type' to be present");
  const mediaType = request.contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return reject(415, `Expecting 'Content-Type' of application/json or application/x-protobuf`);
  }
  if (request.accept && !acceptsJson(request.accept)) {
    return reject(406, 'Expecting \'Accept\' to allow application/json or application/x-protobuf');
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch (error) {
    return reject(400, `Failed to parse body into Call protobuf: ${(error as Error).message}`);
  }
  const problem = validateExecutorCall(body);
  if (problem !== undefined) return reject(400, `Failed to validate Executor::Call: ${problem}`);
  return { kind: 'call', call: body as ExecutorCall };
}

function acceptsJson(accept: string): boolean {
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === 'application/json' || type === '*/*' || type === 'application/*' || type === 'application/recordio');
}

function hasId(value: unknown): value is { value: string } {
  return typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'string';
}

/**
 * Mesos's executor call validation; returns the problem text or undefined.
 * UPDATE: `status.uuid` must be a 16-byte UUID, source SOURCE_EXECUTOR, state
 * not STAGING, and an executor id in the status must match the call's.
 */
export function validateExecutorCall(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Expecting a JSON object';
  const call = body as Record<string, unknown>;
  if (typeof call['type'] !== 'string') return "Expecting 'type' to be present";
  if (!hasId(call['executor_id'])) return "Expecting 'executor_id' to be present";
  if (!hasId(call['framework_id'])) return "Expecting 'framework_id' to be present";
  switch (call['type']) {
    case 'SUBSCRIBE':
      if (typeof call['subscribe'] !== 'object' || call['subscribe'] === null) return "Expecting 'subscribe' to be present";
      return undefined;
    case 'UPDATE': {
      const update = call['update'] as { status?: Record<string, unknown> } | undefined;
      if (typeof update !== 'object' || update === null) return "Expecting 'update' to be present";
      const status = update.status;
      if (typeof status !== 'object' || status === null) return "Expecting 'update.status' to be present";
      if (!hasId(status['task_id']) || typeof status['state'] !== 'string') return 'Missing required fields: update.status.task_id, update.status.state';
      if (typeof status['uuid'] !== 'string') return "Expecting 'uuid' to be present";
      if (Buffer.from(status['uuid'], 'base64').length !== 16) return `Invalid UUID: '${status['uuid']}'`;
      if (status['state'] === 'TASK_STAGING') return 'Received TASK_STAGING from executor';
      if (status['source'] !== undefined && status['source'] !== 'SOURCE_EXECUTOR') {
        return "Received Call from executor with 'source' set to something other than SOURCE_EXECUTOR";
      }
      const statusExecutor = status['executor_id'];
      const callExecutor = (call['executor_id'] as { value: string }).value;
      if (hasId(statusExecutor) && statusExecutor.value !== callExecutor) {
        return `ExecutorID in Call: ${callExecutor} does not match ExecutorID in TaskStatus: ${statusExecutor.value}`;
      }
      return undefined;
    }
    case 'MESSAGE': {
      const message = call['message'] as { data?: unknown } | undefined;
      if (typeof message !== 'object' || message === null) return "Expecting 'message' to be present";
      if (typeof message.data !== 'string') return 'Missing required fields: message.data';
      return undefined;
    }
    case 'HEARTBEAT':
      return undefined;
    default:
      return `Unknown call type '${String(call['type'])}'`;
  }
}

/** What the agent knows about the caller, for `authorizeExecutorCall`. */
export type ExecutorLookup = { framework: false } | { framework: true; executor?: { subscribed: boolean } };

/**
 * Checks a valid call against the agent's state (Mesos `Slave::Http::executor`):
 * unknown framework or executor → 400, non-SUBSCRIBE from an executor that has
 * not subscribed → 403.
 */
export function authorizeExecutorCall(call: ExecutorCall, lookup: ExecutorLookup): Rejection | undefined {
  if (!lookup.framework) return reject(400, 'Framework cannot be found');
  if (!lookup.executor) return reject(400, 'Executor cannot be found');
  if (call.type !== 'SUBSCRIBE' && !lookup.executor.subscribed) return reject(403, 'Executor is not subscribed');
  return undefined;
}

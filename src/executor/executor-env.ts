/**
 * What a custom executor learns from its environment, as the agent sets it
 * (Mesos `executorEnvironment()`; reference §3.4). Pure: takes the env map.
 *
 * The agent's executor API is at `http://<MESOS_AGENT_ENDPOINT>/slave(1)/api/v1/executor`;
 * older agents give only `MESOS_SLAVE_PID` (`slave(1)@ip:port`), from which the
 * C++ executor library builds the same URL.
 */
import type { AgentID, ExecutorID, FrameworkID } from '../mesos/types.js';
import { parseDuration } from '../mesos/durations.js';

/** The parsed executor environment. Durations in milliseconds. */
export interface ExecutorEnvironment {
  frameworkId: FrameworkID;
  executorId: ExecutorID;
  /** MESOS_SLAVE_ID / MESOS_AGENT_ID, when set. */
  agentId?: AgentID;
  /** Agent address. */
  agent: { host: string; port: number };
  /** Full URL of the executor API. */
  apiUrl: string;
  /** MESOS_DIRECTORY (host sandbox path). */
  directory?: string;
  /** MESOS_SANDBOX (sandbox as the executor sees it). */
  sandbox?: string;
  /** MESOS_CHECKPOINT=1: survive an agent restart by re-subscribing. */
  checkpoint: boolean;
  /** MESOS_RECOVERY_TIMEOUT (default 15 min): how long to keep trying after a disconnect. */
  recoveryTimeoutMs: number;
  /** MESOS_SUBSCRIPTION_BACKOFF_MAX (default 2 s): cap of the re-subscribe backoff. */
  subscriptionBackoffMaxMs: number;
  /** MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD (default 5 s). */
  shutdownGracePeriodMs: number;
  /** MESOS_EXECUTOR_AUTHENTICATION_TOKEN, sent as a Bearer token. */
  authenticationToken?: string;
}

/** A required variable is missing or malformed. Not retryable: the executor was not started by an agent. */
export class ExecutorEnvError extends Error {
  readonly code = 'EXECUTOR_ENV_INVALID';
  constructor(
    message: string,
    /** The variable at fault. */
    readonly variable: string,
  ) {
    super(message);
    this.name = 'ExecutorEnvError';
  }
}

const DEFAULT_RECOVERY_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_SUBSCRIPTION_BACKOFF_MAX_MS = 2_000;
const DEFAULT_SHUTDOWN_GRACE_PERIOD_MS = 5_000;

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ExecutorEnvError(`Expecting '${name}' to be set in the environment`, name);
  return value;
}

function durationOf(env: Record<string, string | undefined>, name: string, fallbackMs: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallbackMs;
  try {
    return parseDuration(value);
  } catch (error) {
    throw new ExecutorEnvError(`Failed to parse '${name}': ${(error as Error).message}`, name);
  }
}

function hostPort(text: string, variable: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = colon > 0 ? text.slice(0, colon).replace(/^\[|\]$/g, '') : '';
  const port = Number(text.slice(colon + 1));
  if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ExecutorEnvError(`Expecting '${variable}' to be 'ip:port', got '${text}'`, variable);
  }
  return { host, port };
}

/**
 * Parses the executor environment. Requires MESOS_FRAMEWORK_ID,
 * MESOS_EXECUTOR_ID and one of MESOS_AGENT_ENDPOINT / MESOS_SLAVE_PID.
 * Throws ExecutorEnvError naming the first bad variable.
 */
export function parseExecutorEnv(env: Record<string, string | undefined>): ExecutorEnvironment {
  const frameworkId = required(env, 'MESOS_FRAMEWORK_ID');
  const executorId = required(env, 'MESOS_EXECUTOR_ID');
  let agent: { host: string; port: number };
  let processId = 'slave(1)';
  const endpoint = env['MESOS_AGENT_ENDPOINT'];
  const pid = env['MESOS_SLAVE_PID'];
  if (endpoint) {
    agent = hostPort(endpoint, 'MESOS_AGENT_ENDPOINT');
  } else if (pid) {
    const at = pid.indexOf('@');
    if (at <= 0) throw new ExecutorEnvError(`Expecting 'MESOS_SLAVE_PID' to be 'slave(1)@ip:port', got '${pid}'`, 'MESOS_SLAVE_PID');
    processId = pid.slice(0, at);
    agent = hostPort(pid.slice(at + 1), 'MESOS_SLAVE_PID');
  } else {
    throw new ExecutorEnvError("Expecting 'MESOS_AGENT_ENDPOINT' (or 'MESOS_SLAVE_PID') to be set in the environment", 'MESOS_AGENT_ENDPOINT');
  }
  const host = agent.host.includes(':') ? `[${agent.host}]` : agent.host;
  const agentIdText = env['MESOS_SLAVE_ID'] ?? env['MESOS_AGENT_ID'];
  const checkpointText = env['MESOS_CHECKPOINT'];
  return {
    frameworkId: { value: frameworkId },
    executorId: { value: executorId },
    ...(agentIdText ? { agentId: { value: agentIdText } } : {}),
    agent,
    apiUrl: `http://${host}:${agent.port}/${processId}/api/v1/executor`,
    ...(env['MESOS_DIRECTORY'] ? { directory: env['MESOS_DIRECTORY'] } : {}),
    ...(env['MESOS_SANDBOX'] ? { sandbox: env['MESOS_SANDBOX'] } : {}),
    // The agent writes 1/0; Mesos's docs say "true", so accept both.
    checkpoint: checkpointText === '1' || checkpointText === 'true',
    recoveryTimeoutMs: durationOf(env, 'MESOS_RECOVERY_TIMEOUT', DEFAULT_RECOVERY_TIMEOUT_MS),
    subscriptionBackoffMaxMs: durationOf(env, 'MESOS_SUBSCRIPTION_BACKOFF_MAX', DEFAULT_SUBSCRIPTION_BACKOFF_MAX_MS),
    shutdownGracePeriodMs: durationOf(env, 'MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD', DEFAULT_SHUTDOWN_GRACE_PERIOD_MS),
    ...(env['MESOS_EXECUTOR_AUTHENTICATION_TOKEN'] ? { authenticationToken: env['MESOS_EXECUTOR_AUTHENTICATION_TOKEN'] } : {}),
  };
}

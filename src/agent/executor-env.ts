/**
 * The environment an executor (and, for command tasks, the task itself) runs
 * with. Mirrors `executorEnvironment()` in Mesos's `src/slave/slave.cpp`: the
 * agent's own environment is never inherited; PATH gets a default when no one
 * set it. Pure.
 */
import { formatDuration } from '../mesos/durations.js';
import type { CommandInfo } from '../mesos/types.js';

/** PATH given when neither the flags nor the CommandInfo set one (Mesos's `os::host_default_path()`). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What the agent knows when it builds an executor's environment. */
export interface ExecutorEnvInput {
  frameworkId: string;
  executorId: string;
  agentId: string;
  /** `slave(1)@<ip>:<port>`. */
  agentPid: string;
  /** `<ip>:<port>` of the agent's HTTP server. */
  agentEndpoint: string;
  /** Host path of the sandbox. */
  directory: string;
  /** Sandbox path as the process sees it (same as `directory` without an image). */
  sandbox?: string;
  /** FrameworkInfo.checkpoint. */
  checkpoint: boolean;
  /**
   * `--recovery_timeout` in milliseconds: given as MESOS_RECOVERY_TIMEOUT
   * (Mesos format, e.g. `15mins`) to executors of checkpointing frameworks,
   * the only ones that wait for a restarted agent. Omitted: not set.
   */
  recoveryTimeoutMs?: number;
  /** Executor shutdown grace period in milliseconds. */
  shutdownGracePeriodMs: number;
  /** Role the task's resources are allocated to (`MESOS_ALLOCATION_ROLE`). */
  allocationRole?: string;
  /** `--executor_environment_variables` entries. */
  flagVariables?: Record<string, string>;
  /** The command's own environment, applied last so it wins. */
  command?: CommandInfo;
  /** `--http_command_executor`: advertised as MESOS_HTTP_COMMAND_EXECUTOR. */
  httpCommandExecutor?: boolean;
}

/**
 * Builds the environment: flag variables first, then the `MESOS_*` set (§3.4 of
 * our reference), then `CommandInfo.environment` (VALUE entries; SECRET entries
 * are skipped, Meseta has no secret resolver), then PATH if still unset.
 */
export function buildExecutorEnv(input: ExecutorEnvInput): Record<string, string> {
  const env: Record<string, string> = { ...(input.flagVariables ?? {}) };
  env['MESOS_FRAMEWORK_ID'] = input.frameworkId;
  env['MESOS_EXECUTOR_ID'] = input.executorId;
  env['MESOS_DIRECTORY'] = input.directory;
  env['MESOS_SANDBOX'] = input.sandbox ?? input.directory;
  env['MESOS_AGENT_ID'] = input.agentId;
  env['MESOS_SLAVE_ID'] = input.agentId;
  env['MESOS_SLAVE_PID'] = input.agentPid;
  env['MESOS_AGENT_ENDPOINT'] = input.agentEndpoint;
  env['MESOS_CHECKPOINT'] = input.checkpoint ? '1' : '0';
  // As Mesos's executorEnvironment(): only a checkpointing executor outlives its agent, so only it needs the bound.
  if (input.checkpoint && input.recoveryTimeoutMs !== undefined) env['MESOS_RECOVERY_TIMEOUT'] = formatDuration(input.recoveryTimeoutMs);
  env['MESOS_HTTP_COMMAND_EXECUTOR'] = input.httpCommandExecutor ? '1' : '0';
  env['MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD'] = formatDuration(input.shutdownGracePeriodMs);
  if (input.allocationRole !== undefined) env['MESOS_ALLOCATION_ROLE'] = input.allocationRole;
  env['LIBPROCESS_PORT'] = '0';
  for (const variable of input.command?.environment?.variables ?? []) {
    if (variable.type === 'SECRET') continue;
    env[variable.name] = variable.value ?? '';
  }
  if (env['PATH'] === undefined) env['PATH'] = DEFAULT_PATH;
  return env;
}

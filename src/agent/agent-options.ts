/**
 * What an `Agent` is built from. The CLI parses Mesos flags (§6.3 of our
 * reference) into this; `meseta local` fills it directly.
 */
import type { Clock } from '../mesos/clock.js';
import type { Attribute, Resource } from '../mesos/types.js';
import type { Containerizer } from './containerizer/containerizer.js';
import type { RetryPolicy } from './status-update-streams.js';
import type { LeaderDetector, MasterTransport } from './master-link.js';

/** Log sink; lines are glog-style messages without the prefix (the CLI adds it). */
export interface AgentLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Path of the file the lines go to (`--log_dir`), if any: served as `/slave/log`. */
  readonly logFile?: string;
}

export interface AgentOptions {
  /** Master base URL, `http://host:port` (`--master=host:port`). */
  masterUrl: string;
  /** With `--master=zk://…`: follows the leading master; `masterUrl` is then only a first guess. */
  masterDetector?: LeaderDetector;
  /**
   * How the agent reaches its master; default HTTP to `masterUrl`. `meseta
   * local` passes an in-process one (no sockets), as `mesos-local` does.
   */
  masterTransport?: MasterTransport;
  /** Address to bind and advertise (`--ip`). */
  ip: string;
  /** Port to bind (`--port`, default 5051); 0 picks a free one, reported by `agent.port`. */
  port: number;
  /** `--hostname`; reported in AgentInfo and `/state`. */
  hostname: string;
  /** `--work_dir`: sandboxes under `slaves/`, checkpoints under `meta/`. */
  workDir: string;
  /** Total resources, already detected or parsed from `--resources`. */
  resources: Resource[];
  /** `--attributes`, parsed. */
  attributes: Attribute[];
  containerizer: Containerizer;
  /**
   * Deletes retired checkpoint trees off the event loop (see
   * CheckpointWriterOptions.removeTrees); default: on the agent's thread.
   */
  removeTrees?: (paths: string[]) => Promise<void>;
  /** `--executor_shutdown_grace_period` in ms (default 5000). */
  executorShutdownGracePeriodMs?: number;
  /** `--executor_registration_timeout` in ms (default 60000). */
  executorRegistrationTimeoutMs?: number;
  /** `--executor_reregistration_timeout` in ms (default 2000): re-adopted executors must subscribe again within it. */
  executorReregistrationTimeoutMs?: number;
  /**
   * `--recover`: `reconnect` (default) re-adopts what an earlier agent process
   * left running; `cleanup` kills it and stops the agent (see recovery.ts).
   */
  recover?: 'reconnect' | 'cleanup';
  /**
   * `--reconfiguration_policy` (default `equal`): how the checkpointed agent
   * info may differ from this one on recovery (checkpoint-compatibility.ts).
   */
  reconfigurationPolicy?: 'equal' | 'additive';
  /**
   * `--recovery_timeout` in ms (Mesos default 15 min): given to executors of
   * checkpointing frameworks as MESOS_RECOVERY_TIMEOUT, how long they wait for
   * a restarted agent before shutting down.
   */
  recoveryTimeoutMs?: number;
  /** `--strict` (default true): a recovery error stops the agent instead of being skipped. */
  strict?: boolean;
  /** `--registration_backoff_factor` in ms (default 1000). */
  registrationBackoffFactorMs?: number;
  /** `--executor_environment_variables`, parsed. */
  executorEnvironmentVariables?: Record<string, string>;
  /** Status update retry timing (default Mesos's 10 s .. 10 min). */
  statusUpdateRetry?: RetryPolicy;
  /** Flags as given, for `/flags` and `/state` (`{name: "value"}`). */
  flags?: Record<string, string>;
  logger?: AgentLogger;
  clock?: Clock;
  /** Reported in `/version`, `/state` and REGISTER (e.g. `1.11.0`). */
  version?: string;
  /** `build_user` etc. for `/version`. */
  build?: { user?: string; date?: string; time?: string; gitSha?: string };
  /** Completed tasks kept per executor for `/state` (Mesos: 200). */
  maxCompletedTasksPerExecutor?: number;
  /** Completed executors kept per framework (Mesos `--max_completed_executors_per_framework`, 150). */
  maxCompletedExecutorsPerFramework?: number;
}

/** A logger that drops everything. */
export const silentLogger: AgentLogger = { info: () => {}, warn: () => {}, error: () => {} };

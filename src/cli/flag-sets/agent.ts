/**
 * `meseta agent` / `mesos-agent` / `mesos-slave` flags: mirrors
 * `src/slave/flags.cpp` (names, defaults; see reference §6.3).
 *
 * `--work_dir`: Mesos 1.4 and later require it; the Mesos 0.2x the seed
 * documents defaulted to `/tmp/mesos` (so `mesos-slave --master=master:5050`
 * just worked). We keep that convenience with `<os tmpdir>/mesos/work`, and
 * say in `--help` that production agents must set it.
 *
 * `--runtime_dir`: `/var/run/mesos` when running as root, else
 * `<os tmpdir>/mesos/runtime`, as Mesos picks it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagError, loadFlags, type FlagDef, type FlagValues } from '../flags.js';
import {
  LOGGING_FLAGS,
  getBool,
  getNumber,
  getString,
  optNumber,
  optString,
  parseStringMap,
  readLoggingFlags,
  splitList,
  type CommonFlags,
  type LoggingFlags,
  type ParseOptions,
} from './common.js';

/** Usage line for `--help`. */
export const AGENT_USAGE = 'Usage: mesos-agent --master=HOST:PORT [options]';

/** Default `--work_dir` (see the module comment). */
export function defaultAgentWorkDir(): string {
  return join(tmpdir(), 'mesos', 'work');
}

/** Default `--runtime_dir`: `/var/run/mesos` for root, else under the OS temp dir. */
export function defaultRuntimeDir(): string {
  return process.getuid?.() === 0 ? '/var/run/mesos' : join(tmpdir(), 'mesos', 'runtime');
}

/** The agent's flags. */
export const AGENT_FLAGS: FlagDef[] = [
  {
    name: 'master',
    type: 'string',
    required: true,
    help: 'May be one of:\n  host:port\n  zk://host1:port1,host2:port2,.../path\n  zk://username:password@host1:port1,host2:port2,.../path\n  file:///path/to/file (where file contains one of the above)',
  },
  { name: 'ip', type: 'string', help: 'IP address to listen on (also LIBPROCESS_IP). Default: all interfaces.' },
  { name: 'port', type: 'int', help: 'Port to listen on.', default: 5051 },
  { name: 'advertise_ip', type: 'string', help: 'IP address advertised to reach this agent.' },
  { name: 'advertise_port', type: 'int', help: 'Port advertised to reach this agent.' },
  { name: 'hostname', type: 'string', help: 'Hostname to advertise; default: reverse lookup of the IP.' },
  { name: 'hostname_lookup', type: 'bool', help: 'Whether to look up the hostname when --hostname is not given.', default: true },
  {
    name: 'work_dir',
    type: 'path',
    help: 'Path of the agent work directory: executor sandboxes and checkpointed state.\nLocations cleaned automatically (like /tmp) are not suitable in production.\n(Example: /var/lib/mesos/agent)',
    default: defaultAgentWorkDir(),
  },
  { name: 'runtime_dir', type: 'path', help: 'Runtime state kept across agent crashes but not reboots.', default: defaultRuntimeDir() },
  {
    name: 'resources',
    type: 'string',
    help: "Total consumable resources, e.g. 'cpus:2;mem:1024;disk:20000;ports:[31000-32000]'\nor a JSON array of Resource objects. Missing cpus/mem/disk/ports are detected.",
  },
  { name: 'attributes', type: 'string', help: "Attributes of the machine, e.g. 'rack:r1;zone:west;level:10'." },
  { name: 'default_role', type: 'string', help: 'Role of resources given without one in --resources.', default: '*' },
  { name: 'containerizers', type: 'string', help: "Comma-separated list of containerizers, in order of preference, e.g. 'docker,mesos'.", default: 'mesos' },
  { name: 'isolation', type: 'string', help: "Isolation mechanisms, e.g. 'posix/cpu,posix/mem' or 'cgroups/cpu,cgroups/mem'.", default: 'posix/cpu,posix/mem' },
  { name: 'image_providers', type: 'string', help: "Container image providers, e.g. 'docker'." },
  { name: 'recover', type: 'string', help: "Whether to recover status updates and reconnect with old executors\n('reconnect') or kill them and shut down ('cleanup').", default: 'reconnect' },
  { name: 'strict', type: 'bool', help: 'If true, any recovery error is fatal; else errors are ignored best-effort.', default: true },
  { name: 'reconfiguration_policy', type: 'string', help: "Changes allowed to agent info on restart: 'equal' or 'additive'.", default: 'equal' },
  { name: 'recovery_timeout', type: 'duration', help: 'Time after which executors of a dead agent shut themselves down.', default: '15mins' },
  { name: 'executor_registration_timeout', type: 'duration', help: 'Time to wait for an executor to register before it is killed.', default: '1mins' },
  { name: 'executor_reregistration_timeout', type: 'duration', help: 'Time to wait for executors to reregister after agent recovery.', default: '2secs' },
  { name: 'executor_shutdown_grace_period', type: 'duration', help: 'Default time given to an executor to shut down.', default: '5secs' },
  { name: 'executor_environment_variables', type: 'string', help: 'JSON object of environment variables given to executors\n(the agent environment is not inherited).' },
  { name: 'http_command_executor', type: 'bool', help: 'Whether the command executor uses the v1 HTTP API.', default: false },
  { name: 'switch_user', type: 'bool', help: 'Run tasks as the user who submitted them (needs root).', default: true },
  { name: 'sandbox_directory', type: 'path', help: 'Sandbox mount point inside containers with an image.', default: '/mnt/mesos/sandbox' },
  { name: 'launcher_dir', type: 'path', help: 'Directory of the executor and helper binaries. Default: bundled.' },
  { name: 'docker', type: 'string', help: 'Path to the docker CLI.', default: 'docker' },
  { name: 'docker_socket', type: 'string', help: 'Docker engine socket.', default: '/var/run/docker.sock' },
  { name: 'docker_stop_timeout', type: 'duration', help: 'Deprecated; use KillPolicy.', default: '0ns' },
  { name: 'docker_remove_delay', type: 'duration', help: 'Time to wait before removing an exited docker container.', default: '6hrs' },
  { name: 'docker_config', type: 'string', help: 'Docker registry credentials (JSON or file://).' },
  { name: 'gc_delay', type: 'duration', help: 'Maximum time to keep executor sandboxes.', default: '1weeks' },
  { name: 'gc_disk_headroom', type: 'number', help: 'Fraction of disk to keep free when ageing sandboxes (0.0 to 1.0).', default: 0.1 },
  { name: 'disk_watch_interval', type: 'duration', help: 'Interval between disk-usage checks for sandbox GC.', default: '1mins' },
  { name: 'max_completed_executors_per_framework', type: 'int', help: 'Completed executors kept per framework.', default: 150 },
  { name: 'registration_backoff_factor', type: 'duration', help: 'Initial (re)registration backoff, growing exponentially up to 1mins.', default: '1secs' },
  { name: 'fetcher_cache_dir', type: 'path', help: 'Parent directory of the fetcher cache.', default: join(tmpdir(), 'mesos', 'fetch') },
  { name: 'fetcher_cache_size', type: 'bytes', help: 'Size of the fetcher cache.', default: '2GB' },
  { name: 'frameworks_home', type: 'path', help: 'Directory prepended to relative executor URIs.', default: '' },
  { name: 'default_container_info', type: 'string', help: 'JSON ContainerInfo for executors that have none.' },
  { name: 'credential', type: 'path', help: 'Path to a JSON file {"principal":..,"secret":..} to authenticate with the master.' },
  { name: 'http_heartbeat_interval', type: 'duration', help: 'Heartbeat interval of streaming HTTP responses.', default: '30secs' },
  { name: 'cgroups_root', type: 'string', help: 'Name of the root cgroup.', default: 'mesos' },
  { name: 'cgroups_hierarchy', type: 'path', help: 'Base path of the cgroup hierarchies.', default: '/sys/fs/cgroup' },
  ...LOGGING_FLAGS,
];

/** Parsed agent flags. Durations are milliseconds, sizes bytes. */
export interface AgentFlags extends CommonFlags, LoggingFlags {
  /** `host:port` or `zk://…`, already read from the file for `file://`; `''` only under `--help`. */
  master: string;
  ip?: string;
  port: number;
  advertiseIp?: string;
  advertisePort?: number;
  hostname?: string;
  hostnameLookup: boolean;
  workDir: string;
  runtimeDir: string;
  /** Raw `--resources` text (for the resources parser); undefined = detect. */
  resources?: string;
  /** Raw `--attributes` text. */
  attributes?: string;
  defaultRole: string;
  /** In order of preference, e.g. ['docker', 'mesos']. */
  containerizers: string[];
  isolation: string[];
  imageProviders: string[];
  recover: 'reconnect' | 'cleanup';
  strict: boolean;
  reconfigurationPolicy: 'equal' | 'additive';
  /** ms */
  recoveryTimeout: number;
  /** ms */
  executorRegistrationTimeout: number;
  /** ms */
  executorReregistrationTimeout: number;
  /** ms */
  executorShutdownGracePeriod: number;
  executorEnvironmentVariables?: Record<string, string>;
  httpCommandExecutor: boolean;
  switchUser: boolean;
  sandboxDirectory: string;
  launcherDir?: string;
  docker: string;
  dockerSocket: string;
  /** ms */
  dockerStopTimeout: number;
  /** ms */
  dockerRemoveDelay: number;
  dockerConfig?: string;
  /** ms */
  gcDelay: number;
  gcDiskHeadroom: number;
  /** ms */
  diskWatchInterval: number;
  maxCompletedExecutorsPerFramework: number;
  /** ms */
  registrationBackoffFactor: number;
  fetcherCacheDir: string;
  /** bytes */
  fetcherCacheSize: number;
  frameworksHome: string;
  /** JSON text. */
  defaultContainerInfo?: string;
  credential?: string;
  /** ms */
  httpHeartbeatInterval: number;
  cgroupsRoot: string;
  cgroupsHierarchy: string;
}

/**
 * Converts loaded values (every AGENT_FLAGS name present) into `AgentFlags`,
 * with the agent's own validations. Throws FlagError.
 */
export function readAgentFlags(values: FlagValues, common: CommonFlags): AgentFlags {
  const recover = getString(values, 'recover');
  if (recover !== 'reconnect' && recover !== 'cleanup') {
    throw new FlagError(`Unknown option for 'recover' flag ${recover}. Please run the agent with '--help' to see the valid options`, 'recover');
  }
  const policy = getString(values, 'reconfiguration_policy');
  if (policy !== 'equal' && policy !== 'additive') {
    throw new FlagError(`Unknown option for 'reconfiguration_policy' flag ${policy}. Valid options are 'equal' and 'additive'`, 'reconfiguration_policy');
  }
  const headroom = getNumber(values, 'gc_disk_headroom');
  if (headroom < 0 || headroom > 1) {
    throw new FlagError('Invalid value for --gc_disk_headroom: must be between 0.0 and 1.0', 'gc_disk_headroom');
  }
  return {
    ...common,
    ...readLoggingFlags(values),
    master: getString(values, 'master'),
    ip: optString(values, 'ip'),
    port: getNumber(values, 'port'),
    advertiseIp: optString(values, 'advertise_ip'),
    advertisePort: optNumber(values, 'advertise_port'),
    hostname: optString(values, 'hostname'),
    hostnameLookup: getBool(values, 'hostname_lookup'),
    workDir: getString(values, 'work_dir'),
    runtimeDir: getString(values, 'runtime_dir'),
    resources: optString(values, 'resources'),
    attributes: optString(values, 'attributes'),
    defaultRole: getString(values, 'default_role'),
    containerizers: splitList(getString(values, 'containerizers')),
    isolation: splitList(getString(values, 'isolation')),
    imageProviders: splitList(optString(values, 'image_providers')),
    recover,
    strict: getBool(values, 'strict'),
    reconfigurationPolicy: policy,
    recoveryTimeout: getNumber(values, 'recovery_timeout'),
    executorRegistrationTimeout: getNumber(values, 'executor_registration_timeout'),
    executorReregistrationTimeout: getNumber(values, 'executor_reregistration_timeout'),
    executorShutdownGracePeriod: getNumber(values, 'executor_shutdown_grace_period'),
    executorEnvironmentVariables: parseStringMap('executor_environment_variables', optString(values, 'executor_environment_variables')),
    httpCommandExecutor: getBool(values, 'http_command_executor'),
    switchUser: getBool(values, 'switch_user'),
    sandboxDirectory: getString(values, 'sandbox_directory'),
    launcherDir: optString(values, 'launcher_dir'),
    docker: getString(values, 'docker'),
    dockerSocket: getString(values, 'docker_socket'),
    dockerStopTimeout: getNumber(values, 'docker_stop_timeout'),
    dockerRemoveDelay: getNumber(values, 'docker_remove_delay'),
    dockerConfig: optString(values, 'docker_config'),
    gcDelay: getNumber(values, 'gc_delay'),
    gcDiskHeadroom: headroom,
    diskWatchInterval: getNumber(values, 'disk_watch_interval'),
    maxCompletedExecutorsPerFramework: getNumber(values, 'max_completed_executors_per_framework'),
    registrationBackoffFactor: getNumber(values, 'registration_backoff_factor'),
    fetcherCacheDir: getString(values, 'fetcher_cache_dir'),
    fetcherCacheSize: getNumber(values, 'fetcher_cache_size'),
    frameworksHome: getString(values, 'frameworks_home'),
    defaultContainerInfo: optString(values, 'default_container_info'),
    credential: optString(values, 'credential'),
    httpHeartbeatInterval: getNumber(values, 'http_heartbeat_interval'),
    cgroupsRoot: getString(values, 'cgroups_root'),
    cgroupsHierarchy: getString(values, 'cgroups_hierarchy'),
  };
}

/**
 * Loads the agent's flags from `argv` (after the subcommand) and `env`
 * (`MESOS_*`). Throws FlagError with Mesos's one-line message.
 */
export function parseAgentFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): AgentFlags {
  const loaded = loadFlags(AGENT_FLAGS, argv, env, opts);
  return readAgentFlags(loaded.values, { help: loaded.help, version: loaded.version, warnings: loaded.warnings });
}

/**
 * `meseta marathon` flags: the subset of Marathon's command-line flags a
 * single Marathon honours (reference §7), as `--name=value` or
 * `--name value`, or `MARATHON_<NAME>` in the environment. Durations are
 * milliseconds as in Marathon, except `--failover_timeout` (seconds).
 * State lives in SQLite under `--work_dir` until ZooKeeper (`--zk`) arrives.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFlags, FlagError, type FlagDef } from '../flags.js';
import {
  getNumber,
  getString,
  LOGGING_FLAGS,
  optString,
  readLoggingFlags,
  splitList,
  type CommonFlags,
  type LoggingFlags,
  type ParseOptions,
} from './common.js';

/** Usage line for `--help`. */
export const MARATHON_USAGE = 'Usage: marathon --master=HOST:PORT [options]';

/** Marathon's environment prefix (`MARATHON_HTTP_PORT=8081`). */
export const MARATHON_ENV_PREFIX = 'MARATHON_';

/** Marathon's flags. */
export const MARATHON_FLAGS: FlagDef[] = [
  { name: 'master', type: 'string', required: true, help: 'The Mesos master: host:port (zk://…/mesos is not supported yet).' },
  { name: 'zk', type: 'string', help: 'ZooKeeper URL for state and leader election (zk://host:port/marathon); not supported yet,\nstate is kept in SQLite under --work_dir.' },
  { name: 'work_dir', type: 'path', help: 'Directory holding Marathon\'s state (SQLite).', default: join(tmpdir(), 'meseta', 'marathon') },
  { name: 'http_port', type: 'int', help: 'Port of the REST API and event stream.', default: 8080 },
  { name: 'http_address', type: 'string', help: 'Address the HTTP server listens on.', default: '0.0.0.0' },
  { name: 'hostname', type: 'string', help: 'Host name advertised to Mesos and in /v2/leader (default: this machine\'s).' },
  { name: 'framework_name', type: 'string', help: 'Framework name registered with Mesos.', default: 'marathon' },
  { name: 'mesos_role', type: 'string', help: 'Mesos role of the framework.', default: '*' },
  { name: 'mesos_user', type: 'string', help: 'User tasks run as by default (default: the current user).' },
  { name: 'task_launch_timeout', type: 'int', help: 'Milliseconds a task may take from launch to TASK_RUNNING before it is killed.', default: 300000 },
  { name: 'failover_timeout', type: 'int', help: 'Seconds Mesos keeps our tasks after we disconnect.', default: 604800 },
  { name: 'enable_features', type: 'string', help: 'Comma-separated features: secrets, gpu_resources, external_volumes, task_killing.' },
  { name: 'default_accepted_resource_roles', type: 'string', help: 'Comma-separated roles apps without acceptedResourceRoles may use.' },
  { name: 'env_vars_prefix', type: 'string', help: 'Prefix of the PORT*/HOST variables given to tasks.' },
  { name: 'local_port_min', type: 'int', help: 'Lowest service port.', default: 10000 },
  { name: 'local_port_max', type: 'int', help: 'Highest service port.', default: 20000 },
  { name: 'max_instances_per_offer', type: 'int', help: 'Instances launched per offer at most.', default: 5 },
  { name: 'decline_offer_duration', type: 'int', help: 'Milliseconds an unused offer is refused while nothing waits.', default: 120000 },
  { name: 'reconciliation_interval', type: 'int', help: 'Milliseconds between task reconciliations.', default: 600000 },
  { name: 'kill_retry_timeout', type: 'int', help: 'Milliseconds before a kill is retried.', default: 30000 },
  { name: 'default_network_name', type: 'string', help: 'Network name for container networks given without one.' },
  ...LOGGING_FLAGS,
];

/** Parsed Marathon flags. */
export interface MarathonFlags extends CommonFlags, LoggingFlags {
  master: string;
  workDir: string;
  httpPort: number;
  httpAddress: string;
  hostname?: string;
  frameworkName: string;
  mesosRole: string;
  mesosUser?: string;
  taskLaunchTimeoutMs: number;
  failoverTimeoutSeconds: number;
  features: string[];
  defaultAcceptedRoles: string[];
  envVarsPrefix?: string;
  localPortMin: number;
  localPortMax: number;
  maxInstancesPerOffer: number;
  declineOfferDurationMs: number;
  reconciliationIntervalMs: number;
  killRetryTimeoutMs: number;
  defaultNetworkName?: string;
}

/**
 * Loads Marathon flags from `argv` and `env` (`MARATHON_*`). Throws FlagError
 * for bad flags and for ZooKeeper URLs (not supported yet).
 */
export function parseMarathonFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): MarathonFlags {
  const loaded = loadFlags(MARATHON_FLAGS, argv, env, { ...opts, envPrefix: MARATHON_ENV_PREFIX });
  const v = loaded.values;
  const master = getString(v, 'master');
  if (!loaded.help && !loaded.version) {
    if (/^zk:\/\//i.test(master)) {
      throw new FlagError(`Finding the master through ZooKeeper is not supported yet: --master=${master}; give --master=HOST:PORT`, 'master');
    }
    const zk = optString(v, 'zk');
    if (zk !== undefined) {
      throw new FlagError(`ZooKeeper state storage is not supported yet: --zk=${zk}; state is kept under --work_dir`, 'zk');
    }
  }
  const port = getNumber(v, 'http_port');
  if (port < 0 || port > 65535) throw new FlagError(`Failed to load flag 'http_port': ${port} is not a port`, 'http_port');
  return {
    help: loaded.help,
    version: loaded.version,
    warnings: loaded.warnings,
    ...readLoggingFlags(v),
    master,
    workDir: getString(v, 'work_dir'),
    httpPort: port,
    httpAddress: getString(v, 'http_address'),
    hostname: optString(v, 'hostname'),
    frameworkName: getString(v, 'framework_name'),
    mesosRole: getString(v, 'mesos_role'),
    mesosUser: optString(v, 'mesos_user'),
    taskLaunchTimeoutMs: getNumber(v, 'task_launch_timeout'),
    failoverTimeoutSeconds: getNumber(v, 'failover_timeout'),
    features: splitList(optString(v, 'enable_features')),
    defaultAcceptedRoles: splitList(optString(v, 'default_accepted_resource_roles')),
    envVarsPrefix: optString(v, 'env_vars_prefix'),
    localPortMin: getNumber(v, 'local_port_min'),
    localPortMax: getNumber(v, 'local_port_max'),
    maxInstancesPerOffer: getNumber(v, 'max_instances_per_offer'),
    declineOfferDurationMs: getNumber(v, 'decline_offer_duration'),
    reconciliationIntervalMs: getNumber(v, 'reconciliation_interval'),
    killRetryTimeoutMs: getNumber(v, 'kill_retry_timeout'),
    defaultNetworkName: optString(v, 'default_network_name'),
  };
}

/**
 * `meseta marathon` flags: the subset of Marathon's command-line flags a
 * single Marathon honours (reference §7), as `--name=value` or
 * `--name value`, or `MARATHON_<NAME>` in the environment. Durations are
 * milliseconds as in Marathon, except `--failover_timeout` (seconds).
 * State lives in SQLite under `--work_dir`, or with `--zk=zk://…/marathon` in
 * ZooKeeper, where the Marathon processes sharing the URL also elect a leader
 * (`--disable_ha`: state there, no election).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFlags, FlagError, type FlagDef, type FlagValues } from '../flags.js';
import type { ZooKeeperUrl } from '../../coordination/zookeeper/zk-url.js';
import {
  getBool,
  getNumber,
  getString,
  LOGGING_FLAGS,
  optString,
  readLoggingFlags,
  splitList,
  type CommonFlags,
  type LoggingFlags,
  type ParseOptions,
  zkUrl,
} from './common.js';

/** Usage line for `--help`. */
export const MARATHON_USAGE = 'Usage: marathon --master=HOST:PORT|zk://HOST:PORT/mesos [--zk=zk://HOST:PORT/marathon] [options]';

/** Marathon's environment prefix (`MARATHON_HTTP_PORT=8081`). */
export const MARATHON_ENV_PREFIX = 'MARATHON_';

/** Marathon's flags. */
export const MARATHON_FLAGS: FlagDef[] = [
  { name: 'master', type: 'string', required: true, help: 'The Mesos master: host:port, or zk://host1:2181,host2:2181/mesos to follow the leading master.' },
  { name: 'zk', type: 'string', help: 'ZooKeeper URL for state and leader election (zk://[user:pass@]host:port,…/marathon).\nWithout it, state is kept in SQLite under --work_dir and this process leads alone.' },
  { name: 'disable_ha', type: 'bool', help: 'With --zk: keep state in ZooKeeper but run no leader election (one Marathon only).', default: false },
  { name: 'zk_session_timeout', type: 'int', help: 'ZooKeeper session timeout (ms); a leader whose session is lost steps down.', default: 10000 },
  { name: 'zk_timeout', type: 'int', help: 'Bound on each ZooKeeper operation (ms).', default: 10000 },
  { name: 'zk_connection_timeout', type: 'int', help: 'Bound on connecting to ZooKeeper (ms).', default: 10000 },
  { name: 'leader_proxy_connection_timeout', type: 'int', help: 'A standby relaying a request to the leader waits this long to connect (ms).', default: 5000 },
  { name: 'leader_proxy_read_timeout', type: 'int', help: 'A standby relaying a request to the leader waits this long for data (ms).', default: 10000 },
  { name: 'work_dir', type: 'path', help: 'Directory holding Marathon\'s state (SQLite) when --zk is not given.', default: join(tmpdir(), 'meseta', 'marathon') },
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
  /** `--zk` parsed: state and (unless `ha` is false) leader election there. */
  zk?: ZooKeeperUrl;
  /** Leader election in ZooKeeper (`--zk` given and no `--disable_ha`). */
  ha: boolean;
  zkSessionTimeoutMs: number;
  zkTimeoutMs: number;
  zkConnectionTimeoutMs: number;
  leaderProxyConnectionTimeoutMs: number;
  leaderProxyReadTimeoutMs: number;
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
 * for bad flags, including a malformed `zk://` in `--master` or `--zk`.
 */
export function parseMarathonFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): MarathonFlags {
  const loaded = loadFlags(MARATHON_FLAGS, argv, env, { ...opts, envPrefix: MARATHON_ENV_PREFIX });
  const v = loaded.values;
  const master = getString(v, 'master');
  let zk: ZooKeeperUrl | undefined;
  if (!loaded.help && !loaded.version) {
    if (/^zk:\/\//i.test(master.trim())) zkUrl(master, 'master');
    const zkText = optString(v, 'zk');
    if (zkText !== undefined) zk = zkUrl(zkText, 'zk');
  }
  const port = getNumber(v, 'http_port');
  if (port < 0 || port > 65535) throw new FlagError(`Failed to load flag 'http_port': ${port} is not a port`, 'http_port');
  return {
    help: loaded.help,
    version: loaded.version,
    warnings: loaded.warnings,
    ...readLoggingFlags(v),
    master,
    ...(zk ? { zk } : {}),
    ha: zk !== undefined && !getBool(v, 'disable_ha'),
    zkSessionTimeoutMs: positive(v, 'zk_session_timeout'),
    zkTimeoutMs: positive(v, 'zk_timeout'),
    zkConnectionTimeoutMs: positive(v, 'zk_connection_timeout'),
    leaderProxyConnectionTimeoutMs: positive(v, 'leader_proxy_connection_timeout'),
    leaderProxyReadTimeoutMs: positive(v, 'leader_proxy_read_timeout'),
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

function positive(values: FlagValues, name: string): number {
  const n = getNumber(values, name);
  if (!(n > 0)) throw new FlagError(`Failed to load flag '${name}': must be a positive number of milliseconds`, name);
  return n;
}

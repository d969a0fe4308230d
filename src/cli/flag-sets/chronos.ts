/**
 * `meseta chronos` / `chronos` flags: Chronos 3.x's command line
 * (`SchedulerConfiguration.scala`) for what we implement. Environment
 * variables use Chronos's packaging prefix: `CHRONOS_HTTP_PORT=4400`.
 * State lives in SQLite under `--work_dir` unless ZooKeeper is given
 * (`--zk_hosts=h1:2181,h2:2181` with `--zk_path`, or `--zk=zk://h1:2181/chronos`):
 * then jobs and the framework id live under the path, and every Chronos given
 * the same place joins one leader election at `<path>/candidate`.
 */
import { FlagError, loadFlags, type FlagDef } from '../flags.js';
import type { ZooKeeperUrl } from '../../coordination/zookeeper/zk-url.js';
import {
  LOGGING_FLAGS,
  getBool,
  getNumber,
  getString,
  optNumber,
  optString,
  readLoggingFlags,
  type CommonFlags,
  type LoggingFlags,
  type ParseOptions,
  zkUrl,
} from './common.js';

/** Usage line for `--help`. */
export const CHRONOS_USAGE = 'Usage: chronos --master=HOST:PORT|zk://HOST:PORT/mesos [--zk_hosts=HOST:PORT,…] [options]';

/** Environment prefix of Chronos flags. */
export const CHRONOS_ENV_PREFIX = 'CHRONOS_';

/** Default directory of the job store (an SQLite file `chronos.sqlite` in it). */
export const DEFAULT_CHRONOS_WORK_DIR = '/tmp/chronos';

/** Chronos's flags. */
export const CHRONOS_FLAGS: FlagDef[] = [
  ...LOGGING_FLAGS,
  { name: 'master', type: 'string', required: true, help: 'Mesos master: host:port, or zk://host1:2181,host2:2181/mesos to follow the leading master.' },
  { name: 'http_port', type: 'int', help: 'Port of the REST API.', default: 4400 },
  { name: 'http_address', type: 'string', help: 'Address the REST API binds to.', default: '0.0.0.0' },
  { name: 'hostname', type: 'string', help: 'Hostname advertised to Mesos and in /leader. Default: this machine\'s hostname.' },
  {
    name: 'work_dir',
    type: 'path',
    help: "Directory of Chronos's state (jobs, framework id) as an SQLite file 'chronos.sqlite'.\n(Chronos keeps these in ZooKeeper.)",
    default: DEFAULT_CHRONOS_WORK_DIR,
    aliases: ['state_dir'],
  },
  { name: 'mesos_framework_name', type: 'string', help: 'Framework name registered with Mesos.', default: 'chronos' },
  { name: 'framework_name', type: 'string', help: 'Same as --mesos_framework_name (wins when both are given).' },
  { name: 'mesos_role', type: 'string', help: 'Mesos role to register with.', default: '*' },
  { name: 'user', type: 'string', help: 'Framework user and default runAsUser of jobs.', default: 'root' },
  { name: 'failure_retry', type: 'int', help: 'Delay before retrying a failed task (ms).', default: 60000 },
  { name: 'disable_after_failures', type: 'int', help: 'Disable a job after this many failures since its last success (0 = never).', default: 0 },
  { name: 'mesos_task_cpu', type: 'number', help: 'Default cpus of a job.', default: 0.1 },
  { name: 'mesos_task_mem', type: 'number', help: 'Default mem of a job (MB).', default: 128 },
  { name: 'mesos_task_disk', type: 'number', help: 'Default disk of a job (MB).', default: 256 },
  { name: 'failover_timeout', type: 'int', help: 'Framework failover timeout (seconds).', default: 604800 },
  { name: 'mesos_checkpoint', type: 'bool', help: 'Ask agents to checkpoint our tasks.', default: true },
  { name: 'decline_offer_duration', type: 'int', help: 'Refuse filter for declined offers (ms). Default: Mesos\'s 5 s.' },
  {
    name: 'min_revive_offers_interval',
    type: 'int',
    help: 'Minimum time between REVIVE calls when tasks are queued (ms).\n(Chronos: 5000, and reviving is off unless --revive_offers_for_new_jobs.)',
    default: 1000,
  },
  { name: 'revive_offers_for_new_jobs', type: 'bool', help: 'Accepted for compatibility; queued tasks always revive offers here.', default: true },
  { name: 'zk_hosts', type: 'string', help: 'ZooKeeper servers (host1:2181,host2:2181) for state and leader election.\nWithout it (or --zk), state is kept in SQLite under --work_dir and this process leads alone.' },
  { name: 'zk_path', type: 'string', help: 'ZooKeeper path of the state; candidates register under <zk_path>/candidate.', default: '/chronos/state' },
  { name: 'zk', type: 'string', help: 'zk://[user:pass@]host:port,…/path: --zk_hosts and --zk_path in one URL (wins over both).' },
  { name: 'zk_timeout', type: 'int', help: 'ZooKeeper session timeout (ms); a leader whose session is lost steps down.', default: 10000 },
  { name: 'zk_auth', type: 'string', help: 'user:password for ZooKeeper digest authentication and the ACLs of our znodes.' },
];

/** Parsed Chronos flags. Times in ms unless named otherwise. */
export interface ChronosFlags extends CommonFlags, LoggingFlags {
  master: string;
  /** ZooKeeper ensemble and state path, when given: state there and leader election. */
  zk?: ZooKeeperUrl;
  /** `--zk_timeout`, ms. */
  zkTimeoutMs: number;
  httpPort: number;
  httpAddress: string;
  hostname?: string;
  workDir: string;
  frameworkName: string;
  mesosRole: string;
  user: string;
  failureRetryMs: number;
  disableAfterFailures: number;
  taskCpus: number;
  taskMemMb: number;
  taskDiskMb: number;
  failoverTimeoutSeconds: number;
  checkpoint: boolean;
  declineOfferDurationMs?: number;
  minReviveIntervalMs: number;
}

/**
 * Loads Chronos flags from `argv` and `CHRONOS_*` variables. Throws FlagError
 * for bad values, including malformed `zk://` URLs, ZooKeeper hosts or paths.
 */
export function parseChronosFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): ChronosFlags {
  const loaded = loadFlags(CHRONOS_FLAGS, argv, env, { ...opts, envPrefix: CHRONOS_ENV_PREFIX });
  const v = loaded.values;
  const master = getString(v, 'master');
  let zk: ZooKeeperUrl | undefined;
  if (!loaded.help && !loaded.version) {
    if (/^zk:\/\//i.test(master.trim())) zkUrl(master, 'master');
    zk = zookeeperLocation(optString(v, 'zk'), optString(v, 'zk_hosts'), getString(v, 'zk_path'), optString(v, 'zk_auth'));
  }
  const zkTimeout = getNumber(v, 'zk_timeout');
  if (!(zkTimeout > 0)) throw new FlagError('--zk_timeout must be a positive number of milliseconds', 'zk_timeout');
  const port = getNumber(v, 'http_port');
  if (port < 0 || port > 65535) throw new FlagError(`Invalid --http_port ${port}`, 'http_port');
  const failureRetry = getNumber(v, 'failure_retry');
  if (failureRetry < 0) throw new FlagError('--failure_retry must not be negative', 'failure_retry');
  return {
    help: loaded.help,
    version: loaded.version,
    warnings: loaded.warnings,
    ...readLoggingFlags(v),
    master,
    ...(zk ? { zk } : {}),
    zkTimeoutMs: zkTimeout,
    httpPort: port,
    httpAddress: getString(v, 'http_address'),
    hostname: optString(v, 'hostname'),
    workDir: getString(v, 'work_dir'),
    frameworkName: optString(v, 'framework_name') ?? getString(v, 'mesos_framework_name'),
    mesosRole: getString(v, 'mesos_role'),
    user: getString(v, 'user'),
    failureRetryMs: failureRetry,
    disableAfterFailures: getNumber(v, 'disable_after_failures'),
    taskCpus: getNumber(v, 'mesos_task_cpu'),
    taskMemMb: getNumber(v, 'mesos_task_mem'),
    taskDiskMb: getNumber(v, 'mesos_task_disk'),
    failoverTimeoutSeconds: getNumber(v, 'failover_timeout'),
    checkpoint: getBool(v, 'mesos_checkpoint'),
    declineOfferDurationMs: optNumber(v, 'decline_offer_duration'),
    minReviveIntervalMs: getNumber(v, 'min_revive_offers_interval'),
  };
}

/**
 * Where Chronos's state lives in ZooKeeper: `--zk` as a whole URL, else
 * `--zk_hosts` (plain `h1:2181,h2:2181`, or a `zk://` URL whose path is
 * ignored) under `--zk_path`; `--zk_auth` adds credentials. Undefined when
 * neither `--zk` nor `--zk_hosts` is given.
 */
function zookeeperLocation(zk: string | undefined, hosts: string | undefined, path: string, auth: string | undefined): ZooKeeperUrl | undefined {
  let url: ZooKeeperUrl;
  if (zk !== undefined) {
    url = zkUrl(zk, 'zk');
  } else if (hosts !== undefined) {
    if (!path.startsWith('/')) throw new FlagError(`Failed to load flag 'zk_path': '${path}' is not an absolute znode path`, 'zk_path');
    const list = hosts.trim().replace(/^zk:\/\//i, '').replace(/\/.*$/, '');
    url = zkUrl(`zk://${list}${path === '/' ? '' : path}`, 'zk_hosts');
  } else {
    return undefined;
  }
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    if (colon <= 0 || colon === auth.length - 1) throw new FlagError("--zk_auth must be 'user:password'", 'zk_auth');
    url = { ...url, credentials: { username: auth.slice(0, colon), password: auth.slice(colon + 1) } };
  }
  return url;
}

/**
 * `meseta master` / `mesos-master` flags: mirrors `src/master/flags.cpp`
 * (names, aliases, defaults; see reference §6.2). Flags Mesos has for
 * features we do not implement (modules, hooks, GPU filtering, …) are left
 * out and therefore rejected as unknown.
 */
import { FlagError, loadFlags, type FlagDef, type FlagValues } from '../flags.js';
import {
  LOGGING_FLAGS,
  getBool,
  getNumber,
  getString,
  optNumber,
  optString,
  readLoggingFlags,
  splitList,
  type CommonFlags,
  type LoggingFlags,
  type ParseOptions,
} from './common.js';

/** Usage line for `--help`. */
export const MASTER_USAGE = 'Usage: mesos-master [options]';

/** The master's flags. */
export const MASTER_FLAGS: FlagDef[] = [
  { name: 'ip', type: 'string', help: 'IP address to listen on (also LIBPROCESS_IP). Default: all interfaces.' },
  { name: 'port', type: 'int', help: 'Port to listen on.', default: 5050 },
  { name: 'advertise_ip', type: 'string', help: 'IP address advertised to reach this master\n(published in MasterInfo and ZooKeeper).' },
  { name: 'advertise_port', type: 'int', help: 'Port advertised to reach this master.' },
  { name: 'hostname', type: 'string', help: 'Hostname to advertise; default: reverse lookup of the IP\n(or the IP itself with --no-hostname_lookup).' },
  { name: 'hostname_lookup', type: 'bool', help: 'Whether to look up the hostname when --hostname is not given.', default: true },
  {
    name: 'work_dir',
    type: 'path',
    help: 'Directory of the registry. Required with the replicated_log registry\n(ours: an SQLite file in this directory).',
  },
  { name: 'cluster', type: 'string', help: 'Human readable name for the cluster, shown in the web UI.' },
  {
    name: 'zk',
    type: 'string',
    help: 'ZooKeeper URL for leader election and the registry:\nzk://host1:port1,host2:port2,.../path\nzk://username:password@host1:port1,.../path\nfile:///path/to/file (where file contains one of the above)',
  },
  { name: 'quorum', type: 'int', help: 'The size of the quorum of replicas; required with --zk.\nMust be more than half of the masters.' },
  { name: 'zk_session_timeout', type: 'duration', help: 'ZooKeeper session timeout.', default: '10secs' },
  {
    name: 'registry',
    type: 'string',
    help: "Persistence strategy for the registry: 'replicated_log' (ours: SQLite in --work_dir,\nor ZooKeeper with --zk) or 'in_memory' (for testing).",
    default: 'replicated_log',
  },
  { name: 'registry_strict', type: 'bool', help: 'Disabled in Mesos; accepted for compatibility.', default: false },
  { name: 'registry_fetch_timeout', type: 'duration', help: 'Time to wait when fetching the registry before aborting.', default: '1mins' },
  { name: 'registry_store_timeout', type: 'duration', help: 'Time to wait when storing the registry before aborting.', default: '20secs' },
  { name: 'registry_gc_interval', type: 'duration', help: 'How often to garbage collect unreachable and gone agents from the registry.', default: '15mins' },
  { name: 'registry_max_agent_age', type: 'duration', help: 'Maximum time an unreachable or gone agent is kept in the registry.', default: '2weeks' },
  { name: 'registry_max_agent_count', type: 'int', help: 'Maximum number of unreachable or gone agents kept in the registry.', default: 102400 },
  { name: 'log_auto_initialize', type: 'bool', help: 'Whether to initialize the replicated log automatically.', default: true },
  { name: 'allocator', type: 'string', help: 'Allocator to use.', default: 'HierarchicalDRF' },
  { name: 'allocation_interval', type: 'duration', help: 'Amount of time to wait between performing\n(batch) allocations (e.g., 500ms, 1sec, etc).', default: '1secs' },
  { name: 'role_sorter', type: 'string', help: "Policy to order roles: 'drf' or 'random'.", default: 'drf', aliases: ['user_sorter'] },
  { name: 'framework_sorter', type: 'string', help: "Policy to order frameworks within a role: 'drf' or 'random'.", default: 'drf' },
  {
    name: 'min_allocatable_resources',
    type: 'string',
    help: "Minimum resources an offer must hold: ';'-joined quantities, alternatives joined by '|'.",
    default: 'cpus:0.01|mem:32',
  },
  { name: 'offer_timeout', type: 'duration', help: 'Duration after which an outstanding offer is rescinded.' },
  {
    name: 'agent_ping_timeout',
    type: 'duration',
    help: 'Time to wait for an agent to answer a ping (1secs to 15mins).',
    default: '15secs',
    aliases: ['slave_ping_timeout'],
  },
  {
    name: 'max_agent_ping_timeouts',
    type: 'int',
    help: 'Number of missed pings after which an agent is marked unreachable.',
    default: 5,
    aliases: ['max_slave_ping_timeouts'],
  },
  {
    name: 'agent_reregister_timeout',
    type: 'duration',
    help: 'After a master failover, time agents have to reregister before they are\nmarked unreachable. Mesos requires at least 10mins; we accept less (tests).',
    default: '10mins',
    aliases: ['slave_reregister_timeout'],
  },
  {
    name: 'agent_removal_rate_limit',
    type: 'string',
    help: "Maximum rate at which agents failing health checks are removed, e.g. '1/10mins'.",
    aliases: ['slave_removal_rate_limit'],
  },
  { name: 'recovery_agent_removal_limit', type: 'string', help: 'Failsafe on agents removed after a failover (percentage).', default: '100%', aliases: ['recovery_slave_removal_limit'] },
  { name: 'max_completed_frameworks', type: 'int', help: 'Maximum number of completed frameworks to keep in memory.', default: 50 },
  { name: 'max_completed_tasks_per_framework', type: 'int', help: 'Maximum number of completed tasks per framework to keep in memory.', default: 1000 },
  { name: 'max_unreachable_tasks_per_framework', type: 'int', help: 'Maximum number of unreachable tasks per framework to keep in memory.', default: 1000 },
  { name: 'max_operator_event_stream_subscribers', type: 'int', help: 'Maximum number of operator API event stream subscribers.', default: 1000 },
  { name: 'authenticate_frameworks', type: 'bool', help: 'Only authenticated frameworks may register.', default: false, aliases: ['authenticate'] },
  { name: 'authenticate_http_frameworks', type: 'bool', help: 'Only authenticated HTTP frameworks may subscribe.', default: false },
  { name: 'authenticate_agents', type: 'bool', help: 'Only authenticated agents may register.', default: false, aliases: ['authenticate_slaves'] },
  { name: 'authenticate_http_readonly', type: 'bool', help: 'Require authentication on read-only HTTP endpoints.', default: false },
  { name: 'authenticate_http_readwrite', type: 'bool', help: 'Require authentication on read-write HTTP endpoints.', default: false },
  { name: 'credentials', type: 'path', help: 'Path to a JSON file of credentials: {"credentials":[{"principal":..,"secret":..}]}.' },
  { name: 'acls', type: 'string', help: 'JSON ACLs (or file:///path).' },
  { name: 'roles', type: 'string', help: 'Deprecated: comma-separated whitelist of roles.' },
  { name: 'weights', type: 'string', help: "Deprecated: role weights, 'role1=weight1,role2=weight2'." },
  { name: 'root_submissions', type: 'bool', help: 'Whether frameworks may run as root.', default: true },
  { name: 'firewall_rules', type: 'string', help: 'JSON {"disabled_endpoints":{"paths":[...]}}: these paths answer 403.' },
  { name: 'webui_dir', type: 'path', help: 'Directory of the web UI served at /. Default: the bundled UI.' },
  ...LOGGING_FLAGS,
];

/** Registry backend: Mesos's `replicated_log` maps to our SQLite/ZooKeeper store, `in_memory` to memory. */
export type RegistryKind = 'sqlite' | 'memory';

/** Parsed master flags. Durations are milliseconds. */
export interface MasterFlags extends CommonFlags, LoggingFlags {
  ip?: string;
  port: number;
  advertiseIp?: string;
  advertisePort?: number;
  hostname?: string;
  hostnameLookup: boolean;
  workDir?: string;
  cluster?: string;
  /** `zk://…` URL, already read from the file for `file://`. */
  zk?: string;
  quorum?: number;
  /** ms */
  zkSessionTimeout: number;
  registry: RegistryKind;
  /** ms */
  registryFetchTimeout: number;
  /** ms */
  registryStoreTimeout: number;
  /** ms */
  registryGcInterval: number;
  /** ms */
  registryMaxAgentAge: number;
  registryMaxAgentCount: number;
  allocator: string;
  /** ms */
  allocationInterval: number;
  roleSorter: 'drf' | 'random';
  frameworkSorter: 'drf' | 'random';
  /** Raw `--min_allocatable_resources` text, for the resources parser. */
  minAllocatableResources: string;
  /** ms */
  offerTimeout?: number;
  /** ms */
  agentPingTimeout: number;
  maxAgentPingTimeouts: number;
  /** ms */
  agentReregisterTimeout: number;
  agentRemovalRateLimit?: string;
  recoveryAgentRemovalLimit: string;
  maxCompletedFrameworks: number;
  maxCompletedTasksPerFramework: number;
  maxUnreachableTasksPerFramework: number;
  maxOperatorEventStreamSubscribers: number;
  authenticateFrameworks: boolean;
  authenticateHttpFrameworks: boolean;
  authenticateAgents: boolean;
  authenticateHttpReadonly: boolean;
  authenticateHttpReadwrite: boolean;
  credentials?: string;
  /** ACLs JSON text. */
  acls?: string;
  /** `--roles` whitelist; undefined when not given. */
  roles?: string[];
  /** `--weights` by role. */
  weights?: Record<string, number>;
  rootSubmissions: boolean;
  /** Firewall rules JSON text. */
  firewallRules?: string;
  webuiDir?: string;
}

function sorter(values: FlagValues, name: string): 'drf' | 'random' {
  const v = getString(values, name);
  if (v !== 'drf' && v !== 'random') throw new FlagError(`Unknown sorter '${v}' for '--${name}': expected 'drf' or 'random'`, name);
  return v;
}

function registryKind(text: string): RegistryKind {
  if (text === 'replicated_log' || text === 'sqlite') return 'sqlite';
  if (text === 'in_memory' || text === 'memory') return 'memory';
  throw new FlagError(`'${text}' is not a supported option for registry persistence`, 'registry');
}

/** Parses `--weights=role1=2,role2=0.5`; throws FlagError on malformed entries. */
export function parseWeights(text: string | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const entry of splitList(text)) {
    const [role, weight, ...rest] = entry.split('=');
    const w = Number(weight);
    if (!role || weight === undefined || rest.length > 0 || !Number.isFinite(w) || w <= 0) {
      throw new FlagError(`Invalid weight: '${entry}'`, 'weights');
    }
    out[role.trim()] = w;
  }
  return out;
}

/**
 * Converts loaded values (all MASTER_FLAGS names present, as `loadFlags`
 * returns them) into `MasterFlags`, applying the master's own validations
 * (registry kind, ping timeout range, `--work_dir` with replicated_log).
 * Throws FlagError.
 */
export function readMasterFlags(values: FlagValues, common: CommonFlags): MasterFlags {
  const agentPingTimeout = getNumber(values, 'agent_ping_timeout');
  if (agentPingTimeout < 1000 || agentPingTimeout > 15 * 60 * 1000) {
    throw new FlagError('Expected `--agent_ping_timeout` to be between 1secs and 15mins', 'agent_ping_timeout');
  }
  const registry = registryKind(getString(values, 'registry'));
  const workDir = optString(values, 'work_dir');
  if (registry === 'sqlite' && workDir === undefined && !common.help && !common.version) {
    throw new FlagError('--work_dir needed for replicated log based registry', 'work_dir');
  }
  const roles = optString(values, 'roles');
  return {
    ...common,
    ...readLoggingFlags(values),
    ip: optString(values, 'ip'),
    port: getNumber(values, 'port'),
    advertiseIp: optString(values, 'advertise_ip'),
    advertisePort: optNumber(values, 'advertise_port'),
    hostname: optString(values, 'hostname'),
    hostnameLookup: getBool(values, 'hostname_lookup'),
    workDir,
    cluster: optString(values, 'cluster'),
    zk: optString(values, 'zk'),
    quorum: optNumber(values, 'quorum'),
    zkSessionTimeout: getNumber(values, 'zk_session_timeout'),
    registry,
    registryFetchTimeout: getNumber(values, 'registry_fetch_timeout'),
    registryStoreTimeout: getNumber(values, 'registry_store_timeout'),
    registryGcInterval: getNumber(values, 'registry_gc_interval'),
    registryMaxAgentAge: getNumber(values, 'registry_max_agent_age'),
    registryMaxAgentCount: getNumber(values, 'registry_max_agent_count'),
    allocator: getString(values, 'allocator'),
    allocationInterval: getNumber(values, 'allocation_interval'),
    roleSorter: sorter(values, 'role_sorter'),
    frameworkSorter: sorter(values, 'framework_sorter'),
    minAllocatableResources: getString(values, 'min_allocatable_resources'),
    offerTimeout: optNumber(values, 'offer_timeout'),
    agentPingTimeout,
    maxAgentPingTimeouts: getNumber(values, 'max_agent_ping_timeouts'),
    agentReregisterTimeout: getNumber(values, 'agent_reregister_timeout'),
    agentRemovalRateLimit: optString(values, 'agent_removal_rate_limit'),
    recoveryAgentRemovalLimit: getString(values, 'recovery_agent_removal_limit'),
    maxCompletedFrameworks: getNumber(values, 'max_completed_frameworks'),
    maxCompletedTasksPerFramework: getNumber(values, 'max_completed_tasks_per_framework'),
    maxUnreachableTasksPerFramework: getNumber(values, 'max_unreachable_tasks_per_framework'),
    maxOperatorEventStreamSubscribers: getNumber(values, 'max_operator_event_stream_subscribers'),
    authenticateFrameworks: getBool(values, 'authenticate_frameworks'),
    authenticateHttpFrameworks: getBool(values, 'authenticate_http_frameworks'),
    authenticateAgents: getBool(values, 'authenticate_agents'),
    authenticateHttpReadonly: getBool(values, 'authenticate_http_readonly'),
    authenticateHttpReadwrite: getBool(values, 'authenticate_http_readwrite'),
    credentials: optString(values, 'credentials'),
    acls: optString(values, 'acls'),
    roles: roles === undefined ? undefined : splitList(roles),
    weights: parseWeights(optString(values, 'weights')),
    rootSubmissions: getBool(values, 'root_submissions'),
    firewallRules: optString(values, 'firewall_rules'),
    webuiDir: optString(values, 'webui_dir'),
  };
}

/**
 * Loads the master's flags from `argv` (after the subcommand) and `env`
 * (`MESOS_*`). Throws FlagError with Mesos's one-line message.
 */
export function parseMasterFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): MasterFlags {
  const loaded = loadFlags(MASTER_FLAGS, argv, env, opts);
  return readMasterFlags(loaded.values, { help: loaded.help, version: loaded.version, warnings: loaded.warnings });
}

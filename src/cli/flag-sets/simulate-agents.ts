/**
 * `meseta simulate-agents` flags: a fleet of simulated agents in one process
 * (src/simulator). Names follow the agent's flags where they mean the same
 * thing (`--master`, `--resources`, `--attributes`,
 * `--registration_backoff_factor`).
 */
import { loadFlags, type FlagDef } from '../flags.js';
import { getBool, getNumber, getString, optString, readLoggingFlags, LOGGING_FLAGS, type CommonFlags, type LoggingFlags, type ParseOptions } from './common.js';
import { FlagError } from '../flags.js';
import { DEFAULT_SIM_RESOURCES } from '../../simulator/simulator.js';

/** Usage line for `--help`. */
export const SIMULATE_AGENTS_USAGE = 'Usage: meseta simulate-agents --master=HOST:PORT --count=N [options]';

/** The command's flags. */
export const SIMULATE_AGENTS_FLAGS: FlagDef[] = [
  { name: 'master', type: 'string', required: true, help: 'Master to register with (HOST:PORT or http://HOST:PORT).' },
  { name: 'count', type: 'int', help: 'Number of simulated agents in this process.', default: 1 },
  { name: 'resources', type: 'string', help: "Resources of every agent, as the agent's --resources.", default: DEFAULT_SIM_RESOURCES },
  {
    name: 'attributes',
    type: 'string',
    help: "Attributes of every agent, e.g. 'rack:r{i%10};zone:z{i%3}': {i} is the\nagent's number, {i%N} that number modulo N.",
  },
  {
    name: 'task_duration',
    type: 'duration',
    help: "Run time of a task without a 'duration' (or 'sim_duration') label in seconds.",
    default: '10secs',
  },
  { name: 'hostname_prefix', type: 'string', help: 'Agents are named <prefix>-<n>.', default: 'sim' },
  {
    name: 'id_offset',
    type: 'int',
    help: 'Number of the first agent, so several simulator processes use distinct hostnames.',
    default: 0,
  },
  { name: 'registration_rate', type: 'int', help: 'Agent registrations started per second.', default: 1000 },
  {
    name: 'registration_backoff_factor',
    type: 'duration',
    help: 'Initial bound of the random reconnection delay, doubled per failure up to 1 mins.',
    default: '1secs',
  },
  {
    name: 'status_update_retry_interval_min',
    type: 'duration',
    help: 'First resend of an unacknowledged status update (doubling up to 10mins).',
    default: '10secs',
  },
  {
    name: 'link',
    type: 'bool',
    help: "Carry every agent's channel on one link to the master (as libprocess carries all\nactors of a process on one socket); --no-link gives each agent its own stream.",
    default: true,
  },
  ...LOGGING_FLAGS,
];

/** Parsed flags; durations in ms. */
export interface SimulateAgentsFlags extends CommonFlags, LoggingFlags {
  master: string;
  count: number;
  resources: string;
  attributes?: string;
  taskDurationMs: number;
  hostnamePrefix: string;
  idOffset: number;
  registrationRate: number;
  registrationBackoffFactorMs: number;
  statusUpdateRetryMinMs: number;
  /** One link for the whole fleet (true) or one stream per agent. */
  link: boolean;
}

/** Loads the flags from `argv` and `env` (`MESOS_*`). Throws FlagError for invalid input. */
export function parseSimulateAgentsFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): SimulateAgentsFlags {
  const loaded = loadFlags(SIMULATE_AGENTS_FLAGS, argv, env, opts);
  const v = loaded.values;
  const flags: SimulateAgentsFlags = {
    help: loaded.help,
    version: loaded.version,
    warnings: loaded.warnings,
    ...readLoggingFlags(v),
    master: getString(v, 'master'),
    count: getNumber(v, 'count'),
    resources: getString(v, 'resources'),
    attributes: optString(v, 'attributes'),
    taskDurationMs: getNumber(v, 'task_duration'),
    hostnamePrefix: getString(v, 'hostname_prefix'),
    idOffset: getNumber(v, 'id_offset'),
    registrationRate: getNumber(v, 'registration_rate'),
    registrationBackoffFactorMs: getNumber(v, 'registration_backoff_factor'),
    statusUpdateRetryMinMs: getNumber(v, 'status_update_retry_interval_min'),
    link: getBool(v, 'link'),
  };
  if (!flags.help && !flags.version) {
    if (flags.count < 1) throw new FlagError("Flag 'count' must be at least 1", 'count');
    if (flags.registrationRate < 1) throw new FlagError("Flag 'registration_rate' must be at least 1", 'registration_rate');
    if (flags.idOffset < 0) throw new FlagError("Flag 'id_offset' must not be negative", 'id_offset');
  }
  return flags;
}

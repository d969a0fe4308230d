/**
 * Flags of the operator commands (`meseta state|agents|frameworks|tasks|logs|top`).
 *
 * Every one takes `--master=HOST:PORT` (default `127.0.0.1:5050`, also
 * `MESOS_MASTER` in the environment, as the Mesos tools read it) and, where a
 * table is printed, `--json`. The rest is per command; each set is composed
 * from the shared pieces so the names and help texts stay the same everywhere.
 */
import { FlagError, loadFlags, type FlagDef } from '../flags.js';
import { getBool, getString, optNumber, optString, splitList, type CommonFlags, type ParseOptions } from './common.js';

/** The operator commands, by name. */
export type OperatorCommand = 'state' | 'agents' | 'frameworks' | 'tasks' | 'logs' | 'top';

const MASTER: FlagDef = {
  name: 'master',
  type: 'string',
  help: 'Master to ask (host:port, or a standby that redirects to the leader).\nzk:// URLs are not supported yet.',
  default: '127.0.0.1:5050',
};
const JSON_FLAG: FlagDef = { name: 'json', type: 'bool', help: 'Print JSON instead of a table.', default: false };
const ALL_FRAMEWORKS: FlagDef = { name: 'all', type: 'bool', help: 'Include completed frameworks.', default: false };

/** Flag definitions per command. */
export const OPERATOR_FLAGS: Readonly<Record<OperatorCommand, FlagDef[]>> = {
  state: [MASTER, { name: 'json', type: 'bool', help: 'Print the raw JSON (one line) instead of indented JSON.', default: false }],
  agents: [MASTER, JSON_FLAG],
  frameworks: [MASTER, JSON_FLAG, ALL_FRAMEWORKS],
  tasks: [
    MASTER,
    JSON_FLAG,
    {
      name: 'all',
      type: 'bool',
      help: 'Include completed and unreachable tasks; without it, active tasks only.',
      default: false,
    },
    {
      name: 'state',
      type: 'string',
      help: "Only tasks in these states, comma-separated ('running', 'TASK_FAILED' …);\ncompleted tasks are searched too.",
    },
    { name: 'framework', type: 'string', help: 'Only tasks of this framework (id or name).' },
    { name: 'agent', type: 'string', help: 'Only tasks on this agent (id, hostname or ip:port).' },
  ],
  logs: [
    MASTER,
    { name: 'follow', type: 'bool', help: 'Keep printing new output until the task ends (or Ctrl-C).', default: false },
    { name: 'stderr', type: 'bool', help: "Print the task's stderr instead of its stdout.", default: false },
    { name: 'tail', type: 'int', help: 'Print only the last N lines (then follow, with --follow).' },
    { name: 'poll_interval', type: 'duration', help: 'How often --follow polls the sandbox.', default: '500ms' },
  ],
  top: [
    MASTER,
    JSON_FLAG,
    { name: 'interval', type: 'duration', help: 'Time between two samples (cpu% is measured over it).', default: '2secs' },
    { name: 'once', type: 'bool', help: 'Print one table (two samples --interval apart) and exit.', default: false },
  ],
};

/** Usage lines for `--help`. */
export const OPERATOR_USAGE: Readonly<Record<OperatorCommand, string>> = {
  state: "Usage: meseta state [--master=HOST:PORT] [--json]\n\nPrints the master's /master/state.",
  agents: 'Usage: meseta agents [--master=HOST:PORT] [--json]\n\nLists the agents registered with the master.',
  frameworks: 'Usage: meseta frameworks [--master=HOST:PORT] [--json] [--all]\n\nLists the frameworks known to the master.',
  tasks:
    'Usage: meseta tasks [--master=HOST:PORT] [--json] [--all] [--state=S] [--framework=F] [--agent=A]\n\n' +
    'Lists tasks (active ones unless --all or --state is given).',
  logs:
    'Usage: meseta logs TASK [--master=HOST:PORT] [--follow] [--stderr] [--tail=N]\n\n' +
    "Prints a task's stdout (or stderr) from its sandbox. TASK is a task id or a unique task name.",
  top: 'Usage: meseta top [--master=HOST:PORT] [--interval=2secs] [--once] [--json]\n\nLive cpu and memory per executor, from each agent\'s /monitor/statistics.',
};

/** Parsed operator flags; fields a command does not define keep their neutral value. */
export interface OperatorFlags extends CommonFlags {
  /** `--master` text as given (`host:port`, `zk://…`). */
  master: string;
  json: boolean;
  all: boolean;
  /** `tasks --state`: canonical TaskState names (`TASK_RUNNING`); empty = no filter. */
  states: string[];
  /** `tasks --framework`: id or name. */
  framework?: string;
  /** `tasks --agent`: id, hostname or `ip:port`. */
  agent?: string;
  follow: boolean;
  stderr: boolean;
  /** `logs --tail` (lines). */
  tail?: number;
  /** `logs --poll_interval`, ms. */
  pollInterval: number;
  /** `top --interval`, ms. */
  interval: number;
  once: boolean;
  /** Positional arguments (`logs TASK`). */
  positional: string[];
}

/**
 * `running` / `task_running` / `TASK_RUNNING` → `TASK_RUNNING`. Does not
 * check that the state exists (an unknown state just matches nothing).
 */
export function canonicalTaskState(text: string): string {
  const upper = text.trim().toUpperCase();
  return upper.startsWith('TASK_') ? upper : `TASK_${upper}`;
}

/**
 * Loads the flags of operator command `command` from `argv` (after the
 * subcommand) and `env` (`MESOS_*`). Throws FlagError with stout's one-line
 * message; also for a non-positive `--interval`/`--poll_interval`, a
 * negative `--tail`, or positional arguments where the command takes none.
 */
export function parseOperatorFlags(
  command: OperatorCommand,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  opts: ParseOptions = {},
): OperatorFlags {
  const loaded = loadFlags(OPERATOR_FLAGS[command], argv, env, { ...opts, allowPositional: command === 'logs' });
  const v = loaded.values;
  const tail = optNumber(v, 'tail');
  if (tail !== undefined && tail < 0) throw new FlagError(`'--tail' must not be negative`, 'tail');
  for (const name of ['interval', 'poll_interval']) {
    const ms = optNumber(v, name);
    if (ms !== undefined && ms <= 0) throw new FlagError(`'--${name}' must be positive`, name);
  }
  return {
    help: loaded.help,
    version: loaded.version,
    warnings: loaded.warnings,
    master: getString(v, 'master'),
    json: getBool(v, 'json'),
    all: getBool(v, 'all'),
    states: splitList(optString(v, 'state')).map(canonicalTaskState),
    framework: optString(v, 'framework'),
    agent: optString(v, 'agent'),
    follow: getBool(v, 'follow'),
    stderr: getBool(v, 'stderr'),
    tail,
    pollInterval: optNumber(v, 'poll_interval') ?? 500,
    interval: optNumber(v, 'interval') ?? 2000,
    once: getBool(v, 'once'),
    positional: loaded.positional,
  };
}

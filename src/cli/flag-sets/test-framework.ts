/**
 * `meseta test-framework` / `test-framework` flags, after Mesos's example
 * frameworks (`src/examples/test_framework.cpp`, and the Java and Python
 * ones). The C++ example takes `--master=host:5050`; the Java and Python ones
 * take the master as their first argument (`test-framework master:5050`), and
 * the seed even shows `test-framework master: 5050`, which we join back.
 */
import { FlagError, loadFlags, type FlagDef } from '../flags.js';
import { getBool, getNumber, getString, optString, type CommonFlags, type ParseOptions } from './common.js';

/** Usage line for `--help`. */
export const TEST_FRAMEWORK_USAGE = 'Usage: test-framework --master=HOST:PORT [options]   (or: test-framework HOST:PORT)';

/** test-framework's flags. */
export const TEST_FRAMEWORK_FLAGS: FlagDef[] = [
  { name: 'master', type: 'string', help: 'Mesos master (host:port or zk://…/mesos); may also be given as the first argument.' },
  {
    name: 'executor',
    type: 'bool',
    help: 'Launch tasks with the custom test-executor (as the Mesos examples do)\ninstead of command tasks.',
    default: false,
  },
  { name: 'num_tasks', type: 'int', help: 'Number of tasks to run before exiting.', default: 5 },
  { name: 'role', type: 'string', help: 'Role to use when registering.', default: '*' },
  { name: 'checkpoint', type: 'bool', help: 'Enable checkpointing for the framework.', default: false },
  { name: 'principal', type: 'string', help: 'The principal to use for framework authentication.' },
  { name: 'secret', type: 'string', help: 'The secret to use for framework authentication.' },
];

/** Parsed test-framework flags. */
export interface TestFrameworkFlags extends CommonFlags {
  /** `host:port` or `zk://…`; `''` only under `--help`. */
  master: string;
  /** Use the custom test-executor variant. */
  executor: boolean;
  numTasks: number;
  role: string;
  checkpoint: boolean;
  principal?: string;
  secret?: string;
}

/** `['master:', '5050']` → `'master:5050'`; a single argument as is. */
function masterFromPositional(positional: string[]): string | undefined {
  const [first, second, ...rest] = positional;
  if (first === undefined) return undefined;
  if (first.endsWith(':') && second !== undefined && /^\d+$/.test(second) && rest.length === 0) return first + second;
  if (second !== undefined) throw new FlagError(`Unexpected argument '${second}'`);
  return first;
}

/**
 * Loads test-framework flags from `argv` and `env` (`MESOS_*`); the master
 * may be `--master=…` or the first positional argument (the flag wins, then
 * the argument, then `MESOS_MASTER`).
 * Throws FlagError (`Missing required option --master`, as the examples say).
 */
export function parseTestFrameworkFlags(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  opts: ParseOptions = {},
): TestFrameworkFlags {
  const loaded = loadFlags(TEST_FRAMEWORK_FLAGS, argv, env, { ...opts, allowPositional: true });
  const v = loaded.values;
  const positionalMaster = masterFromPositional(loaded.positional);
  // Command line (flag, then argument) before the environment.
  const master = loaded.sources.master === 'argv' ? optString(v, 'master') : (positionalMaster ?? optString(v, 'master'));
  if (master === undefined && !loaded.help && !loaded.version) {
    throw new FlagError('Missing required option --master', 'master');
  }
  return {
    help: loaded.help,
    version: loaded.version,
    warnings: loaded.warnings,
    master: master ?? '',
    executor: getBool(v, 'executor'),
    numTasks: getNumber(v, 'num_tasks'),
    role: getString(v, 'role'),
    checkpoint: getBool(v, 'checkpoint'),
    principal: optString(v, 'principal'),
    secret: optString(v, 'secret'),
  };
}

/**
 * `meseta execute` / `mesos-execute` flags: mirrors the flags of Mesos's
 * `src/cli/execute.cpp` (the HDFS/package and Appc flags are left out).
 */
import { loadFlags, type FlagDef } from '../flags.js';
import {
  getBool,
  getString,
  optNumber,
  optString,
  parseStringMap,
  splitList,
  type CommonFlags,
  type ParseOptions,
} from './common.js';

/** Usage line for `--help`. */
export const EXECUTE_USAGE = 'Usage: mesos-execute --master=HOST:PORT --name=NAME --command=COMMAND [options]';

/** mesos-execute's flags. */
export const EXECUTE_FLAGS: FlagDef[] = [
  { name: 'master', type: 'string', required: true, help: 'Mesos master (e.g., IP:PORT, or zk://…/mesos).' },
  { name: 'name', type: 'string', required: true, help: 'Name for the command (also its task id).' },
  { name: 'command', type: 'string', help: 'Command to launch.' },
  {
    name: 'shell',
    type: 'bool',
    help: "Whether the command is run by a shell. If not, 'command' is the executable.",
    default: true,
  },
  {
    name: 'env',
    type: 'string',
    help: 'Command environment variables as a JSON object ({"name1": "value1"}),\nor file:///path/to/file holding it.',
  },
  { name: 'resources', type: 'string', help: 'Resources for the command.', default: 'cpus:1;mem:128' },
  { name: 'framework_name', type: 'string', help: 'Name of the framework.', default: 'mesos-execute instance' },
  { name: 'role', type: 'string', help: 'Role to use when registering.', default: '*' },
  { name: 'checkpoint', type: 'bool', help: 'Enable checkpointing for the framework.', default: false },
  { name: 'kill_after', type: 'duration', help: 'Delay after which the task is killed (e.g., 10secs, 2mins).' },
  { name: 'containerizer', type: 'string', help: 'Containerizer to be used (i.e., docker, mesos).', default: 'mesos' },
  { name: 'docker_image', type: 'string', help: 'Docker image following the Docker CLI naming <image>:<tag>.' },
  { name: 'networks', type: 'string', help: 'Comma-separated list of networks the container joins.' },
  { name: 'volumes', type: 'string', help: 'JSON array of Volume objects (or file:///path/to/file).' },
  { name: 'framework_capabilities', type: 'string', help: 'Comma-separated list of framework capabilities to enable.' },
  { name: 'principal', type: 'string', help: 'The principal to use for framework authentication.' },
  { name: 'secret', type: 'string', help: 'The secret to use for framework authentication.' },
  { name: 'task', type: 'string', help: 'A TaskInfo as JSON (or file:///path/to/file); replaces --command/--resources.' },
  { name: 'task_group', type: 'string', help: 'A TaskGroupInfo as JSON (or file:///path/to/file).' },
];

/** Parsed mesos-execute flags. */
export interface ExecuteFlags extends CommonFlags {
  master: string;
  name: string;
  command?: string;
  shell: boolean;
  env?: Record<string, string>;
  /** Raw resources text (`cpus:1;mem:128`). */
  resources: string;
  frameworkName: string;
  role: string;
  checkpoint: boolean;
  /** ms */
  killAfter?: number;
  containerizer: string;
  dockerImage?: string;
  networks: string[];
  /** Volumes JSON text. */
  volumes?: string;
  frameworkCapabilities: string[];
  principal?: string;
  secret?: string;
  /** TaskInfo JSON text. */
  task?: string;
  /** TaskGroupInfo JSON text. */
  taskGroup?: string;
}

/**
 * Loads mesos-execute flags from `argv` and `env` (`MESOS_*`). Throws
 * FlagError with Mesos's one-line message.
 */
export function parseExecuteFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): ExecuteFlags {
  const loaded = loadFlags(EXECUTE_FLAGS, argv, env, opts);
  const v = loaded.values;
  return {
    help: loaded.help,
    version: loaded.version,
    warnings: loaded.warnings,
    master: getString(v, 'master'),
    name: getString(v, 'name'),
    command: optString(v, 'command'),
    shell: getBool(v, 'shell'),
    env: parseStringMap('env', optString(v, 'env')),
    resources: getString(v, 'resources'),
    frameworkName: getString(v, 'framework_name'),
    role: getString(v, 'role'),
    checkpoint: getBool(v, 'checkpoint'),
    killAfter: optNumber(v, 'kill_after'),
    containerizer: getString(v, 'containerizer'),
    dockerImage: optString(v, 'docker_image'),
    networks: splitList(optString(v, 'networks')),
    volumes: optString(v, 'volumes'),
    frameworkCapabilities: splitList(optString(v, 'framework_capabilities')),
    principal: optString(v, 'principal'),
    secret: optString(v, 'secret'),
    task: optString(v, 'task'),
    taskGroup: optString(v, 'task_group'),
  };
}

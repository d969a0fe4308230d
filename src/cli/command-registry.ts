/**
 * The `meseta` subcommands and the Mesos program names that stand for them.
 *
 * Each subcommand lives in `src/cli/commands/<name>.ts` and exports
 * `run(argv, env): Promise<number>` (argv = the arguments after the
 * subcommand). Modules are imported only when their command runs, so
 * `meseta version` loads none of them and a command whose module is absent
 * (not written yet, or left out of a build) is reported, not crashed on.
 */

/** A subcommand's module shape. */
export interface CommandModule {
  /** Runs the command; resolves to the process exit code. Throws FlagError for bad flags. */
  run(argv: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

/** A subcommand as `meseta help` lists it. */
export interface CommandInfo {
  name: string;
  /** Module file under `src/cli/commands/` (without extension). */
  module: string;
  summary: string;
  /** The Mesos program this command stands in for (`mesos-master`), used in messages. */
  mesosProgram?: string;
}

/** All subcommands, in `meseta help` order. */
export const COMMANDS: readonly CommandInfo[] = [
  { name: 'local', module: 'local', summary: 'a master and its agent(s) in one process', mesosProgram: 'mesos-local' },
  { name: 'master', module: 'master', summary: 'run a master (as mesos-master)', mesosProgram: 'mesos-master' },
  { name: 'agent', module: 'agent', summary: "run an agent (as mesos-agent; 'slave' also works)", mesosProgram: 'mesos-agent' },
  { name: 'execute', module: 'execute', summary: 'run one command as a task (as mesos-execute)', mesosProgram: 'mesos-execute' },
  { name: 'test-framework', module: 'test-framework', summary: "run Mesos's example framework", mesosProgram: 'test-framework' },
  { name: 'test-executor', module: 'test-executor', summary: "the example framework's custom executor", mesosProgram: 'test-executor' },
  { name: 'chronos', module: 'chronos', summary: 'a Chronos-compatible job scheduler (a framework)', mesosProgram: 'chronos' },
  { name: 'marathon', module: 'marathon', summary: 'a Marathon-compatible service scheduler (a framework; REST v2 on :8080)', mesosProgram: 'marathon' },
  { name: 'simulate-agents', module: 'simulate-agents', summary: 'N simulated agents in one process, running tasks without processes' },
  // Operator commands: they ask a running cluster over its public HTTP endpoints.
  { name: 'state', module: 'state', summary: "print the master's /master/state" },
  { name: 'agents', module: 'agents', summary: 'list the agents' },
  { name: 'frameworks', module: 'frameworks', summary: 'list the frameworks' },
  { name: 'tasks', module: 'tasks', summary: 'list tasks (--all, --state, --framework, --agent)' },
  { name: 'logs', module: 'logs', summary: "print a task's stdout/stderr (--follow)" },
  { name: 'top', module: 'top', summary: 'live cpu and memory per executor' },
];

/** Other names accepted as the subcommand argument. */
export const SUBCOMMAND_ALIASES: Readonly<Record<string, string>> = {
  slave: 'agent',
};

/**
 * Program names (basename of the executable, `.sh`/`.js` stripped) that run
 * a subcommand directly, as the Mesos binaries do.
 */
export const PROGRAM_ALIASES: Readonly<Record<string, string>> = {
  'mesos-master': 'master',
  'mesos-agent': 'agent',
  'mesos-slave': 'agent',
  'mesos-local': 'local',
  'mesos-execute': 'execute',
  'test-framework': 'test-framework',
  'test-executor': 'test-executor',
  chronos: 'chronos',
  marathon: 'marathon',
};

/** The command for a subcommand argument (`slave` → agent), or undefined. */
export function findCommand(name: string): CommandInfo | undefined {
  const canonical = SUBCOMMAND_ALIASES[name] ?? name;
  return COMMANDS.find((c) => c.name === canonical);
}

/** The command a program name stands for (`mesos-slave.sh` → agent), or undefined. */
export function commandForProgram(program: string): CommandInfo | undefined {
  const bare = program.replace(/\.(sh|js|mjs|cjs)$/, '');
  const name = PROGRAM_ALIASES[bare];
  return name === undefined ? undefined : findCommand(name);
}

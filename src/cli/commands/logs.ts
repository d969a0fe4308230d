/**
 * `meseta logs TASK [--follow] [--stderr] [--tail=N]`: a task's stdout (or
 * stderr) from its sandbox on its agent, found through `/master/state`,
 * the agent's `/slave(1)/state` and `/files/read`. TASK is a task id or a
 * unique task name; completed tasks work as long as the agent keeps their
 * sandbox. `--follow` keeps printing until the task ends (or Ctrl-C).
 */
import { FlagError } from '../flags.js';
import { runOperator } from '../operator/run-operator.js';
import { printTaskLog } from '../operator/task-log.js';

/** Runs `meseta logs`; 0, or 1 for an unknown/ambiguous task or an unreachable daemon. */
export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runOperator('logs', argv, env, async ({ flags, master, out }) => {
    const [task, extra] = flags.positional;
    if (task === undefined || task === '') throw new FlagError('Missing the task: meseta logs TASK (a task id or name)');
    if (extra !== undefined) throw new FlagError(`Unexpected argument '${extra}'`);
    await printTaskLog({
      master,
      task,
      file: flags.stderr ? 'stderr' : 'stdout',
      follow: flags.follow,
      tail: flags.tail,
      pollIntervalMs: flags.pollInterval,
      write: out,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    return 0;
  });
}

/**
 * `meseta tasks`: tasks from `/master/state` — active ones by default, every
 * task the master remembers with `--all` — filtered by `--state`,
 * `--framework` and `--agent`. `--json` prints the rows as a JSON array
 * (states in full, `TASK_RUNNING`; `started` in float seconds or null).
 */
import { fetchMasterState } from '../operator/cluster-client.js';
import { jsonText, runOperator } from '../operator/run-operator.js';
import { allTasks, filterTasks, renderTasksTable } from '../operator/task-rows.js';

/** Runs `meseta tasks`; 0, or 1 when the master cannot be asked. */
export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runOperator('tasks', argv, env, async ({ flags, master, out }) => {
    const rows = filterTasks(allTasks(await fetchMasterState(master)), {
      all: flags.all,
      states: flags.states,
      framework: flags.framework,
      agent: flags.agent,
    });
    out(flags.json ? jsonText(rows) : renderTasksTable(rows, Date.now()));
    return 0;
  });
}

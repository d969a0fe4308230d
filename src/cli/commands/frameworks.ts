/**
 * `meseta frameworks`: the frameworks the master knows (`--all` adds the
 * completed ones): id, name, status, roles, active tasks, cpus and mem used.
 * `--json` prints the rows as a JSON array.
 */
import { fetchMasterState } from '../operator/cluster-client.js';
import { frameworkRows, renderFrameworksTable } from '../operator/framework-rows.js';
import { jsonText, runOperator } from '../operator/run-operator.js';

/** Runs `meseta frameworks`; 0, or 1 when the master cannot be asked. */
export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runOperator('frameworks', argv, env, async ({ flags, master, out }) => {
    const rows = frameworkRows(await fetchMasterState(master), flags.all);
    out(flags.json ? jsonText(rows) : renderFrameworksTable(rows));
    return 0;
  });
}

/**
 * `meseta agents`: the agents registered with the master (`/master/state`
 * `slaves`), one per line: id, hostname, ip:port, active, cpus/mem/disk
 * used of total, attributes. `--json` prints the rows as a JSON array.
 */
import { agentRows, renderAgentsTable } from '../operator/agent-rows.js';
import { fetchMasterState } from '../operator/cluster-client.js';
import { jsonText, runOperator } from '../operator/run-operator.js';

/** Runs `meseta agents`; 0, or 1 when the master cannot be asked. */
export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runOperator('agents', argv, env, async ({ flags, master, out }) => {
    const rows = agentRows(await fetchMasterState(master));
    out(flags.json ? jsonText(rows) : renderAgentsTable(rows));
    return 0;
  });
}

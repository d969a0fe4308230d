/**
 * `meseta state`: the leading master's `/master/state`, indented for reading
 * (or on one line with `--json`, for `jq` and scripts).
 */
import { fetchMasterState } from '../operator/cluster-client.js';
import { jsonText, runOperator } from '../operator/run-operator.js';

/** Runs `meseta state`; 0, or 1 when the master cannot be asked. */
export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runOperator('state', argv, env, async ({ flags, master, out }) => {
    const state = await fetchMasterState(master);
    out(flags.json ? `${JSON.stringify(state)}\n` : jsonText(state));
    return 0;
  });
}

/**
 * `meseta top`: cpu and memory of every executor in the cluster, from each
 * agent's `/monitor/statistics`, redrawn every `--interval` until Ctrl-C.
 * cpu% is measured between consecutive samples (100% = one core).
 * `--once` takes two samples `--interval` apart, prints one table (or JSON
 * rows with `--json`) and exits.
 */
import { formatDuration } from '../../mesos/durations.js';
import { renderTopTable, topRows } from '../operator/cpu-usage.js';
import { endpointText } from '../operator/http-json.js';
import { sampleCluster, type MonitorRound } from '../operator/monitor-sampler.js';
import { isOperatorError } from '../operator/operator-error.js';
import { jsonText, runOperator } from '../operator/run-operator.js';

/** ANSI: cursor home, clear screen. */
const CLEAR = '\u001b[H\u001b[2J';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `meseta top`; 0 after `--once` (or Ctrl-C), 1 when the master cannot be asked at first. */
export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runOperator('top', argv, env, async ({ flags, master, out, err }) => {
    let previous: MonitorRound = await sampleCluster(master);
    if (flags.once) {
      await sleep(flags.interval);
      const current = await sampleCluster(master);
      for (const p of current.problems) err(`${p}\n`);
      const rows = topRows(previous.samples, current.samples, current.state);
      out(flags.json ? jsonText(rows) : renderTopTable(rows));
      return 0;
    }
    let current: MonitorRound | undefined;
    let failure = '';
    for (;;) {
      const rows = topRows(current ? previous.samples : undefined, (current ?? previous).samples, (current ?? previous).state);
      const problems = [...(current ?? previous).problems, ...(failure ? [failure] : [])];
      const heading = `meseta top — master ${endpointText(master)} — every ${formatDuration(flags.interval)} — ${new Date().toLocaleTimeString()}\n\n`;
      out(CLEAR + heading + (flags.json ? jsonText(rows) : renderTopTable(rows)) + problems.map((p) => `\n! ${p}`).join('') + '\n');
      await sleep(flags.interval);
      try {
        const next = await sampleCluster(master);
        if (current) previous = current;
        current = next;
        failure = '';
      } catch (error) {
        // Keep the last table on screen and say why it is stale; the master may come back.
        if (!isOperatorError(error)) throw error;
        failure = error.message;
      }
    }
  });
}

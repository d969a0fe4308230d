/**
 * The dependency graph as text (`Exporter.scala`, JGraphT's DOTExporter):
 * `GET /graph/csv` (what the UI draws) and `GET /graph/dot`. Pure.
 */
import type { ChronosJob } from './job.js';
import { lastState } from './job.js';

/**
 * CSV: `node,<job>,<lastState>,<currentState>` per job then
 * `link,<parent>,<child>` per edge, each line `\n`-terminated, no header.
 * `currentState(name)` gives `idle`, `queued`, `running` or `<n> running`.
 */
export function graphCsv(jobs: readonly ChronosJob[], edges: ReadonlyArray<[string, string]>, currentState: (name: string) => string): string {
  let out = '';
  for (const job of jobs) out += `node,${job.name},${lastState(job)},${currentState(job.name)}\n`;
  for (const [parent, child] of edges) out += `link,${parent},${child}\n`;
  return out;
}

/** Graphviz DOT with integer vertex ids and job names as labels, as JGraphT prints it. */
export function graphDot(jobs: readonly ChronosJob[], edges: ReadonlyArray<[string, string]>): string {
  const ids = new Map<string, number>();
  let out = 'digraph G {\n';
  for (const job of jobs) {
    ids.set(job.name, ids.size + 1);
    out += `  ${ids.size} [ label="${job.name}" ];\n`;
  }
  for (const [parent, child] of edges) {
    const from = ids.get(parent);
    const to = ids.get(child);
    if (from !== undefined && to !== undefined) out += `  ${from} -> ${to};\n`;
  }
  return `${out}}\n`;
}

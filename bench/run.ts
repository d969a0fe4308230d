/**
 * `npm run bench` runs every benchmark and prints one table; `-- --smoke` runs
 * each at a small size (well under a minute). Results also go to
 * bench/results/<bench>.json.
 */
import { run as allocator } from './allocator.js';
import { run as launch } from './launch.js';

const smoke = process.argv.includes('--smoke');
const rows: Array<[string, string, string]> = [];

const alloc = await allocator({ smoke, print: false, ...(smoke ? { runs: 3 } : {}) });
for (const s of alloc.scenarios) {
  rows.push([`allocator: one pass, ${s.agents} agents / ${s.frameworks} frameworks`, `${s.passMs.median} ms`, `${s.msPer1kAgents} ms per 1k agents`]);
}
const l = await launch({ smoke, print: false });
rows.push([`launch: ${l.tasks} × 'true' via meseta local`, `${l.mesetaTasksPerSecond} tasks/s`, `${l.ratioToFloor} × floor (${l.floorTasksPerSecond}/s sh -c true, 2 at a time)`]);

const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(`\nbenchmark${' '.repeat(width - 9)}  figure            ratio / note\n`);
for (const [name, figure, note] of rows) process.stdout.write(`${name.padEnd(width)}  ${figure.padEnd(16)}  ${note}\n`);
process.stdout.write(`(node ${process.version}, ${alloc.cpus} cpus${smoke ? ', smoke sizes' : ''})\n`);

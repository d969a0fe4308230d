// Shared launcher of `meseta` and its Mesos-named aliases (mesos-master,
// mesos-agent, mesos-slave, mesos-local, mesos-execute, test-framework).
// The subcommand is chosen by src/cli/main.ts from the name the program was
// invoked under (basename of process.argv[1]), which is also the name npm
// gives its own links to these files.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write("meseta: not built; run 'npm install' (or 'npm run build') first\n");
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2), { program: basename(process.argv[1] ?? 'meseta') });
process.exit(code);

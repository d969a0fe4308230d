// Builds the task launcher (native/meseta-launcher.c) with the system C compiler.
// Fails loudly: an agent without its launcher cannot run tasks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
const src = 'native/meseta-launcher.c';
if (!existsSync(src)) process.exit(0);
mkdirSync('build', { recursive: true });
const cc = process.env.CC ?? 'cc';
// -z now: every symbol is bound when the server starts, not again in each launcher it forks.
execFileSync(cc, ['-O2', '-Wall', '-Wextra', '-Wl,-z,now', '-o', 'build/meseta-launcher', src], { stdio: 'inherit' });

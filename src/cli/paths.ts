/**
 * Where the installed package's own files are, from the compiled module's
 * location (dist/src/cli/paths.js → package root three levels up).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** Absolute path of the package root (the directory holding package.json). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The native task launcher built at install time. */
export function launcherPath(): string {
  return join(packageRoot(), 'build', 'meseta-launcher');
}

/** The `meseta` executable, for executors we launch ourselves (test-executor). */
export function mesetaBin(): string {
  return join(packageRoot(), 'bin', 'meseta');
}

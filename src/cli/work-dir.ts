/**
 * Directory checks at start-up, with the one-line messages a newcomer needs
 * (seed case 7: "work_dir not writable").
 */
import { accessSync, constants, mkdirSync } from 'node:fs';

const REASONS: Record<string, string> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
};

/**
 * Creates `dir` (and parents) if needed and checks it is writable.
 * Throws Error `Failed to create <what> '<dir>': Permission denied` and the like.
 */
export function ensureWritableDir(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new Error(`Failed to create ${what} '${dir}': ${REASONS[code] ?? (error as Error).message}`);
  }
}

/**
 * Deletes a directory tree by direct system calls, reading each directory once
 * with its entries' types (getdents gives them), so no entry is lstat'ed and no
 * directory removal is tried before it is empty, as a generic recursive removal
 * does. The agent removes a few such small trees per task (a retired
 * executor's checkpoints, a container's runtime files), on its own thread or,
 * as a fallback, for the launcher server (which does the same in its process).
 * Also `removeEmptyDirs`, for cgroups, which must never be recursed into.
 */
import { readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * Removes `dir` and everything under it; a missing `dir` is fine. Symlinks are
 * unlinked, never followed.
 * @throws the fs error of the first entry that cannot be removed (e.g. EACCES, EBUSY).
 */
export function removeTree(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // Not a directory: a plain file or a link where a tree was expected.
    if (code === 'ENOTDIR') return unlinkSync(dir);
    throw error;
  }
  for (const entry of entries) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) removeTree(child);
    else unlinkSync(child);
  }
  rmdirSync(dir);
}

/**
 * Removes empty directories in order (cgroups: never recursed into); a missing
 * one is fine.
 * @throws the fs error of the first that cannot be removed (EBUSY, ENOTEMPTY, …).
 */
export function removeEmptyDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

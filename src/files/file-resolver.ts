/**
 * Turns a virtual path into a host path that is provably inside its attached
 * root (Mesos `FilesProcess::resolve`, made stricter), and opens files so that
 * what is read is what was checked.
 *
 * Checks, in order:
 *   1. no NUL byte                                   → 400
 *   2. some attachment covers the path               → else 404
 *   3. the lexical join of root + suffix stays inside → else 403 (catches `..`
 *      before the disk is asked, so outside files' existence is not revealed)
 *   4. the canonical path (every symlink followed, one component at a
 *      time, dangling ones too) stays inside       → else 403
 *   5. exists                                        → else 404
 * and when a file is opened: `O_NOFOLLOW|O_NONBLOCK`, then the kernel's own
 * idea of the open file (`/proc/self/fd/N`) is checked again, so a task that
 * swaps a checked file for a symlink between the check and the open gains
 * nothing. Containment is by path segments (`/a/b` does not contain
 * `/a/bc`), unlike Mesos's string prefix test.
 *
 * Mesos answers escapes with 400 "inaccessible"; we answer 403 with the same
 * text, and log a warning for every refusal.
 */
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { FilesError } from './files-error.js';
import { type Attachments, matchAttachment, normalizeVirtualPath } from './virtual-path.js';

/** A virtual path resolved to a host path inside its root. */
export interface ResolvedPath {
  /** The virtual path as requested (normalized). */
  virtualPath: string;
  /** Canonical host path (symlinks resolved), inside `root`. */
  realPath: string;
  /** Canonical host path of the attachment it falls under. */
  root: string;
  isDirectory: boolean;
}

/** Warnings about refused requests go here. */
export interface FilesLogger {
  warn(message: string): void;
}

/** Whether `candidate` is `root` or below it, by whole segments. Pure. */
export function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const base = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate.startsWith(base);
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function refuse(logger: FilesLogger | undefined, virtualPath: string, why: string): FilesError {
  logger?.warn(`Refused access to '${virtualPath}': ${why}`);
  return new FilesError('UNAUTHORIZED', `'${virtualPath}' is inaccessible.\n`);
}

/**
 * Resolves `requested` against `attachments`.
 * @throws FilesError INVALID (NUL byte, unreadable path), NOT_FOUND, UNAUTHORIZED (outside its root).
 */
export async function resolveVirtualPath(attachments: Attachments, requested: string, logger?: FilesLogger): Promise<ResolvedPath> {
  if (requested.includes('\0')) {
    logger?.warn(`Refused a files request with a NUL byte in its path: ${JSON.stringify(requested)}`);
    throw new FilesError('INVALID', 'Path contains a NUL byte.\n');
  }
  const virtualPath = normalizeVirtualPath(requested);
  const match = matchAttachment(attachments, virtualPath);
  if (!match) throw new FilesError('NOT_FOUND');
  let root: string;
  try {
    root = await realpath(match.hostPath);
  } catch {
    throw new FilesError('NOT_FOUND'); // attached, but gone from disk (e.g. GC'd sandbox)
  }
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat) throw new FilesError('NOT_FOUND');
  if (!rootStat.isDirectory()) {
    // A file attachment (a log) has nothing below it.
    if (match.suffix.length > 0) throw new FilesError('NOT_FOUND');
    return { virtualPath, realPath: root, root, isDirectory: false };
  }
  const lexical = path.join(root, ...match.suffix);
  if (!isInside(root, lexical)) throw refuse(logger, virtualPath, `'${match.suffix.join('/')}' leaves ${match.virtualRoot}`);
  const walked = await walk(root, match.suffix);
  if (walked.kind === 'error') {
    throw new FilesError('INVALID', `Failed to determine canonical path of '${virtualPath}': ${walked.code}.\n`);
  }
  // Judged before "not found", so a dangling symlink cannot tell which outside paths exist.
  if (!isInside(root, walked.path)) throw refuse(logger, virtualPath, 'a symlink leads outside its root');
  if (walked.kind === 'missing') throw new FilesError('NOT_FOUND');
  const st = await stat(walked.path).catch(() => undefined);
  if (!st) throw new FilesError('NOT_FOUND');
  return { virtualPath, realPath: walked.path, root, isDirectory: st.isDirectory() };
}

/** Symlinks followed per lookup before giving up, as the kernel's ELOOP limit. */
const MAX_SYMLINK_HOPS = 40;

type Walked = { kind: 'found' | 'missing'; path: string } | { kind: 'error'; code: string };

/**
 * `realpath(root/segments)` done by hand, one component at a time, so that
 * when something is missing we still know the canonical path of what exists
 * (`missing.path`), dangling symlinks included.
 */
async function walk(root: string, segments: string[]): Promise<Walked> {
  const pending = [...segments];
  let current = root;
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, segment);
    let isLink: boolean;
    try {
      isLink = (await lstat(next)).isSymbolicLink();
    } catch (error) {
      const code = errno(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', path: current };
      return { kind: 'error', code: code ?? String(error) };
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return { kind: 'error', code: 'ELOOP' };
    let target: string;
    try {
      target = await readlink(next);
    } catch (error) {
      return { kind: 'error', code: errno(error) ?? String(error) };
    }
    if (path.isAbsolute(target)) current = '/';
    pending.unshift(...target.split('/'));
  }
  return { kind: 'found', path: current };
}

/**
 * Opens a resolved regular file for reading, re-checking after the open that
 * the descriptor really is inside the root (see the module comment).
 * The caller owns the returned handle.
 * @throws FilesError INVALID (a directory or not a regular file), NOT_FOUND, UNAUTHORIZED.
 */
export async function openResolvedFile(resolved: ResolvedPath, logger?: FilesLogger): Promise<{ handle: FileHandle; size: number }> {
  if (resolved.isDirectory) throw new FilesError('INVALID', 'Cannot read a directory.\n');
  let handle: FileHandle;
  try {
    handle = await open(resolved.realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = errno(error);
    if (code === 'ENOENT') throw new FilesError('NOT_FOUND');
    if (code === 'ELOOP') throw refuse(logger, resolved.virtualPath, 'became a symlink after it was checked');
    if (code === 'EACCES' || code === 'EPERM') throw new FilesError('UNAUTHORIZED', `Failed to open file '${resolved.virtualPath}': ${code}.\n`);
    throw new FilesError('UNKNOWN', `Failed to open file '${resolved.virtualPath}': ${code ?? String(error)}.\n`);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new FilesError('INVALID', 'Cannot read a directory.\n');
    if (!st.isFile()) throw new FilesError('INVALID', `Cannot read '${resolved.virtualPath}': not a regular file.\n`);
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    if (opened !== undefined && !isInside(resolved.root, opened)) {
      throw refuse(logger, resolved.virtualPath, 'was swapped for a path outside its root while being opened');
    }
    return { handle, size: st.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

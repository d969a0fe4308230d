/**
 * The files service shared by master and agent (Mesos `Files`): browse, read
 * and open files under attached virtual paths. Attachments come from a
 * function called on every request, so the owner (the agent's model of its
 * executors) stays the single source of truth and nothing has to be detached.
 *
 *   routes / operator API ──► FilesService ──► resolveVirtualPath ──► disk
 *                                  │
 *                          attachments(): virtual → host path
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { OwnerNames, StatFields } from './file-info.js';
import { FilesError } from './files-error.js';
import { type FilesLogger, isInside, openResolvedFile, resolveVirtualPath } from './file-resolver.js';
import { contentTypeFor } from './mime-types.js';
import { OwnerNameCache } from './owner-names.js';
import { planRead } from './read-range.js';
import { type Attachments, childVirtualPath, normalizeVirtualPath } from './virtual-path.js';

/** One listed entry, before it is rendered in the classic or v1 dialect. */
export interface ListedFile {
  /** Virtual path: the requested path + `/` + the entry's name. */
  path: string;
  stat: StatFields;
  owner: OwnerNames;
}

/** What a read returns; `offset` is what the classic endpoint echoes. */
export interface ReadResult {
  /** File size in bytes, now. */
  size: number;
  /** The offset asked for, or the size for the probe (`offset` -1). */
  offset: number;
  data: Buffer;
}

/** A file opened for download; the caller must consume or destroy `stream`. */
export interface OpenedFile {
  stream: Readable;
  size: number;
  /** Base name of the host file (Mesos uses it for `Content-Disposition`). */
  name: string;
  contentType: string;
}

export interface FilesServiceOptions {
  /** Current virtual path → host path map; called per request. */
  attachments(): Attachments;
  logger?: FilesLogger;
  owners?: OwnerNameCache;
}

function statFields(s: { mode: number; nlink: number; size: number; mtimeMs: number; uid: number; gid: number }): StatFields {
  return { mode: s.mode, nlink: s.nlink, size: s.size, mtimeMs: s.mtimeMs, uid: s.uid, gid: s.gid };
}

/** See the module comment. Every method throws `FilesError` for refusals. */
export class FilesService {
  private readonly owners: OwnerNameCache;

  constructor(private readonly options: FilesServiceOptions) {
    this.owners = options.owners ?? new OwnerNameCache();
  }

  /** `/files/debug`: the attachments, virtual → host path, sorted by virtual path. */
  debug(): Record<string, string> {
    const entries = [...this.options.attachments()].map(([v, h]) => [normalizeVirtualPath(v), h] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /**
   * Lists a directory, sorted by name (Mesos `FilesProcess::browse`). A file
   * lists as `[]`, as in Mesos. Entries that are symlinks leading outside the
   * root are shown as the link itself, never as their target.
   * @throws FilesError NOT_FOUND, UNAUTHORIZED, INVALID.
   */
  async browse(requested: string): Promise<ListedFile[]> {
    const resolved = await resolveVirtualPath(this.options.attachments(), requested, this.options.logger);
    if (!resolved.isDirectory) return [];
    let names: string[];
    try {
      names = await readdir(resolved.realPath);
    } catch (error) {
      throw new FilesError('UNKNOWN', `Failed to list '${resolved.virtualPath}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.\n`);
    }
    names.sort();
    const out: ListedFile[] = [];
    for (const name of names) {
      const full = path.join(resolved.realPath, name);
      const link = await lstat(full).catch(() => undefined);
      if (!link) continue; // gone since readdir
      let shown = link;
      if (link.isSymbolicLink()) {
        const target = await realpath(full).catch(() => undefined);
        const followed = target !== undefined && isInside(resolved.root, target) ? await stat(full).catch(() => undefined) : undefined;
        if (followed) shown = followed;
      }
      out.push({
        path: childVirtualPath(resolved.virtualPath, name),
        stat: statFields(shown),
        owner: await this.owners.lookup(shown.uid, shown.gid),
      });
    }
    return out;
  }

  /**
   * Reads up to `length` bytes at `offset` (Mesos `FilesProcess::read`);
   * `offset` -1 is the size probe. Capped by `planRead`.
   * @throws FilesError NOT_FOUND, UNAUTHORIZED, INVALID (directories), UNKNOWN.
   */
  async read(requested: string, offset: number, length: number | undefined): Promise<ReadResult> {
    const resolved = await resolveVirtualPath(this.options.attachments(), requested, this.options.logger);
    const { handle, size } = await openResolvedFile(resolved, this.options.logger);
    try {
      if (offset < 0) return { size, offset: size, data: Buffer.alloc(0) };
      const plan = planRead(size, offset, length);
      if (plan.count === 0) return { size, offset, data: Buffer.alloc(0) };
      const buffer = Buffer.alloc(plan.count);
      const { bytesRead } = await handle.read(buffer, 0, plan.count, plan.start);
      return { size, offset, data: buffer.subarray(0, bytesRead) };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * Opens a file to stream it whole (`/files/download`). The stream closes the
   * file when it ends or is destroyed.
   * @throws FilesError NOT_FOUND, UNAUTHORIZED, INVALID ("Cannot download a directory.").
   */
  async open(requested: string): Promise<OpenedFile> {
    const resolved = await resolveVirtualPath(this.options.attachments(), requested, this.options.logger);
    if (resolved.isDirectory) throw new FilesError('INVALID', 'Cannot download a directory.\n');
    const { handle, size } = await openResolvedFile(resolved, this.options.logger);
    const name = path.basename(resolved.realPath);
    // Exactly the bytes there were at open time: a log still being written
    // must not outgrow the Content-Length already sent. 1 MiB chunks: about
    // twice the throughput of the 64 KiB default, memory stays bounded.
    let stream: Readable;
    if (size === 0) {
      await handle.close().catch(() => undefined);
      stream = Readable.from([]);
    } else {
      stream = handle.createReadStream({ start: 0, end: size - 1, autoClose: true, highWaterMark: 1024 * 1024 });
    }
    return { stream, size, name, contentType: contentTypeFor(name) };
  }
}

/**
 * One directory entry as the files endpoints list it, in both dialects:
 *
 * - classic JSON (`/files/browse`, Mesos `model(FileInfo)`):
 *   `{path, nlink, size, mtime (secs), mode ("drwxr-xr-x"), uid (name), gid (name)}`
 * - v1 JSON (LIST_FILES, `mesos.v1.FileInfo`):
 *   `{path, nlink, size, mtime: {nanoseconds}, mode (st_mode number), uid, gid}`
 *
 * Pure: takes the stat fields and the owner names already looked up.
 */

/** The stat fields a listing needs (a subset of `fs.Stats`). */
export interface StatFields {
  mode: number;
  nlink: number;
  size: number;
  /** Modification time, milliseconds since the epoch. */
  mtimeMs: number;
  uid: number;
  gid: number;
}

/** Owner names, or the numeric ids as strings when unknown (Mesos does the same). */
export interface OwnerNames {
  user: string;
  group: string;
}

/** Classic `/files/browse` entry. */
export interface ClassicFileInfo {
  path: string;
  nlink: number;
  size: number;
  mtime: number;
  mode: string;
  uid: string;
  gid: string;
}

/** v1 `FileInfo` (LIST_FILES). */
export interface V1FileInfo {
  path: string;
  nlink: number;
  size: number;
  mtime: { nanoseconds: number };
  mode: number;
  uid: string;
  gid: string;
}

const S_IFMT = 0o170000;
const TYPE_CHARS: Record<number, string> = {
  0o100000: '-',
  0o040000: 'd',
  0o020000: 'c',
  0o060000: 'b',
  0o010000: 'p',
  0o120000: 'l',
  0o140000: 's',
};

/** `ls -l` style mode string, e.g. `-rw-r--r--` (Mesos: type char + 9 permission chars, no setuid letters). */
export function modeString(mode: number): string {
  const type = TYPE_CHARS[mode & S_IFMT] ?? '-';
  const bits = 'rwxrwxrwx';
  let out = type;
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

/** Classic entry; `mtime` in whole seconds as Mesos (it stores `st_mtime` seconds). */
export function classicFileInfo(path: string, stat: StatFields, owner: OwnerNames): ClassicFileInfo {
  return {
    path,
    nlink: stat.nlink,
    size: stat.size,
    mtime: Math.floor(stat.mtimeMs / 1000),
    mode: modeString(stat.mode),
    uid: owner.user,
    gid: owner.group,
  };
}

/** v1 entry; `mtime` as whole seconds in nanoseconds, as Mesos's `createFileInfo`. */
export function v1FileInfo(path: string, stat: StatFields, owner: OwnerNames): V1FileInfo {
  return {
    path,
    nlink: stat.nlink,
    size: stat.size,
    mtime: { nanoseconds: Math.floor(stat.mtimeMs / 1000) * 1e9 },
    mode: stat.mode,
    uid: owner.user,
    gid: owner.group,
  };
}

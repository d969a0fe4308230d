/**
 * Virtual paths of the files endpoints (Mesos `FilesProcess::resolve`, pure
 * part): which attached root a requested path falls under, and what is left
 * of it. No disk access here; `file-resolver.ts` does the realpath checks.
 *
 *   attached  "/tmp/w/slaves/S0/frameworks/F/executors/E/runs/C" → real dir
 *   request   "/tmp/w/slaves/S0/frameworks/F/executors/E/runs/C/sub/stdout"
 *   match     root = that attachment, suffix = ["sub", "stdout"]
 *
 * Matching is by whole path segments, longest attachment first, and literal:
 * `..` and `.` are never folded at the virtual level (a `..` may only move
 * inside the real root, which the resolver checks after symlinks).
 */

/** Virtual path → host path, as `Files::attach(path, virtualPath)` records them. */
export type Attachments = ReadonlyMap<string, string>;

/** Where a virtual path landed. */
export interface AttachmentMatch {
  /** The attached virtual path (normalized). */
  virtualRoot: string;
  /** The host path attached there (file or directory), as attached. */
  hostPath: string;
  /** Remaining segments below the root, literal (may hold `..` or `.`). */
  suffix: string[];
}

/** A `file://` URI prefix is accepted and dropped, as Mesos's `path::from_uri`. */
const FILE_URI = 'file://';

/**
 * Canonical spelling of a virtual path: `file://` dropped, repeated slashes
 * collapsed, trailing slashes removed (`/` stays `/`). Keeps `..` and `.`.
 * Mirrors the prefix handling of Mesos `FilesProcess::attach/resolve`.
 */
export function normalizeVirtualPath(path: string): string {
  let p = path.startsWith(FILE_URI) ? path.slice(FILE_URI.length) : path;
  const absolute = p.startsWith('/');
  const segments = p.split('/').filter((s) => s !== '');
  p = segments.join('/');
  return absolute ? `/${p}` : p;
}

/**
 * The attachment a virtual path falls under (longest matching prefix of whole
 * segments), or undefined when none does (the endpoints answer 404).
 */
export function matchAttachment(attachments: Attachments, requested: string): AttachmentMatch | undefined {
  const normalized = new Map<string, string>();
  for (const [virtualPath, hostPath] of attachments) normalized.set(normalizeVirtualPath(virtualPath), hostPath);
  const path = normalizeVirtualPath(requested);
  const absolute = path.startsWith('/');
  const segments = path.split('/').filter((s) => s !== '');
  for (let keep = segments.length; keep >= 0; keep--) {
    const prefix = (absolute ? '/' : '') + segments.slice(0, keep).join('/');
    const hostPath = normalized.get(prefix);
    if (hostPath !== undefined) return { virtualRoot: prefix, hostPath, suffix: segments.slice(keep) };
  }
  return undefined;
}

/** The virtual path of an entry listed under `dir` (Mesos: `path::join(requested, name)`). */
export function childVirtualPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

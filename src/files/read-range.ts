/**
 * The `offset`/`length` rules of `/files/read` and READ_FILE (Mesos
 * `FilesProcess::__read` and `_read`), pure: query strings in, a byte range or
 * a 400 message out.
 *
 * - `offset` absent or `-1`: a size probe — `{offset: <size>, data: ""}`.
 * - `length` absent or `-1`: to the end of the file.
 * - Every read is capped at 16 pages (Mesos: `os::pagesize() * 16`, 64 KiB on
 *   Linux); clients page through bigger files.
 * - `offset` at or past the end: no data, and the reply echoes the offset asked.
 */

/** Mesos reads at most 16 pages per call; 4 KiB pages as on Linux x86/arm64. */
export const READ_CAP_BYTES = 16 * 4096;

/** A parsed `/files/read` request: `offset === -1` is the size probe. */
export interface ReadRequest {
  offset: number;
  /** undefined = to the end of the file (before the cap). */
  length: number | undefined;
}

/** Result of parsing one query parameter. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Parses an integer the way Mesos's `numify` accepts them (optional sign,
 * decimal digits). Values beyond 2^53 are refused: no file is that big, and
 * echoing them back would lose digits.
 */
function parseInteger(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Parses `offset` and `length` query values (undefined = absent). Messages are
 * Mesos's, with its trailing newline: "Failed to parse offset: ...", "Negative
 * offset provided: -2.".
 */
export function parseReadRequest(offset: string | undefined, length: string | undefined): Parsed<ReadRequest> {
  let off = -1;
  if (offset !== undefined) {
    const value = parseInteger(offset);
    if (value === undefined) return { ok: false, message: `Failed to parse offset: Failed to convert '${offset}' to number.\n` };
    if (value < -1) return { ok: false, message: `Negative offset provided: ${value}.\n` };
    off = value;
  }
  let len: number | undefined;
  if (length !== undefined) {
    const value = parseInteger(length);
    if (value === undefined) return { ok: false, message: `Failed to parse length: Failed to convert '${length}' to number.\n` };
    if (value < -1) return { ok: false, message: `Negative length provided: ${value}.\n` };
    if (value > -1) len = value;
  }
  // The size probe reads nothing (Mesos sets length = 0 for offset -1).
  if (off === -1) return { ok: true, value: { offset: -1, length: 0 } };
  return { ok: true, value: { offset: off, length: len } };
}

/** Bytes to read: `count` bytes from `start` (count 0 = nothing). */
export interface ReadPlan {
  start: number;
  count: number;
}

/**
 * Which bytes of a file of `size` bytes a read returns (Mesos `_read`):
 * nothing at or past the end, the rest when `length` is undefined, never more
 * than `cap`. `offset` must be >= 0 here (the probe is handled by the caller).
 */
export function planRead(size: number, offset: number, length: number | undefined, cap = READ_CAP_BYTES): ReadPlan {
  if (offset >= size) return { start: offset, count: 0 };
  const rest = size - offset;
  const wanted = length === undefined ? rest : Math.min(length, rest);
  return { start: offset, count: Math.max(0, Math.min(wanted, cap)) };
}

/**
 * Length of `bytes` without a UTF-8 sequence cut at the end, so a page read
 * never ends in half a character (it would decode as U+FFFD). Only a trailing
 * incomplete sequence (at most 3 bytes) is dropped; invalid bytes elsewhere stay.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/**
 * The part of a sandbox file the viewer holds: a contiguous byte range
 * [start, end) kept as the chunks `/files/read` returned. Large files are
 * never loaded whole: the viewer opens on the last page, pages backwards on
 * demand, tails forwards, and drops chunks from the far end once it holds more
 * than `maxBytes`. Offsets are bytes (Mesos's `offset`/`length`); `data` is
 * text, so a chunk's byte length is its UTF-8 length. Pure.
 */

/** Bytes per `/files/read` call: Mesos caps a read at 16 pages of 4 KiB. */
export const PAGE_BYTES = 64 * 1024;
/** Default bound on what the viewer keeps in memory. */
export const MAX_WINDOW_BYTES = 1024 * 1024;

/** One answer of `/files/read`, with its byte length. */
export interface Chunk {
  offset: number;
  data: string;
  bytes: number;
}

/** The held range. `start === end` and no chunks before the first read. */
export interface FileWindow {
  start: number;
  end: number;
  chunks: Chunk[];
  /** True when chunks were dropped from the front (the window no longer starts where it did). */
  truncatedFront: boolean;
}

/** A `/files/read` request. */
export interface ReadRequest {
  offset: number;
  length: number;
}

const encoder = new TextEncoder();

/** UTF-8 length of `text` in bytes. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** An empty window positioned at `offset`. */
export function emptyWindow(offset = 0): FileWindow {
  return { start: offset, end: offset, chunks: [], truncatedFront: false };
}

/** The first read for a file of `size` bytes: its last page (or all of it if smaller). */
export function firstRead(size: number, page = PAGE_BYTES): ReadRequest {
  const offset = Math.max(0, size - page);
  return { offset, length: size - offset };
}

/** The next tail read: from the window's end, one page. */
export function tailRead(window: FileWindow, page = PAGE_BYTES): ReadRequest {
  return { offset: window.end, length: page };
}

/** The read for the page before the window, or undefined at the file's start. */
export function earlierRead(window: FileWindow, page = PAGE_BYTES): ReadRequest | undefined {
  if (window.start <= 0) return undefined;
  const offset = Math.max(0, window.start - page);
  return { offset, length: window.start - offset };
}

/**
 * The window with `data` read at `offset` appended; data that does not start
 * at the window's end is ignored (a stale answer after a file was reopened).
 * Drops whole chunks from the front while more than `maxBytes` are held.
 */
export function appendChunk(window: FileWindow, offset: number, data: string, maxBytes = MAX_WINDOW_BYTES): FileWindow {
  if (offset !== window.end || data === '') return window;
  const bytes = utf8Length(data);
  const chunks = [...window.chunks, { offset, data, bytes }];
  let start = window.start;
  let held = window.end + bytes - start;
  let truncatedFront = window.truncatedFront;
  while (held > maxBytes && chunks.length > 1) {
    const dropped = chunks.shift()!;
    start += dropped.bytes;
    held -= dropped.bytes;
    truncatedFront = true;
  }
  return { start, end: window.end + bytes, chunks, truncatedFront };
}

/**
 * The window with `data` read at `offset` prepended (paging back). Drops chunks
 * from the end when over `maxBytes`, so paging back through a huge file stays bounded.
 */
export function prependChunk(window: FileWindow, offset: number, data: string, maxBytes = MAX_WINDOW_BYTES): FileWindow {
  let bytes = utf8Length(data);
  // The master leaves a character cut at the page's end for the next read; paging
  // back there is none, so its 1–3 bytes are counted as read (and shown as nothing).
  const gap = window.start - (offset + bytes);
  if (gap > 0 && gap < 4) bytes += gap;
  if (bytes === 0 || offset + bytes !== window.start) return window;
  const chunks = [{ offset, data, bytes }, ...window.chunks];
  let end = window.end;
  while (end - offset > maxBytes && chunks.length > 1) {
    end -= chunks.pop()!.bytes;
  }
  return { start: offset, end, chunks, truncatedFront: window.truncatedFront };
}

/** The held text. */
export function windowText(window: FileWindow): string {
  return window.chunks.map((c) => c.data).join('');
}

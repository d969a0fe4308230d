/**
 * Reading a sandbox file through the agent's `/files/read` (reference §5.7):
 * `offset=-1` answers the file size; otherwise up to 64 KiB from `offset`
 * (`length=-1` = to EOF, capped by the agent). Offsets are bytes; `data` is
 * the file's bytes as a JSON string, so we advance by its UTF-8 length (a
 * multi-byte character split at a page edge may come out mangled; logs are
 * text and this is what the Mesos web UI's pailer does too).
 */
import { getJsonOrMissing, type Endpoint } from './http-json.js';
import type { FilesReadResult } from './classic-json.js';

/** Largest page we ask for; the agent caps reads at 16 pages of 4 KiB. */
export const PAGE_BYTES = 64 * 1024;

function readPath(path: string, offset: number, length: number): string {
  return `/files/read?path=${encodeURIComponent(path)}&offset=${offset}&length=${length}`;
}

/** Size in bytes of `path` on `agent`, or undefined when the file does not exist (404). Throws OperatorError. */
export async function fileSize(agent: Endpoint, path: string): Promise<number | undefined> {
  const result = await getJsonOrMissing<FilesReadResult>(agent, readPath(path, -1, -1));
  return result?.offset;
}

/** Up to `length` bytes (-1 = as much as the agent gives) from `offset`; '' at or past EOF; undefined when missing. */
export async function readAt(agent: Endpoint, path: string, offset: number, length = -1): Promise<string | undefined> {
  const result = await getJsonOrMissing<FilesReadResult>(agent, readPath(path, offset, length));
  return result?.data;
}

/**
 * Writes every byte of `path` from `offset` to the current end through
 * `write`, page by page. Resolves to the offset after the last byte written
 * (unchanged when there was nothing new or the file is missing). Throws OperatorError.
 */
export async function copyFrom(agent: Endpoint, path: string, offset: number, write: (text: string) => void): Promise<number> {
  let at = offset;
  for (;;) {
    const data = await readAt(agent, path, at, PAGE_BYTES);
    if (data === undefined || data === '') return at;
    write(data);
    at += Buffer.byteLength(data, 'utf8');
  }
}

/**
 * The last `lines` lines of `text` (a final newline does not start an empty
 * line), and whether `text` held enough lines to be sure the cut is right.
 * Pure.
 */
export function lastLines(text: string, lines: number): { text: string; complete: boolean } {
  if (lines <= 0) return { text: '', complete: true };
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  let cut = body.length;
  for (let seen = 0; seen < lines; seen++) {
    const nl = body.lastIndexOf('\n', cut - 1);
    if (nl < 0) return { text, complete: false };
    cut = nl;
  }
  return { text: text.slice(cut + 1), complete: true };
}

/**
 * The last `lines` lines of the first `size` bytes of `path`, reading
 * backwards a page at a time. Resolves to that text (start offset is
 * `size - byteLength(text)`). Throws OperatorError.
 */
export async function tailText(agent: Endpoint, path: string, size: number, lines: number): Promise<string> {
  let start = size;
  let text = '';
  while (start > 0) {
    const from = Math.max(0, start - PAGE_BYTES);
    const page = (await readAt(agent, path, from, start - from)) ?? '';
    text = page + text;
    start = from;
    const cut = lastLines(text, lines);
    if (cut.complete) return cut.text;
    if (page === '') break;
  }
  return lastLines(text, lines).text;
}

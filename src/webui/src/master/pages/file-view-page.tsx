/**
 * One sandbox file, e.g. a task's stdout: opens on its last page, tails new
 * output every second, pages back on demand, and never holds more than a
 * bounded window (lib/file-window.ts), so a multi-gigabyte log stays cheap.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNote, PageTitle } from '../../components/common.js';
import { formatBytes } from '../../lib/format.js';
import { getJson, query } from '../../lib/http.js';
import { href } from '../../lib/route.js';
import { appendChunk, earlierRead, emptyWindow, firstRead, prependChunk, tailRead, windowText, PAGE_BYTES, type FileWindow } from '../../lib/file-window.js';
import type { FileChunk } from '../state-types.js';
import { baseName, downloadUrl } from './browse-page.js';

const TAIL_PERIOD_MS = 1000;
/** Reads per tail tick at most, so a file growing fast cannot keep the page busy. */
const MAX_READS_PER_TICK = 8;

async function read(path: string, offset: number, length?: number): Promise<FileChunk> {
  return getJson<FileChunk>(`/files/read?${query({ path, offset, length })}`);
}

/** The file viewer. */
export function FileViewPage({ path }: { path: string }) {
  const [view, setView] = useState<FileWindow | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tailing, setTailing] = useState(true);
  const [size, setSize] = useState<number | undefined>(undefined);
  const current = useRef<FileWindow | undefined>(undefined);
  const pre = useRef<HTMLPreElement>(null);
  const stickToBottom = useRef(true);

  const commit = (next: FileWindow): void => {
    current.current = next;
    setView(next);
  };

  // Open: the file's size, then its last page.
  useEffect(() => {
    let cancelled = false;
    current.current = undefined;
    setView(undefined);
    setError(undefined);
    (async () => {
      const end = await read(path, -1);
      const first = firstRead(end.offset);
      const chunk = first.length > 0 ? await read(path, first.offset, first.length) : { offset: first.offset, data: '' };
      if (cancelled) return;
      setSize(end.offset);
      commit(appendChunk(emptyWindow(first.offset), chunk.offset, chunk.data));
    })().catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [path]);

  // Tail: read from the window's end until a short page, every second.
  useEffect(() => {
    if (!tailing || error) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      try {
        for (let i = 0; i < MAX_READS_PER_TICK && current.current && !cancelled; i++) {
          const request = tailRead(current.current);
          const chunk = await read(path, request.offset, request.length);
          if (cancelled || chunk.data === '') break;
          commit(appendChunk(current.current, chunk.offset, chunk.data));
          setSize((s) => Math.max(s ?? 0, current.current?.end ?? 0));
          if (chunk.data.length < PAGE_BYTES / 4) break;
        }
      } catch (e) {
        if (!cancelled) setError((e as Error).message);
      } finally {
        if (!cancelled) timer = setTimeout(() => void tick(), TAIL_PERIOD_MS);
      }
    };
    timer = setTimeout(() => void tick(), TAIL_PERIOD_MS);
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [path, tailing, error]);

  // Follow new output while the reader is at the bottom.
  useEffect(() => {
    const element = pre.current;
    if (element && tailing && stickToBottom.current) element.scrollTop = element.scrollHeight;
  }, [view, tailing]);

  const loadEarlier = async (): Promise<void> => {
    const held = current.current;
    const request = held && earlierRead(held);
    if (!held || !request) return;
    try {
      const chunk = await read(path, request.offset, request.length);
      if (current.current) commit(prependChunk(current.current, chunk.offset, chunk.data));
      stickToBottom.current = false;
      if (pre.current) pre.current.scrollTop = 0;
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const name = baseName(path);
  const directory = path.slice(0, path.length - name.length - 1) || '/';
  return (
    <>
      <PageTitle title={name}>
        <span class="muted mono">{path}</span>
      </PageTitle>
      <div class="toolbar">
        <a class="button" href={href('browse', { path: directory })}>
          ← Directory
        </a>
        <button type="button" onClick={() => void loadEarlier()} disabled={!view || view.start <= 0}>
          Load earlier
        </button>
        <label class="toggle">
          <input type="checkbox" checked={tailing} onChange={(e) => setTailing((e.target as HTMLInputElement).checked)} /> Live tail
        </label>
        <a class="button" href={downloadUrl(path)} download={name} data-testid="download">
          Download
        </a>
        {view && (
          <span class="muted" aria-live="off">
            bytes {view.start.toLocaleString()}–{view.end.toLocaleString()} of {formatBytes(Math.max(size ?? 0, view.end))}
            {view.start > 0 ? ' (earlier output not loaded)' : ''}
          </span>
        )}
      </div>
      {error && <ErrorNote>Cannot read {path}: {error}</ErrorNote>}
      {!view && !error && <p class="loading">Opening {name}…</p>}
      {view && (
        <pre
          class="file"
          ref={pre}
          tabIndex={0}
          aria-label={`Contents of ${name}`}
          data-testid="file-content"
          onScroll={(e) => {
            const el = e.currentTarget;
            stickToBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
          }}
        >
          {windowText(view) || <span class="muted">(empty so far)</span>}
        </pre>
      )}
    </>
  );
}

/**
 * A full garbage collection in another node process, through its inspector
 * (started with `--inspect=127.0.0.1:PORT`; Chrome DevTools Protocol
 * `HeapProfiler.collectGarbage`), so a bench can read a JavaScript process's
 * memory as what it holds rather than what its collector has not yet reclaimed.
 */
import { WebSocket } from 'undici';
import { getJson, rssKb, waitFor } from './bench-util.js';

/** Node's `--inspect` argument for a bench-owned inspector on loopback `port`. */
export function inspectArg(port: number): string {
  return `--inspect=127.0.0.1:${port}`;
}

/**
 * Runs a full (mark-compact) collection in the process whose inspector listens
 * on 127.0.0.1:`port`, and resolves when the collection is done. Throws when
 * the inspector does not answer within `timeoutMs` (default 60 s).
 */
export async function collectGarbage(port: number, timeoutMs = 60_000): Promise<void> {
  const targets = await getJson<Array<{ webSocketDebuggerUrl?: string }>>(`http://127.0.0.1:${port}/json/list`);
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on 127.0.0.1:${port}`);
  const socket = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector on 127.0.0.1:${port}: no answer in ${timeoutMs} ms`)), timeoutMs);
      socket.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new Error(`inspector on 127.0.0.1:${port}: connection failed`));
      });
      socket.addEventListener('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
      socket.addEventListener('message', (event) => {
        const answer = JSON.parse(String(event.data)) as { id?: number; error?: { message: string } };
        if (answer.id !== 1) return;
        clearTimeout(timer);
        if (answer.error) reject(new Error(`HeapProfiler.collectGarbage: ${answer.error.message}`));
        else resolve();
      });
    });
  } finally {
    socket.close();
  }
}

/**
 * VmRSS of `pid` (kB) after two full collections through its inspector on
 * `port`: sampled until it holds still (two readings 250 ms apart within
 * 0.5 %), since the collector's sweeping returns pages after the call answers.
 */
export async function collectedRssKb(pid: number, port: number): Promise<number> {
  // Twice: after one collection the per-task figure of identical runs spread over 1.30–2.16 kB,
  // after two over 1.38–1.86 kB in 6 runs (RSS still held pages the first one had just freed).
  await collectGarbage(port);
  await new Promise((r) => setTimeout(r, 250));
  await collectGarbage(port);
  let last = rssKb(pid);
  return waitFor(
    'RSS settled after full collections',
    async () => {
      await new Promise((r) => setTimeout(r, 250));
      const now = rssKb(pid);
      const settled = Math.abs(now - last) <= last * 0.005;
      last = now;
      return settled ? now : undefined;
    },
    10_000,
    0,
  ).catch(() => last);
}

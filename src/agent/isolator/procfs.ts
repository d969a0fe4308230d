/**
 * The little of Linux `/proc` the containerizer and the posix isolators need:
 * process identity (pid + start time, so a recycled pid is not mistaken for ours),
 * session membership (the task tree without cgroups), RSS and CPU times.
 *
 * Reads are synchronous on purpose: procfs is generated in memory and never waits
 * on a disk, and a direct read is ~10× cheaper than one through libuv's thread pool
 * — it matters when a destroy or usage scan walks every process on the host.
 */

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ; 100 on every Linux ABI Node runs on). */
export const CLOCK_TICKS_PER_SEC = 100;

/** The fields of `/proc/<pid>/stat` we use. Times are in clock ticks. */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  /** Start time after boot in ticks: with the pid, identifies a process across pid reuse. */
  startTicks: number;
}

/**
 * Parses the text of `/proc/<pid>/stat`. The command name sits in parentheses and may
 * itself contain spaces or parentheses, so fields are counted from the last `)`.
 * Returns undefined for text that does not look like a stat line.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // After ")": state(3) ppid(4) pgrp(5) session(6) ... utime(14) stime(15) cutime(16) cstime(17) ... starttime(22)
  const f = text.slice(close + 2).trim().split(/\s+/);
  if (f.length < 20 || !Number.isFinite(pid)) return undefined;
  const n = (i: number): number => Number(f[i - 3]);
  return {
    pid,
    state: f[0] ?? '?',
    ppid: n(4),
    pgrp: n(5),
    session: n(6),
    utime: n(14),
    stime: n(15),
    cutime: n(16),
    cstime: n(17),
    startTicks: n(22),
  };
}

/** `/proc/<pid>/stat` of a live (non-zombie) process, or undefined. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  return liveProcStat(pid);
}

/** readProcStat's work, without the promise (a walk of `/proc` reads thousands). */
function liveProcStat(pid: number | string): ProcStat | undefined {
  const text = readText(`/proc/${pid}/stat`);
  const stat = text === undefined ? undefined : parseProcStat(text);
  return stat && stat.state !== 'Z' && stat.state !== 'X' ? stat : undefined;
}

/** Whether `pid` is alive and, if `startTicks` is given, is still the same process. */
export async function isAlive(pid: number, startTicks?: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && (startTicks === undefined || stat.startTicks === startTicks);
}

/**
 * Live processes in session `sid` or process group `sid`: a task started by the
 * launcher leads its own session, and its descendants stay in it unless they call
 * setsid() themselves (those escape, as with Mesos's posix launcher).
 */
export async function sessionMembers(sid: number): Promise<ProcStat[]> {
  return [...(processTable().get(sid) ?? [])];
}

/**
 * How long one walk of `/proc` answers {@link sessionMembers}: at least
 * PROCESS_TABLE_MS, and 4 × what the walk took (from its start), so walking
 * takes at most about a quarter of the thread however many sessions are asked
 * for. A burst of kills (a Marathon app scaled from 1,000 instances to 0) asks
 * for every task's session within seconds, and a walk per task read every
 * process's stat each time: O(tasks × processes), ~1,000 × 2,000 reads of ~13 µs.
 *
 * An answer up to that old is safe for its callers: a session seen empty stays
 * empty (only its members can add to it); a member seen alive that has died
 * since is signalled in vain (ESRCH) and looked for again later.
 */
const PROCESS_TABLE_MS = 5;

let table: { readonly takenAt: number; readonly validMs: number; readonly members: Map<number, ProcStat[]> } | undefined;

/** Live processes by session id and by process group id (each process under both), from a walk as recent as PROCESS_TABLE_MS says. */
function processTable(): Map<number, ProcStat[]> {
  const startedAt = performance.now();
  if (table !== undefined && startedAt - table.takenAt <= table.validMs) return table.members;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    names = [];
  }
  const members = new Map<number, ProcStat[]>();
  const file = (id: number, stat: ProcStat): void => {
    const list = members.get(id);
    if (list) list.push(stat);
    else members.set(id, [stat]);
  };
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const stat = liveProcStat(name);
    if (!stat) continue;
    file(stat.session, stat);
    if (stat.pgrp !== stat.session) file(stat.pgrp, stat);
  }
  // Stamped with the walk's start: what it read is at least that old.
  table = { takenAt: startedAt, validMs: Math.max(PROCESS_TABLE_MS, 4 * (performance.now() - startedAt)), members };
  return members;
}

/** Parses `VmRSS:   1234 kB` from `/proc/<pid>/status` into bytes; undefined if absent. */
export function parseVmRssBytes(statusText: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Resident set size of `pid` in bytes (0 if it is gone). */
export async function vmRssBytes(pid: number): Promise<number> {
  return parseVmRssBytes(readText(`/proc/${pid}/status`) ?? '') ?? 0;
}

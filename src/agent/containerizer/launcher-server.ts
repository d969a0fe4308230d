/**
 * The agent's side of `meseta-launcher --serve`: one small fork server per
 * containerizer that starts every task's launcher. Forking the agent's own
 * Node.js process costs several milliseconds of its CPU per task (its page
 * tables are large); asking this process to fork costs a pipe write, and it
 * also tells us when each launcher exits, so no per-task pipes or child
 * handles are needed. The wire format is described in native/meseta-launcher.c.
 *
 * The server is started lazily, in its own process group, and restarted on the
 * next launch if it dies; launchers it started outlive it (and the agent), and
 * the containerizer falls back to polling for those whose exit it can no longer
 * hear about (`onLost`).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import { removeEmptyDirs, removeTree } from '../remove-tree.js';
import type { Readable, Writable } from 'node:stream';
import { corkUntilTurnEnd } from '../../transport/turn-cork.js';
import { launcherArgs, parseLauncherReport, parseStatusFile, type LauncherOutcome, type LauncherSpec } from './launcher.js';

/** A launcher the server started: its pid and the task's, with their start times when known. */
export interface ServedLaunch {
  launcherPid: number;
  pid: number;
  /** Clock ticks after boot (`/proc/<pid>/stat` field 22), as the launcher read them. */
  launcherStartTicks?: number;
  pidStartTicks?: number;
}

/** Told of a launcher's exit: its raw wait status, and its status file when the server read it. */
export type ExitListener = (status: number, outcome?: LauncherOutcome) => void;

/** One line the server wrote, parsed. */
export type ServerLine =
  | { kind: 'spawned'; id: number; launcherPid: number; report: string }
  /** `outcome`: the launcher's status file, as the server read it once the launcher exited. */
  | { kind: 'exited'; launcherPid: number; status: number; outcome?: LauncherOutcome }
  /** Answer to an `rmdir` or `rmtree` request: errno 0 = all removed. */
  | { kind: 'removed'; id: number; errno: number; reason: string };

/** Parses a server line; undefined for anything else. Pure. */
export function parseServerLine(line: string): ServerLine | undefined {
  const spawned = /^spawned (\d+) (\d+) (.*)$/.exec(line);
  if (spawned) return { kind: 'spawned', id: Number(spawned[1]), launcherPid: Number(spawned[2]), report: spawned[3]! };
  const exited = /^exited (\d+) (-?\d+)(?: (\S+))?$/.exec(line);
  if (exited) {
    const outcome = exited[3] === undefined ? undefined : parseStatusFile(`${exited[3].replaceAll(',', '\n')}\n`);
    const parsed: ServerLine = { kind: 'exited', launcherPid: Number(exited[1]), status: Number(exited[2]) };
    if (outcome) parsed.outcome = outcome;
    return parsed;
  }
  const removed = /^removed (\d+) (\d+) ?(.*)$/.exec(line);
  if (removed) return { kind: 'removed', id: Number(removed[1]), errno: Number(removed[2]), reason: removed[3]! };
  return undefined;
}

/**
 * Encodes one request: `<byte length>\n` then NUL-terminated fields
 * id, argc, args…, envc, `NAME=value`…. Pure.
 * @throws Error when an argument or variable holds a NUL byte (a C string cannot).
 */
export function encodeRequest(id: number, args: string[], env: Record<string, string>): Buffer {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const fields = [String(id), String(args.length), ...args, String(vars.length), ...vars];
  for (const f of fields) if (f.includes('\0')) throw new Error(`a NUL byte cannot be passed to a task: ${JSON.stringify(f.slice(0, 40))}`);
  const payload = Buffer.from(`${fields.join('\0')}\0`, 'utf8');
  return Buffer.concat([Buffer.from(`${payload.length}\n`), payload]);
}

/** What a removal request removes: empty directories only, or whole trees. */
export type RemovalKind = 'rmdir' | 'rmtree';

/** Encodes a removal request for `paths` (same framing as encodeRequest). Pure. @throws Error for a NUL in a path. */
export function encodeRemoval(id: number, paths: string[], kind: RemovalKind = 'rmdir'): Buffer {
  for (const d of paths) if (d.includes('\0')) throw new Error(`a NUL byte cannot be in a path: ${JSON.stringify(d.slice(0, 40))}`);
  const payload = Buffer.from(`${[String(id), kind, ...paths].join('\0')}\0`, 'utf8');
  return Buffer.concat([Buffer.from(`${payload.length}\n`), payload]);
}

/** The errno names by number (`16` → `EBUSY`), for errors the server reports. */
const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, num]) => [num, name]));

/** The server is gone (or closed) before it answered. */
class ServerGoneError extends Error {}

type Server = ChildProcessByStdio<Writable, Readable, null>;

/** Starts launchers through one `meseta-launcher --serve` process. */
export class LauncherServer {
  private server: Server | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(l: ServedLaunch): void; reject(e: Error): void }>();
  private readonly removals = new Map<number, { kind: RemovalKind; resolve(): void; reject(e: Error): void }>();
  /** Launchers started and not yet exited, with who wants to hear of the exit. */
  private readonly running = new Map<number, ExitListener | undefined>();
  /** Exits heard before anyone watched (the launch's caller had not got the pid yet). */
  private readonly early = new Map<number, { status: number; outcome: LauncherOutcome | undefined }>();
  private buffered = '';
  /** How many entries of `running` have a watcher. */
  private watched = 0;

  /**
   * @param launcherPath the built `meseta-launcher` binary.
   * @param onLost called with the launcher pids whose exit will not be reported
   *   because the server died (they run on; poll them).
   */
  constructor(
    private readonly launcherPath: string,
    private readonly onLost: (launcherPids: number[]) => void,
  ) {}

  /**
   * Starts a launcher for `spec` (its `launcherPath` is ignored: the server's is used).
   * @throws Error with the launcher's reason (`exec: No such file or directory`, …)
   *   or when the server cannot be started.
   */
  launch(spec: LauncherSpec): Promise<ServedLaunch> {
    const args = launcherArgs(spec);
    const id = this.nextId++;
    const request = encodeRequest(id, args, spec.env);
    const server = this.ensureServer();
    return new Promise<ServedLaunch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.updateRef();
      send(server, request);
    });
  }

  /**
   * Removes empty directories (a finished container's cgroups) in the server
   * process, in order; a missing one counts as removed. When the server cannot
   * be reached they are removed here instead.
   * @throws Error with `code` = the errno name (`EBUSY`: processes still in it)
   *   for the first directory that could not be removed.
   */
  removeDirs(dirs: string[]): Promise<void> {
    return this.remove('rmdir', dirs);
  }

  /**
   * Deletes whole trees (retired checkpoints) in the server process, symlinks
   * removed and never followed; like removeDirs otherwise.
   * @throws Error with `code` = the errno name for the first that could not be removed.
   */
  removeTrees(paths: string[]): Promise<void> {
    return this.remove('rmtree', paths);
  }

  private async remove(kind: RemovalKind, paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    const id = this.nextId++;
    try {
      const server = this.ensureServer();
      await new Promise<void>((resolve, reject) => {
        this.removals.set(id, { kind, resolve, reject });
        this.updateRef();
        send(server, encodeRemoval(id, paths, kind));
      });
    } catch (err) {
      if (!(err instanceof ServerGoneError)) throw err;
      if (kind === 'rmdir') removeEmptyDirs(paths);
      else paths.forEach(removeTree);
    }
  }

  /**
   * Calls `onExit` once the launcher `launcherPid` (from `launch`) exits — at
   * once if it already has — with its raw wait status (-1 when the exit will
   * not be heard of) and, when the server could read it, its status file.
   */
  watch(launcherPid: number, onExit: ExitListener): void {
    const exit = this.early.get(launcherPid);
    if (exit !== undefined) {
      this.early.delete(launcherPid);
      queueMicrotask(() => onExit(exit.status, exit.outcome));
      return;
    }
    if (!this.running.has(launcherPid)) {
      queueMicrotask(() => onExit(-1));
      return;
    }
    if (this.running.get(launcherPid) === undefined) this.watched++;
    this.running.set(launcherPid, onExit);
    this.updateRef();
  }

  /** Whether the exit of `launcherPid` will be reported (the server that started it is alive). */
  watching(launcherPid: number): boolean {
    return this.running.has(launcherPid) || this.early.has(launcherPid);
  }

  /** Ends the server's input: it exits, its launchers and their tasks run on. */
  close(): void {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.stdin.end();
    server.unref();
    server.stdout.destroy();
    this.forgetAll(new Error('the containerizer was closed'));
  }

  private ensureServer(): Server {
    if (this.server) return this.server;
    const server: Server = spawn(this.launcherPath, ['--serve'], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    this.server = server;
    // A turn's requests (an ACCEPT's launches, a batch of retired containers) leave in one write,
    // which wakes the server once, rather than a write and a wake-up each.
    corkUntilTurnEnd(server.stdin);
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (chunk: string) => this.onData(chunk));
    server.stdin.on('error', () => undefined); // EPIPE when it died: 'exit' handles that
    const gone = (reason: string): void => {
      if (this.server !== server) return;
      this.server = undefined;
      this.forgetAll(new Error(`the launcher server ${reason}`));
    };
    server.once('error', (e) => gone(`cannot start (${this.launcherPath}): ${e.message}`));
    server.once('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    return server;
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = parseServerLine(this.buffered.slice(0, nl));
      this.buffered = this.buffered.slice(nl + 1);
      if (line?.kind === 'spawned') this.onSpawned(line.id, line.launcherPid, line.report);
      else if (line?.kind === 'exited') this.onExited(line.launcherPid, line.status, line.outcome);
      else if (line?.kind === 'removed') this.onRemoved(line.id, line.errno, line.reason);
    }
    this.updateRef();
  }

  private onSpawned(id: number, launcherPid: number, reportText: string): void {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    const report = parseLauncherReport(reportText);
    if (report.ok && launcherPid > 0) this.running.set(launcherPid, undefined);
    if (!waiter) return;
    if (!report.ok) return waiter.reject(new Error(report.error));
    const { launcherStartTicks, pidStartTicks } = report;
    waiter.resolve({ launcherPid, pid: report.pid, launcherStartTicks, pidStartTicks });
  }

  private onRemoved(id: number, errno: number, reason: string): void {
    const waiter = this.removals.get(id);
    this.removals.delete(id);
    if (!waiter) return;
    if (errno === 0) return waiter.resolve();
    const err = new Error(`${waiter.kind}: ${reason}`) as NodeJS.ErrnoException;
    err.code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
    err.errno = errno;
    waiter.reject(err);
  }

  private onExited(launcherPid: number, status: number, outcome: LauncherOutcome | undefined): void {
    if (!this.running.has(launcherPid)) return; // a launcher whose start failed
    const onExit = this.running.get(launcherPid);
    this.running.delete(launcherPid);
    if (onExit) this.watched--;
    if (onExit) onExit(status, outcome);
    else this.early.set(launcherPid, { status, outcome });
  }

  private forgetAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    const gone = new ServerGoneError(error.message);
    for (const waiter of this.removals.values()) waiter.reject(gone);
    this.removals.clear();
    const lost = [...this.running.keys()];
    this.running.clear();
    this.watched = 0;
    this.buffered = '';
    if (lost.length > 0) this.onLost(lost);
  }

  /** The server keeps the agent's process alive only while it has launches or launchers to report on. */
  private updateRef(): void {
    const server = this.server;
    if (!server) return;
    const busy = this.pending.size > 0 || this.removals.size > 0 || this.watched > 0;
    const socket = server.stdout as Readable & { ref?: () => void; unref?: () => void };
    if (busy) {
      server.ref();
      socket.ref?.();
    } else {
      server.unref();
      socket.unref?.();
    }
  }
}

/** Writes one request; it leaves with the rest of the turn's (the stream holds its cork until the turn ends). */
function send(server: Server, request: Buffer): void {
  server.stdin.cork();
  server.stdin.write(request);
  server.stdin.uncork();
}

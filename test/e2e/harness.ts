/**
 * End-to-end test harness: starts real `bin/meseta` processes on 127.0.0.1 with
 * their own work directories, waits for conditions with a bound (never a
 * guessed sleep), and stops every process it started by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (dist/test/e2e/harness.js → three levels up). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const MESETA = join(ROOT, 'bin', 'meseta');

/**
 * Ports handed out below the kernel's ephemeral range (32768–60999 here) and
 * below the agents' default `ports:[31000-32000]`: a port found free with
 * `listen(0)` is an ephemeral one, and any outgoing connection of the test
 * (every fetch) may take it as its local port before the daemon binds it.
 */
const PORT_RANGE = { min: 20_000, max: 30_999 };
const handedOut = new Set<number>();

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** A port free on 127.0.0.1 right now, never handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_RANGE.min + Math.floor(Math.random() * (PORT_RANGE.max - PORT_RANGE.min + 1));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${PORT_RANGE.min}-${PORT_RANGE.max} after 200 tries`);
}

const dirs: string[] = [];
/** A fresh temporary directory, removed by `cleanupDirs`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `meseta-${prefix}-`));
  dirs.push(dir);
  return dir;
}
export function cleanupDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A running process with its captured output. */
export class Proc {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    // 'close', not 'exit': it comes after the process's output streams are drained, so a
    // test reading stdout/stderr once the process ended never sees them cut short.
    this.exited = new Promise((r) => this.child.on('close', (code, signal) => r({ code, signal })));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits until stdout+stderr match `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return waitFor(`output ${pattern} from pid ${this.pid}`, () => (this.stdout + this.stderr).match(pattern) ?? undefined, timeoutMs);
  }

  /** Sends `signal` to the pid and waits for exit; SIGKILL after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    try {
      process.kill(this.pid, signal);
    } catch {
      // exited between the check and the kill
    }
    const timer = setTimeout(() => {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** Waits for exit with a bound; kills the process if it does not exit in time. */
  async waitExit(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

const running = new Set<Proc>();
/** Stops every process still running (test teardown). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGTERM')));
}

/** Runs `bin/meseta <args>`. */
export function meseta(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return new Proc(process.execPath, [MESETA, ...args], env);
}

/** GETs JSON from a URL. */
export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** A `meseta local` cluster under test. */
export interface LocalCluster {
  proc: Proc;
  port: number;
  /** `127.0.0.1:<port>` */
  master: string;
  url: string;
  workDir: string;
  stop(): Promise<void>;
}

/** Starts `meseta local` on free ports and waits until all agents registered. */
export async function startLocal(options: { numAgents?: number; flags?: string[] } = {}): Promise<LocalCluster> {
  const numAgents = options.numAgents ?? 1;
  const port = await freePort();
  const agentPort = await freePort();
  const workDir = tempDir('local');
  // The built-in frameworks stay off unless a test asks for them (their fixed ports would clash).
  const services = ['marathon_port', 'chronos_port']
    .filter((name) => !(options.flags ?? []).some((f) => f.startsWith(`--${name}=`)))
    .map((name) => `--${name}=0`);
  const proc = meseta([
    'local',
    `--port=${port}`,
    `--agent_port=${agentPort}`,
    `--num_agents=${numAgents}`,
    `--work_dir=${workDir}`,
    `--runtime_dir=${join(workDir, 'run')}`,
    ...services,
    ...(options.flags ?? []),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${numAgents} agents registered`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`meseta local exited: ${proc.stderr}`);
    const state = await getJson<{ slaves: unknown[] }>(`${url}/master/state`);
    return state.slaves.length >= numAgents;
  });
  return { proc, port, master: `127.0.0.1:${port}`, url, workDir, stop: async () => void (await proc.stop()) };
}

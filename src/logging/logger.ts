/**
 * The daemons' logger: pino for levels and child loggers, glog-style lines
 * out (see `glog-format.ts`), like every Mesos binary.
 *
 * Mirrors Mesos's `logging::initialize` flags:
 * - `--logging_level` (`INFO` | `WARNING` | `ERROR`): lines below it are dropped
 *   everywhere.
 * - `--quiet`: nothing on stderr (files under `--log_dir` are still written).
 * - `--log_dir`: lines also go to
 *   `<log_dir>/<program>.<host>.<user>.log.INFO.<YYYYMMDD-HHMMSS>.<pid>`, with a
 *   `<log_dir>/<program>.INFO` symlink to it, as glog names them (we write one
 *   INFO file holding every severity; glog's separate `.WARNING`/`.ERROR`
 *   files are not produced).
 *
 * Every line is written synchronously (pino's sonic-boom in sync mode, which
 * also retries EAGAIN on non-blocking pipes), so a line logged just before
 * `process.exit` is never lost.
 */
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { symlinkSync, unlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pino, destination, type Logger as PinoLogger, type DestinationStream } from 'pino';
import { formatGlogLine, type Severity, parseSeverity, loggingLevelError } from './glog-format.js';

/** A component logger. Messages are single human-readable strings, as Mesos logs them. */
export interface Logger {
  /** The component shown in the `file:line]` column (`master` → `master.ts:0]`). */
  readonly component: string;
  /** Path of the `--log_dir` file being written, if any. */
  readonly logFile: string | undefined;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /**
   * An `F` line. Unlike glog's LOG(FATAL) it does not abort: the caller
   * decides how to exit, after the line is safely written.
   */
  fatal(msg: string): void;
  /** A logger for another component sharing this one's outputs and level. */
  child(component: string): Logger;
}

/** Options mirroring the Mesos logging flags. */
export interface LoggerOptions {
  /** `--logging_level`: `INFO` (default), `WARNING` or `ERROR`. Throws `Error` with Mesos's text otherwise. */
  level?: string;
  /** `--quiet`: no stderr output. */
  quiet?: boolean;
  /** `--log_dir`: also write a glog-named file there (created if missing). */
  logDir?: string;
  /** Program name used in log file names (`mesos-master`); default `meseta`. */
  program?: string;
  /**
   * Receives each formatted line (with its trailing newline) instead of
   * stderr; for tests and for embedding. Still subject to `quiet`.
   */
  sink?: (line: string) => void;
}

const PINO_LEVEL: Record<Exclude<Severity, 'FATAL'>, string> = {
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
};

// pino's numeric levels → glog severities.
function severityOf(pinoLevel: number): Severity {
  if (pinoLevel >= 60) return 'FATAL';
  if (pinoLevel >= 50) return 'ERROR';
  if (pinoLevel >= 40) return 'WARNING';
  return 'INFO';
}

interface Record_ {
  level: number;
  time: number;
  component?: string;
  msg?: string;
}

// One sync destination per file, shared by every logger writing there
// (e.g. master and agents in `meseta local`).
const fileDestinations = new Map<string, DestinationStream>();
let stderrDestination: DestinationStream | undefined;

function stderrSink(): (line: string) => void {
  stderrDestination ??= destination({ dest: 2, sync: true });
  const d = stderrDestination;
  return (line) => d.write(line);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (common in containers).
    return 'unknown';
  }
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function openLogFile(logDir: string, program: string, now: Date): { path: string; write: (line: string) => void } {
  const stamp =
    `${now.getFullYear()}${pad2(now.getMonth() + 1)}${pad2(now.getDate())}-` +
    `${pad2(now.getHours())}${pad2(now.getMinutes())}${pad2(now.getSeconds())}`;
  const name = `${program}.${hostname()}.${safeUser()}.log.INFO.${stamp}.${process.pid}`;
  const path = join(logDir, name);
  let dest = fileDestinations.get(path);
  if (!dest) {
    dest = destination({ dest: path, sync: true, mkdir: true, append: true });
    fileDestinations.set(path, dest);
    dest.write(
      `Log file created at: ${now.getFullYear()}/${pad2(now.getMonth() + 1)}/${pad2(now.getDate())} ` +
        `${pad2(now.getHours())}:${pad2(now.getMinutes())}:${pad2(now.getSeconds())}\n` +
        `Running on machine: ${hostname()}\n` +
        `Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg\n`,
    );
    const link = join(logDir, `${program}.INFO`);
    try {
      unlinkSync(link);
    } catch {
      // No previous link.
    }
    try {
      symlinkSync(name, link);
    } catch {
      // A missing convenience link must not stop the daemon.
    }
  }
  const d = dest;
  return { path, write: (line) => d.write(line) };
}

class GlogLogger implements Logger {
  constructor(
    private readonly pinoLogger: PinoLogger,
    readonly component: string,
    readonly logFile: string | undefined,
  ) {}

  info(msg: string): void {
    this.pinoLogger.info(msg);
  }
  warn(msg: string): void {
    this.pinoLogger.warn(msg);
  }
  error(msg: string): void {
    this.pinoLogger.error(msg);
  }
  fatal(msg: string): void {
    this.pinoLogger.fatal(msg);
  }
  child(component: string): Logger {
    return new GlogLogger(this.pinoLogger.child({ component }), component, this.logFile);
  }
}

/**
 * Creates a logger for `component` with Mesos's logging flags applied.
 * Throws `Error` with Mesos's message if `opts.level` is not INFO, WARNING or ERROR.
 */
export function createLogger(component: string, opts: LoggerOptions = {}): Logger {
  const levelText = opts.level ?? 'INFO';
  const severity = parseSeverity(levelText);
  if (!severity) throw new Error(loggingLevelError(levelText));

  const outputs: Array<(line: string) => void> = [];
  if (!opts.quiet) outputs.push(opts.sink ?? stderrSink());
  let logFile: string | undefined;
  if (opts.logDir) {
    const file = openLogFile(opts.logDir, opts.program ?? 'meseta', new Date());
    logFile = file.path;
    outputs.push(file.write);
  }

  // pino hands us its JSON line synchronously; we re-render it as glog.
  const stream = {
    write(chunk: string): void {
      const rec = JSON.parse(chunk) as Record_;
      const line =
        formatGlogLine(severityOf(rec.level), rec.time, process.pid, rec.component ?? component, rec.msg ?? '') + '\n';
      for (const out of outputs) out(line);
    },
  };

  const base = pino(
    {
      level: outputs.length === 0 ? 'silent' : PINO_LEVEL[severity],
      base: { component },
      // Microsecond wall time: glog prints six fractional digits.
      timestamp: () => `,"time":${performance.timeOrigin + performance.now()}`,
    },
    stream,
  );
  return new GlogLogger(base, component, logFile);
}

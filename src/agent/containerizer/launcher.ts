/**
 * The agent's side of `native/meseta-launcher`: building its argv, reading its
 * one-line report and its status file (launcher-server.ts starts it), and decoding
 * the raw wait status it checkpoints into the messages Mesos's command executor
 * prints (`Command exited with status 1`, `Command terminated with signal Killed`).
 */
import { constants } from 'node:os';
import type { ContainerConfig } from './containerizer.js';
import type { CgroupFileWrite } from '../isolator/cgroup-limits.js';

/** Everything the launcher needs for one task. Paths are absolute. */
export interface LauncherSpec {
  /** Path of the built `meseta-launcher` binary. */
  launcherPath: string;
  sandbox: string;
  stdoutPath: string;
  stderrPath: string;
  /**
   * The container's checkpoint directory: the launcher creates it, writes
   * `config` (when given) to `config.json` there before anything else, and
   * `launcher.json` (the launcher's and the task's pids and start times, as
   * mesos-containerizer.ts reads them) once the task started.
   */
  checkpointDir: string;
  /** Text of `<checkpointDir>/config.json`. */
  config?: string;
  /** Where the launcher checkpoints the task's raw wait status (decimal text). */
  statusFile: string;
  /** cgroup directories the launcher creates if missing; the task joins each before exec. */
  cgroups: string[];
  /** Files (cgroup limits) the launcher writes, in order, once the cgroups exist. */
  cgroupWrites: CgroupFileWrite[];
  /**
   * A cgroup file with an `oom_kill N` line (IsolationLaunchInfo.oomCheck): the
   * launcher removes the cgroups itself at the end only when it reads 0 there.
   * Absent: no memory limitation to check.
   */
  oomCheck?: string;
  /**
   * The launcher creates `sandbox` (with its parents) before anything else and,
   * given `latestLink`, points that path at it (ContainerConfig.createSandbox).
   */
  makeSandbox?: { latestLink?: string };
  user?: string;
  command: ContainerConfig['command'];
  /** The task's entire environment. */
  env: Record<string, string>;
}

/** The launcher's argv (without the binary, and without `--report_fd`, which its server adds) for `spec`; pure. */
export function launcherArgs(spec: LauncherSpec): string[] {
  const args = [
    `--sandbox=${spec.sandbox}`,
    `--stdout=${spec.stdoutPath}`,
    `--stderr=${spec.stderrPath}`,
    `--checkpoint_dir=${spec.checkpointDir}`,
    ...(spec.config !== undefined ? [`--config=${spec.config}`] : []),
    `--status_file=${spec.statusFile}`,
    ...spec.cgroups.map((dir) => `--cgroup=${dir}`),
    ...spec.cgroupWrites.map(cgroupWriteArg),
  ];
  if (spec.oomCheck !== undefined) args.push(`--oom_check=${spec.oomCheck}`);
  if (spec.makeSandbox) {
    args.push('--make_sandbox');
    if (spec.makeSandbox.latestLink !== undefined) args.push(`--latest_link=${spec.makeSandbox.latestLink}`);
  }
  if (spec.user !== undefined && spec.user !== '') args.push(`--user=${spec.user}`);
  if (spec.command.shell) {
    args.push(`--shell=${spec.command.value}`);
  } else {
    // Mesos CommandInfo: `value` is the program, `arguments` the whole argv (argv[0] included).
    const argv = spec.command.arguments.length > 0 ? spec.command.arguments : [spec.command.value];
    args.push(`--exec=${spec.command.value}`, '--', ...argv);
  }
  return args;
}

/**
 * `--cgroup_write=PATH=CONTENT`: the launcher splits at the last `=`, so a
 * path may hold one and the content may not.
 * @throws Error when the content holds `=` (no cgroup limit does).
 */
function cgroupWriteArg(w: CgroupFileWrite): string {
  if (w.content.includes('=')) throw new Error(`a cgroup write cannot contain '=': ${JSON.stringify(w.content)}`);
  return `--cgroup_write=${w.path}=${w.content}`;
}

/** What the launcher reported on its report fd. */
export type LauncherReport =
  | {
      ok: true;
      pid: number;
      /** Start times after boot in clock ticks (`/proc/<pid>/stat` field 22), when the launcher could read them. */
      launcherStartTicks?: number;
      pidStartTicks?: number;
    }
  | { ok: false; error: string };

/** Parses the launcher's report line; anything unexpected is an error report. */
export function parseLauncherReport(text: string): LauncherReport {
  const line = text.split('\n')[0] ?? '';
  const ok = /^ok (\d+)(?: (\d+) (\d+))?$/.exec(line);
  if (ok) {
    const ticks = (text: string | undefined): number | undefined => (text === undefined || text === '0' ? undefined : Number(text));
    const report: LauncherReport = { ok: true, pid: Number(ok[1]) };
    const launcherStartTicks = ticks(ok[2]);
    const pidStartTicks = ticks(ok[3]);
    if (launcherStartTicks !== undefined) report.launcherStartTicks = launcherStartTicks;
    if (pidStartTicks !== undefined) report.pidStartTicks = pidStartTicks;
    return report;
  }
  if (line.startsWith('error ')) return { ok: false, error: line.slice('error '.length) };
  return { ok: false, error: line === '' ? 'launcher exited without reporting' : `unexpected report '${line}'` };
}

/** What a launcher's status file says: the task's raw wait status, and what the launcher cleaned up. */
export interface LauncherOutcome {
  status: number;
  /**
   * The launcher SIGKILLed whatever the task left in its container (its
   * cgroups when it joined some, else its session) and saw it empty.
   */
  swept: boolean;
  /**
   * The launcher also removed the task's cgroups, having read no OOM kill in
   * its `oomCheck` file: the container has no limitation to report and
   * nothing left to kill or remove.
   */
  cgroupsRemoved: boolean;
}

/**
 * Parses the status file (`<raw wait status>\n`, then optionally `swept\n` and
 * `cgroups_removed\n`); undefined for anything else (a half-written or foreign
 * file). Pure.
 */
export function parseStatusFile(text: string): LauncherOutcome | undefined {
  const m = /^(\d+)\n(swept\n)?(cgroups_removed\n)?$/.exec(text) ?? /^(\d+)\s*$/.exec(text);
  return m ? { status: Number(m[1]), swept: m[2] !== undefined, cgroupsRemoved: m[3] !== undefined } : undefined;
}

/** A POSIX wait status taken apart. */
export type DecodedStatus = { exitCode: number } | { signal: number };

/** Decodes a raw wait status (`WIFEXITED`/`WEXITSTATUS`, `WIFSIGNALED`/`WTERMSIG`); pure. */
export function decodeWaitStatus(status: number): DecodedStatus {
  const sig = status & 0x7f;
  if (sig === 0) return { exitCode: (status >> 8) & 0xff };
  return { signal: sig };
}

/** Descriptions as glibc's strsignal() gives them for Linux signal names. */
const SIGNAL_DESCRIPTIONS: Record<string, string> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGSTKFLT: 'Stack fault',
  SIGCHLD: 'Child exited',
  SIGCONT: 'Continued',
  SIGSTOP: 'Stopped (signal)',
  SIGTSTP: 'Stopped',
  SIGTTIN: 'Stopped (tty input)',
  SIGTTOU: 'Stopped (tty output)',
  SIGURG: 'Urgent I/O condition',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired',
  SIGWINCH: 'Window changed',
  SIGIO: 'I/O possible',
  SIGPWR: 'Power failure',
  SIGSYS: 'Bad system call',
};

/** Name of signal number `sig` on this platform (`SIGKILL`), or `SIG<n>` if unknown. */
export function signalName(sig: number): string {
  for (const [name, num] of Object.entries(constants.signals)) {
    if (num === sig && name !== 'SIGIOT' && name !== 'SIGPOLL' && name !== 'SIGUNUSED') return name;
  }
  return `SIG${sig}`;
}

/** strsignal()-style description (`Killed` for SIGKILL), or `Unknown signal <n>`. */
export function signalDescription(sig: number): string {
  return SIGNAL_DESCRIPTIONS[signalName(sig)] ?? `Unknown signal ${sig}`;
}

/**
 * The command executor's message for a wait status:
 * `Command exited with status N` or `Command terminated with signal <Description>`.
 */
export function terminationMessage(status: number): string {
  const decoded = decodeWaitStatus(status);
  return 'exitCode' in decoded
    ? `Command exited with status ${decoded.exitCode}`
    : `Command terminated with signal ${signalDescription(decoded.signal)}`;
}

/**
 * glog line format, as every Mesos daemon writes to stderr and to its log files:
 *
 * ```
 * I1228 07:29:16.367847  2900 master.cpp:1276] Elected as the leading master!
 * ^^^^^ ^^^^^^^^^^^^^^^ ^^^^^ ^^^^^^^^^^^^^^^   ^ message
 * LMMDD HH:MM:SS.uuuuuu  tid  file:line]
 * ```
 *
 * Severity letter (I, W, E, F), month and day, local wall time with
 * microseconds, the thread id right-aligned in five columns (glog's
 * `setw(5)`; for us the process id, which is what Linux reports as the main
 * thread's id), then `file:line]`. We have no C++ source line, so the
 * location is the component name with a `.ts` suffix and line 0
 * (`master.ts:0]`): tools that split glog lines on `file:line]` keep working,
 * and the component still reads like the Mesos file it stands for.
 *
 * Pure: the time is a parameter.
 */

/** glog severities, in increasing order; Mesos's `--logging_level` takes the first three. */
export type Severity = 'INFO' | 'WARNING' | 'ERROR' | 'FATAL';

/** Severity → glog's one-letter prefix. */
export const SEVERITY_LETTER: Readonly<Record<Severity, string>> = {
  INFO: 'I',
  WARNING: 'W',
  ERROR: 'E',
  FATAL: 'F',
};

/** Severity → rank (INFO 0 … FATAL 3), for threshold comparisons. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  INFO: 0,
  WARNING: 1,
  ERROR: 2,
  FATAL: 3,
};

/**
 * Matches one formatted line. Groups: 1 severity letter, 2 MMDD,
 * 3 HH:MM:SS.uuuuuu, 4 thread/process id, 5 file, 6 line, 7 message.
 */
export const GLOG_LINE = /^([IWEF])(\d{4}) (\d{2}:\d{2}:\d{2}\.\d{6}) +(\d+) ([^\s:\]]+):(\d+)\] (.*)$/;

function pad(n: number, width: number, fill = '0'): string {
  return String(n).padStart(width, fill);
}

/** `master` → `master.ts`; a name that already has an extension is kept. */
export function sourceName(component: string): string {
  return component.includes('.') ? component : `${component}.ts`;
}

/**
 * Formats one glog line (no trailing newline).
 * - `epochMs`: wall time in milliseconds since the epoch, fractional part kept
 *   to microseconds (e.g. `performance.timeOrigin + performance.now()`); printed
 *   in the local time zone, as glog does.
 * - `tid`: the id shown in the thread column (we pass the pid).
 * - `component`: shown as `<component>.ts:0]` (see the module comment).
 * Multi-line messages are kept as they are: glog does not split them either.
 */
export function formatGlogLine(
  severity: Severity,
  epochMs: number,
  tid: number,
  component: string,
  message: string,
): string {
  // Round to whole microseconds first, so binary fractions (0.847 ms stored
  // as 0.84699…) do not lose a digit, then split date and sub-second part.
  const totalMicros = Math.round(epochMs * 1000);
  const d = new Date(Math.floor(totalMicros / 1000));
  const micros = ((totalMicros % 1_000_000) + 1_000_000) % 1_000_000;
  const head =
    SEVERITY_LETTER[severity] +
    pad(d.getMonth() + 1, 2) +
    pad(d.getDate(), 2) +
    ' ' +
    pad(d.getHours(), 2) +
    ':' +
    pad(d.getMinutes(), 2) +
    ':' +
    pad(d.getSeconds(), 2) +
    '.' +
    pad(micros, 6);
  return `${head} ${pad(tid, 5, ' ')} ${sourceName(component)}:0] ${message}`;
}

/**
 * Parses Mesos's `--logging_level` value (`INFO`, `WARNING`, `ERROR`,
 * case-sensitive as in Mesos). Returns undefined for anything else; callers
 * turn that into Mesos's error text (see `loggingLevelError`).
 */
export function parseSeverity(text: string): Exclude<Severity, 'FATAL'> | undefined {
  return text === 'INFO' || text === 'WARNING' || text === 'ERROR' ? text : undefined;
}

/** Mesos's message for a bad `--logging_level` (from `logging::initialize`). */
export function loggingLevelError(text: string): string {
  return (
    `'${text}' is not a valid logging level. Possible values for ` +
    `'logging_level' flag are: 'INFO', 'WARNING', 'ERROR'.`
  );
}

/**
 * Pieces shared by the flag sets: typed readers over `FlagValues` (so the
 * `parseXFlags` functions never cast) and the logging flags every Mesos
 * binary takes (`logging::Flags`).
 */
import { FlagError, type FlagDef, type FlagValues, type LoadFlagsOptions } from '../flags.js';
import { parseSeverity, loggingLevelError } from '../../logging/glog-format.js';
import { parseZooKeeperUrl, ZooKeeperUrlError, type ZooKeeperUrl } from '../../coordination/zookeeper/zk-url.js';

/** Options every `parseXFlags` accepts; passed to `loadFlags`. */
export type ParseOptions = Pick<LoadFlagsOptions, 'warn'>;

/** Fields every parsed flag set carries, as stout's `FlagsBase` does. */
export interface CommonFlags {
  /** `--help` was given; other fields may then be defaults or empty. */
  help: boolean;
  /** `--version` was given. */
  version: boolean;
  /** Warnings from loading (deprecated aliases), already reported via `warn`. */
  warnings: string[];
}

// A type mismatch here is a bug in a flag set, never user input.
function mismatch(name: string, want: string, got: unknown): Error {
  return new Error(`flag '${name}' holds ${typeof got}, expected ${want}`);
}

/** A string flag's value, or undefined. */
export function optString(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  if (v === undefined || typeof v === 'string') return v;
  throw mismatch(name, 'string', v);
}

/** A string flag that has a default or is required; `''` when absent (only possible under `--help`). */
export function getString(values: FlagValues, name: string): string {
  return optString(values, name) ?? '';
}

/** A numeric flag's value (int, number, duration in ms, bytes), or undefined. */
export function optNumber(values: FlagValues, name: string): number | undefined {
  const v = values[name];
  if (v === undefined || typeof v === 'number') return v;
  throw mismatch(name, 'number', v);
}

/** A numeric flag that has a default; 0 when absent. */
export function getNumber(values: FlagValues, name: string): number {
  return optNumber(values, name) ?? 0;
}

/** A boolean flag; false when absent. */
export function getBool(values: FlagValues, name: string): boolean {
  const v = values[name];
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  throw mismatch(name, 'boolean', v);
}

/** Splits a comma list (`docker,mesos`), dropping blanks. */
export function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Parses a JSON object flag whose values must all be strings
 * (`--executor_environment_variables`, `mesos-execute --env`). Throws
 * FlagError naming the flag.
 */
export function parseStringMap(name: string, text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new FlagError(`Failed to parse JSON for '--${name}': ${err instanceof Error ? err.message : String(err)}`, name);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FlagError(`'--${name}' must be a JSON object`, name);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new FlagError(`'--${name}' must only contain string values`, name);
    out[k] = v;
  }
  return out;
}

/** Mesos's common logging flags (`logging::Flags`). */
export const LOGGING_FLAGS: FlagDef[] = [
  {
    name: 'logging_level',
    type: 'string',
    help: "Log message at or above this level.\nPossible values: 'INFO', 'WARNING', 'ERROR'.\nIf '--quiet' is specified, this only affects the logs written to '--log_dir'.",
    default: 'INFO',
  },
  { name: 'log_dir', type: 'path', help: 'Location to put log files. By default, nothing is written to disk.' },
  { name: 'quiet', type: 'bool', help: 'Disable logging to stderr.', default: false },
  {
    name: 'external_log_file',
    type: 'path',
    help: 'Location of the externally managed log file, exposed in the web UI\nwhen --log_dir is not given.',
  },
  { name: 'logbufsecs', type: 'int', help: 'Maximum number of seconds that logs may be buffered for.\nAccepted for compatibility; we write every line at once.', default: 0 },
];

/** Logging flags, typed. */
export interface LoggingFlags {
  loggingLevel: 'INFO' | 'WARNING' | 'ERROR';
  logDir?: string;
  quiet: boolean;
  externalLogFile?: string;
}

/** Reads the logging flags; throws FlagError with Mesos's text for a bad level. */
export function readLoggingFlags(values: FlagValues): LoggingFlags {
  const text = getString(values, 'logging_level');
  const level = parseSeverity(text);
  if (!level) throw new FlagError(loggingLevelError(text), 'logging_level');
  return {
    loggingLevel: level,
    logDir: optString(values, 'log_dir'),
    quiet: getBool(values, 'quiet'),
    externalLogFile: optString(values, 'external_log_file'),
  };
}

/** `defs` minus the flags named in `names` (for composing flag sets, e.g. `meseta local`). */
export function withoutFlags(defs: FlagDef[], names: readonly string[]): FlagDef[] {
  return defs.filter((d) => !names.includes(d.name));
}

/**
 * A `zk://` URL flag value (Mesos form: `zk://[user:pass@]h1:2181,h2:2181/path`).
 * @throws FlagError `Failed to load flag '<flag>': <why>` for a malformed URL.
 */
export function zkUrl(text: string, flag: string): ZooKeeperUrl {
  try {
    return parseZooKeeperUrl(text);
  } catch (error) {
    if (error instanceof ZooKeeperUrlError) throw new FlagError(`Failed to load flag '${flag}': ${error.message}`, flag);
    throw error;
  }
}

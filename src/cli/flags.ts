/**
 * Mesos-style flag loading (stout's `FlagsBase::load`), shared by every
 * `meseta` subcommand.
 *
 * Rules, as Mesos applies them:
 * - `--foo_bar=VALUE`; names are lower-cased; anything after `--` is positional.
 * - Environment `MESOS_FOO_BAR` or `MESOS_foo_bar` (prefix configurable); the
 *   command line wins; unknown `MESOS_*` variables are ignored, unknown
 *   command-line flags are errors (`Failed to load unknown flag 'foo'`).
 * - Booleans: `--flag`, `--no-flag`, `--flag=true|false|1|0`.
 * - `file:///abs/path` (or `file://relative`) values are read from the file,
 *   except for `path` flags. We trim surrounding whitespace from file
 *   contents (Mesos does not, but every consumer of `--master`/`--zk`
 *   trims, and `echo 5050 > f` must give a valid port).
 * - Deprecated aliases load with a `Loaded deprecated flag 'x'` warning.
 * - Required flags missing → `Flag 'x' is required, but it was not provided`
 *   (not checked when `--help` or `--version` is given).
 *
 * Our additions: `--flag VALUE` (space form) for non-boolean flags, because
 * Marathon users write `--master zk://…`; `-h` as `--help`. A flag given both
 * on the command line and in the environment under different names (alias vs
 * name) takes the command-line value, where Mesos would refuse to start.
 *
 * The tokenizer is ours rather than commander's: none of the rules above
 * (underscore names, `--no-` on any boolean, env prefix, `file://`, stout's
 * messages) are commander's, and overriding them all costs more than this.
 */
import { readFileSync } from 'node:fs';
import { parseBytes, parseDuration } from '../mesos/durations.js';
import { formatGlogLine } from '../logging/glog-format.js';

/**
 * Value types. `duration` → milliseconds (`15secs` → 15000), `bytes` → bytes
 * (`2GB`), `int`/`number` → number, `bool` → boolean, `string`/`path` →
 * string. `path` values are never dereferenced as `file://`.
 */
export type FlagType = 'string' | 'int' | 'number' | 'bool' | 'duration' | 'bytes' | 'path';

/** One flag, as stout's `add(&Flags::x, "name", alias, "help", default)`. */
export interface FlagDef {
  /** Canonical snake_case name (`work_dir`). */
  name: string;
  type: FlagType;
  /** Help text; `\n` starts a continuation line in `--help`. */
  help: string;
  /**
   * Default, either typed (`5050`, `true`) or in Mesos text form (`'1secs'`,
   * `'2GB'`), which is parsed like a command-line value (no `file://`).
   */
  default?: string | number | boolean;
  /** Missing → FlagError. */
  required?: boolean;
  /** Deprecated names (`slave_ping_timeout`); loading one warns. */
  aliases?: string[];
}

/** Loaded values by canonical flag name; undefined = not given and no default. */
export type FlagValues = Record<string, string | number | boolean | undefined>;

/** A flag could not be loaded. `message` is one line, in stout's words. */
export class FlagError extends Error {
  readonly code = 'FLAG_INVALID';
  constructor(
    message: string,
    /** Canonical name of the offending flag, when there is one. */
    readonly flag?: string,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

/** Options of `loadFlags`. */
export interface LoadFlagsOptions {
  /** Environment prefix; default `MESOS_`. */
  envPrefix?: string;
  /** Accept non-flag arguments (returned in `positional`); otherwise they are errors. */
  allowPositional?: boolean;
  /**
   * Receives deprecation warnings (`Loaded deprecated flag 'x'`). Default:
   * a glog `W` line on stderr, as Mesos logs them.
   */
  warn?: (msg: string) => void;
}

/** Result of `loadFlags`. */
export interface LoadedFlags {
  values: FlagValues;
  positional: string[];
  /** `--help` / `-h` was given. */
  help: boolean;
  /** `--version` was given. */
  version: boolean;
  /** Warnings also passed to `warn`, in order. */
  warnings: string[];
  /** Where each loaded (non-default) value came from, by canonical name. */
  sources: Record<string, 'argv' | 'env'>;
}

interface Token {
  /** As written, lower-cased, possibly `no-` prefixed. */
  name: string;
  value: string | undefined;
}

function defaultWarn(msg: string): void {
  process.stderr.write(formatGlogLine('WARNING', Date.now(), process.pid, 'flags', msg) + '\n');
}

function indexDefs(defs: FlagDef[]): Map<string, FlagDef> {
  const index = new Map<string, FlagDef>();
  for (const def of defs) {
    for (const n of [def.name, ...(def.aliases ?? [])]) {
      // Bugs in a flag set, not user errors.
      if (index.has(n)) throw new Error(`Attempted to add duplicate flag '${n}'`);
      if (n.startsWith('no-')) throw new Error(`Attempted to add flag '${n}' that starts with the reserved 'no-' prefix`);
      index.set(n, def);
    }
  }
  return index;
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return err instanceof Error ? err.message : String(err);
}

const INT = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const CONVERT_FAILED = 'Failed to convert into required type';

/** Parses `text` as `type`; throws Error with stout's reason (no flag context). */
function parseAs(type: FlagType, text: string): string | number | boolean {
  switch (type) {
    case 'string':
    case 'path':
      return text;
    case 'bool':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new Error('Expecting a boolean (e.g., true or false)');
    case 'int': {
      const n = Number(text);
      if (!INT.test(text) || !Number.isSafeInteger(n)) throw new Error(CONVERT_FAILED);
      return n;
    }
    case 'number': {
      const n = Number(text);
      if (!NUMBER.test(text) || !Number.isFinite(n)) throw new Error(CONVERT_FAILED);
      return n;
    }
    case 'duration':
      return parseDuration(text);
    case 'bytes':
      return parseBytes(text);
  }
}

/** stout's `fetch`: dereference `file://` (except for paths), then parse. */
function fetchValue(def: FlagDef, raw: string): string | number | boolean {
  let text = raw;
  if (def.type !== 'path' && raw.startsWith('file://')) {
    const path = raw.slice('file://'.length);
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new Error(`Error reading file '${path}': ${describeFsError(err)}`);
    }
  }
  return parseAs(def.type, text);
}

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // Keep the error one line whatever the parser said.
  return msg.replace(/\s*\n\s*/g, ' ');
}

function tokenize(
  argv: string[],
  index: Map<string, FlagDef>,
  allowPositional: boolean,
): { tokens: Token[]; positional: string[]; help: boolean; version: boolean } {
  const tokens: Token[] = [];
  const positional: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = (argv[i] ?? '').trim();
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help' || arg === '--help=true') {
      help = true;
      continue;
    }
    if (arg === '--version' || arg === '--version=true') {
      version = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(argv[i] ?? '');
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq >= 0) {
      tokens.push({ name: arg.slice(2, eq).toLowerCase(), value: arg.slice(eq + 1) });
      continue;
    }
    const name = arg.slice(2).toLowerCase();
    const def = index.get(name);
    const next = argv[i + 1];
    // Space form: only for known non-boolean flags, so `--flag positional`
    // can never swallow an argument Mesos would have kept.
    if (def && def.type !== 'bool' && next !== undefined && !next.trim().startsWith('--')) {
      tokens.push({ name, value: next.trim() });
      i++;
      continue;
    }
    tokens.push({ name, value: undefined });
  }
  if (!allowPositional && positional.length > 0) {
    throw new FlagError(`Unexpected argument '${positional[0]}'`);
  }
  return { tokens, positional, help, version };
}

function envTokens(env: NodeJS.ProcessEnv, prefix: string, index: Map<string, FlagDef>): Token[] {
  const seen = new Set<string>();
  const tokens: Token[] = [];
  // Sorted so that MESOS_FOO vs MESOS_foo resolves the same way every run.
  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length).toLowerCase();
    const bare = name.startsWith('no-') ? name.slice(3) : name;
    if (!index.has(bare) || seen.has(name)) continue;
    seen.add(name);
    tokens.push({ name, value: env[key] ?? '' });
  }
  return tokens;
}

/**
 * Loads `defs` from `argv` (arguments after the subcommand, no program name)
 * and `env`. Returns values by canonical name, with defaults filled in.
 * Throws `FlagError` with stout's one-line message on any invalid input:
 * unknown flag, duplicate, missing value, wrong type, unreadable `file://`,
 * missing required flag, unexpected positional argument.
 */
export function loadFlags(
  defs: FlagDef[],
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  opts: LoadFlagsOptions = {},
): LoadedFlags {
  const index = indexDefs(defs);
  const warn = opts.warn ?? defaultWarn;
  const { tokens, positional, help, version } = tokenize(argv, index, opts.allowPositional ?? false);

  const values: FlagValues = {};
  // Canonical name → the name it was loaded under.
  const loadedVia = new Map<string, string>();
  const sources: Record<string, 'argv' | 'env'> = {};
  const warnings: string[] = [];

  const load = (token: Token, source: 'argv' | 'env'): void => {
    const negated = token.name.startsWith('no-');
    const flagName = negated ? token.name.slice(3) : token.name;
    const def = index.get(flagName);
    if (!def) {
      throw new FlagError(`Failed to load unknown flag '${flagName}'` + (negated ? ` via '${token.name}'` : ''));
    }
    if (source === 'env' && sources[def.name] === 'argv') return; // command line wins
    const previous = loadedVia.get(def.name);
    if (previous !== undefined) {
      throw new FlagError(`Flag '${flagName}' is already loaded via name '${previous}'`, def.name);
    }
    let text: string;
    if (def.type !== 'bool') {
      if (negated) throw new FlagError(`Failed to load non-boolean flag '${flagName}' via '${token.name}'`, def.name);
      if (token.value === undefined) {
        throw new FlagError(`Failed to load non-boolean flag '${flagName}': Missing value`, def.name);
      }
      text = token.value;
    } else if (token.value === undefined || token.value === '') {
      text = negated ? 'false' : 'true';
    } else if (!negated) {
      text = token.value;
    } else {
      throw new FlagError(
        `Failed to load boolean flag '${flagName}' via '${token.name}' with value '${token.value}'`,
        def.name,
      );
    }
    try {
      values[def.name] = fetchValue(def, text);
    } catch (err) {
      throw new FlagError(`Failed to load flag '${flagName}': Failed to load value '${text}': ${reason(err)}`, def.name);
    }
    loadedVia.set(def.name, flagName);
    sources[def.name] = source;
    if (flagName !== def.name) {
      const msg = `Loaded deprecated flag '${flagName}'`;
      warnings.push(msg);
      warn(msg);
    }
  };

  for (const t of tokens) load(t, 'argv');
  for (const t of envTokens(env, opts.envPrefix ?? 'MESOS_', index)) load(t, 'env');

  for (const def of defs) {
    if (loadedVia.has(def.name)) continue;
    if (def.required && !help && !version) {
      throw new FlagError(`Flag '${def.name}' is required, but it was not provided`, def.name);
    }
    if (def.default === undefined) {
      values[def.name] = undefined;
    } else if (typeof def.default === 'string') {
      values[def.name] = parseAs(def.type, def.default);
    } else {
      values[def.name] = def.default;
    }
  }
  return { values, positional, help, version, warnings, sources };
}

const BUILTIN_DEFS: FlagDef[] = [
  { name: 'help', type: 'bool', help: 'Prints this help message', default: false },
  { name: 'version', type: 'bool', help: 'Show version and exit.', default: false },
];

/**
 * `--help` text in stout's layout: `usage` (e.g. `Usage: meseta master
 * [options]`), a blank line, then one line per flag sorted by name,
 * `  --name=VALUE, --alias=VALUE` or `  --[no-]name`, help text aligned five
 * columns past the widest, `(default: x)` appended when there is a default.
 */
export function formatHelp(usage: string, defs: FlagDef[]): string {
  const PAD = 5;
  const all = [...defs, ...BUILTIN_DEFS.filter((b) => !defs.some((d) => d.name === b.name))].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const col1 = all.map((def) => {
    const names = [def.name, ...(def.aliases ?? [])];
    return '  ' + names.map((n) => (def.type === 'bool' ? `--[no-]${n}` : `--${n}=VALUE`)).join(', ');
  });
  const width = Math.max(0, ...col1.map((c) => c.length));
  let out = `${usage}\n\n`;
  all.forEach((def, i) => {
    let help = def.help;
    if (def.default !== undefined) {
      help += (help.length > 0 && !help.endsWith('\n') ? ' ' : '') + `(default: ${String(def.default)})`;
    }
    const [first = '', ...rest] = help.split(/\r?\n/);
    const c = col1[i] ?? '';
    out += c + ' '.repeat(PAD + width - c.length) + first + '\n';
    for (const line of rest) out += ' '.repeat(PAD + width) + line + '\n';
  });
  return out;
}

/**
 * Mesosphere-package configuration directories, as `mesos-init-wrapper` and
 * Marathon's packaged start script read them before exec'ing the daemon:
 *
 * - `/etc/mesos/zk`: the ZooKeeper URL; `--zk` for masters, `--master` for
 *   agents and Marathon.
 * - `/etc/mesos-master/<flag>`, `/etc/mesos-slave/<flag>` (and the newer
 *   `/etc/mesos-agent/<flag>`), `/etc/marathon/conf/<flag>`: one file per
 *   flag, its content the value (`$(cat f)`: trailing newlines dropped; we
 *   trim as `file://` values are trimmed). A file named `?flag` (or
 *   `?no-flag`) is the bare boolean `--flag` (`--no-flag`); an empty file for a
 *   boolean flag is `--flag` too.
 * - Agents: files under `attributes/` and `resources/` are `name:content`
 *   pairs joined by `;` into `--attributes` / `--resources` (empty files skipped).
 * - Dot files and other subdirectories are ignored, as the wrapper's `*` glob
 *   and `-f` test skip them; `logger`/`no-logger` is the wrapper's own switch.
 *
 * Precedence, as the packaged daemons behave: command line > environment
 * (`MESOS_*` / `MARATHON_*`) > these files > defaults. A flag given on the
 * command line or in the environment (under its name or an alias) drops the
 * file's value, so `loadFlags` never sees it twice.
 *
 * `configDirArgv` and `mergeConfigArgv` are pure; `readConfigTree` and
 * `applyConfigDirs` do the file reading. `--flags_dir=ROOT` or
 * `MESETA_CONFIG_ROOT=ROOT` replace `/` as the root holding `etc/…`; missing
 * directories contribute nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FlagError, type FlagDef } from './flags.js';

/** Which daemon's directories to read. */
export type ConfigDaemon = 'master' | 'agent' | 'marathon';

/** One directory entry: a file with its content, or a subdirectory with its entries. */
export interface ConfigEntry {
  name: string;
  /** File content (raw, as read); absent for a directory. */
  content?: string;
  /** Entries of a subdirectory (one level is enough: attributes/, resources/). */
  entries?: ConfigEntry[];
}

/** One configuration directory as read from disk. */
export interface ConfigDir {
  /** Absolute path, for error messages (`/etc/mesos-master`). */
  path: string;
  entries: ConfigEntry[];
}

/** What `readConfigTree` found for one daemon; later `dirs` override earlier ones. */
export interface ConfigTree {
  /** Content of `etc/mesos/zk`, when present. */
  zk?: { path: string; content: string };
  dirs: ConfigDir[];
}

/** One flag taken from the configuration files. */
export interface ConfigFlag {
  /** Flag name as written in the file name (`switch_user`, `no-switch_user`). */
  name: string;
  /** Value; undefined for a bare boolean (`?flag`, or an empty boolean file). */
  value: string | undefined;
  /** File (or directory) it came from, for messages. */
  file: string;
}

/** The `--flags_dir` flag every daemon command accepts (help text only; stripped before loading). */
export const FLAGS_DIR_FLAG: FlagDef = {
  name: 'flags_dir',
  type: 'path',
  help:
    'Root holding Mesosphere-style configuration directories (etc/mesos/zk,\n' +
    'etc/mesos-master/<flag>, etc/mesos-slave/<flag>, etc/marathon/conf/<flag>);\n' +
    'also MESETA_CONFIG_ROOT. Command line and environment override them.',
  default: '/',
};

/** Environment variable naming the configuration root, as `--flags_dir`. */
export const CONFIG_ROOT_ENV = 'MESETA_CONFIG_ROOT';

/** Directories read for each daemon, relative to the root, in increasing precedence. */
export const CONFIG_DIRS: Record<ConfigDaemon, string[]> = {
  master: ['etc/mesos-master'],
  agent: ['etc/mesos-slave', 'etc/mesos-agent'],
  marathon: ['etc/marathon/conf'],
};

/** The flag `/etc/mesos/zk` supplies for each daemon. */
const ZK_FLAG: Record<ConfigDaemon, string> = { master: 'zk', agent: 'master', marathon: 'master' };

// Wrapper-only switch (`?no-logger` sends output to the terminal, not syslog).
const WRAPPER_ONLY = new Set(['logger', 'no-logger']);
const LIST_DIRS: Record<string, true> = { attributes: true, resources: true };

function indexDefs(defs: FlagDef[]): Map<string, FlagDef> {
  const index = new Map<string, FlagDef>();
  for (const def of defs) for (const n of [def.name, ...(def.aliases ?? [])]) index.set(n, def);
  return index;
}

function lookup(index: Map<string, FlagDef>, name: string): FlagDef | undefined {
  const lower = name.toLowerCase();
  return index.get(lower) ?? (lower.startsWith('no-') ? index.get(lower.slice(3)) : undefined);
}

/**
 * Turns the configuration files of one daemon into flags. Pure.
 * `defs` are the daemon's flags (aliases included). Later files override
 * earlier ones for the same flag (per-daemon directory over `etc/mesos/zk`,
 * `mesos-agent` over `mesos-slave`).
 * Throws `FlagError` naming the file for: an unknown flag, `?flag` on a
 * non-boolean flag, or a flag given both as a file and as a directory.
 */
export function configDirFlags(daemon: ConfigDaemon, tree: ConfigTree, defs: FlagDef[]): ConfigFlag[] {
  const index = indexDefs(defs);
  // Canonical name → flag; Map keeps first-insertion order for a stable argv.
  const out = new Map<string, ConfigFlag>();
  if (tree.zk !== undefined && tree.zk.content.trim() !== '') {
    out.set(ZK_FLAG[daemon], { name: ZK_FLAG[daemon], value: tree.zk.content.trim(), file: tree.zk.path });
  }
  for (const dir of tree.dirs) {
    const seenHere = new Map<string, string>();
    const entries = [...dir.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const file = join(dir.path, entry.name);
      let flag: ConfigFlag | undefined;
      if (entry.entries !== undefined) {
        if (daemon !== 'agent' || !LIST_DIRS[entry.name]) continue;
        const pairs = [...entry.entries]
          .filter((e) => e.content !== undefined && e.content.trim() !== '' && !e.name.startsWith('.'))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((e) => `${e.name}:${(e.content ?? '').trim()}`);
        if (pairs.length === 0) continue;
        flag = { name: entry.name, value: pairs.join(';'), file };
      } else {
        const bare = entry.name.startsWith('?');
        const name = bare ? entry.name.slice(1) : entry.name;
        if (WRAPPER_ONLY.has(name.toLowerCase())) continue;
        const def = lookup(index, name);
        if (!def) throw new FlagError(`Failed to load unknown flag '${name}' from configuration file '${file}'`);
        const value = (entry.content ?? '').trim();
        if (bare || (def.type === 'bool' && value === '')) {
          if (def.type !== 'bool') {
            throw new FlagError(`Failed to load non-boolean flag '${name}' from configuration file '${file}': Missing value`, def.name);
          }
          flag = { name, value: undefined, file };
        } else {
          flag = { name, value, file };
        }
      }
      const canonical = lookup(index, flag.name)?.name ?? flag.name;
      const earlier = seenHere.get(canonical);
      if (earlier !== undefined) {
        throw new FlagError(`Flag '${canonical}' is given twice in '${dir.path}': '${earlier}' and '${file}'`, canonical);
      }
      seenHere.set(canonical, file);
      out.delete(canonical);
      out.set(canonical, flag);
    }
  }
  return [...out.values()];
}

/** Canonical names of the flags `argv` gives (up to `--`), by name, alias or `--no-` form. */
function argvFlagNames(argv: string[], index: Map<string, FlagDef>): Set<string> {
  const names = new Set<string>();
  for (const raw of argv) {
    const arg = raw.trim();
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const def = lookup(index, arg.slice(2, eq >= 0 ? eq : undefined));
    if (def) names.add(def.name);
  }
  return names;
}

/** Canonical names of the flags `env` gives under `prefix`, as `loadFlags` reads them. */
function envFlagNames(env: NodeJS.ProcessEnv, prefix: string, index: Map<string, FlagDef>): Set<string> {
  const names = new Set<string>();
  for (const key of Object.keys(env)) {
    if (!key.startsWith(prefix)) continue;
    const def = lookup(index, key.slice(prefix.length));
    if (def) names.add(def.name);
  }
  return names;
}

/**
 * The argv to load: `argv` preceded by `--name=value` (or `--name`) for each
 * config flag that neither `argv` nor `env` (under `envPrefix`, e.g.
 * `MESOS_`) sets. Pure. The config entries go first so a `--` in `argv`
 * still ends the flags.
 */
export function mergeConfigArgv(
  flags: ConfigFlag[],
  defs: FlagDef[],
  argv: string[],
  env: NodeJS.ProcessEnv,
  envPrefix: string,
): string[] {
  const index = indexDefs(defs);
  const given = new Set([...argvFlagNames(argv, index), ...envFlagNames(env, envPrefix, index)]);
  const extra: string[] = [];
  for (const f of flags) {
    const canonical = lookup(index, f.name)?.name ?? f.name;
    if (given.has(canonical)) continue;
    extra.push(f.value === undefined ? `--${f.name}` : `--${f.name}=${f.value}`);
  }
  return [...extra, ...argv];
}

/**
 * Splits `--flags_dir=ROOT` / `--flags_dir ROOT` out of `argv`. Pure.
 * Returns the root (`--flags_dir`, else `env.MESETA_CONFIG_ROOT`, else `/`)
 * and the remaining arguments. Throws `FlagError` when the value is missing.
 */
export function takeFlagsDir(argv: string[], env: NodeJS.ProcessEnv): { root: string; argv: string[] } {
  const rest: string[] = [];
  let root: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const trimmed = arg.trim();
    if (trimmed === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (trimmed.startsWith('--flags_dir=')) {
      root = trimmed.slice('--flags_dir='.length);
    } else if (trimmed === '--flags_dir') {
      const next = argv[i + 1];
      if (next === undefined || next.trim().startsWith('--')) {
        throw new FlagError("Failed to load non-boolean flag 'flags_dir': Missing value", 'flags_dir');
      }
      root = next.trim();
      i++;
    } else {
      rest.push(arg);
      continue;
    }
    if (root === '') throw new FlagError("Failed to load non-boolean flag 'flags_dir': Missing value", 'flags_dir');
  }
  const fromEnv = env[CONFIG_ROOT_ENV];
  return { root: root ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : '/'), argv: rest };
}

function readEntries(path: string, depth: number): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (stat === undefined) continue; // dangling symlink: the wrapper's -f skips it
    if (stat.isFile()) entries.push({ name, content: readFileSync(full, 'utf8') });
    else if (stat.isDirectory() && depth > 0) entries.push({ name, entries: readEntries(full, depth - 1) });
  }
  return entries;
}

function isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * Reads `ROOT/etc/mesos/zk` and the daemon's directories (`CONFIG_DIRS`).
 * Missing files and directories are skipped. Throws `FlagError` when one
 * exists but cannot be read (naming the path).
 */
export function readConfigTree(daemon: ConfigDaemon, root: string): ConfigTree {
  const tree: ConfigTree = { dirs: [] };
  const zkPath = join(root, 'etc', 'mesos', 'zk');
  try {
    if (statSync(zkPath, { throwIfNoEntry: false })?.isFile()) tree.zk = { path: zkPath, content: readFileSync(zkPath, 'utf8') };
    for (const rel of CONFIG_DIRS[daemon]) {
      const path = join(root, rel);
      if (isDir(path)) tree.dirs.push({ path, entries: readEntries(path, 1) });
    }
  } catch (err) {
    throw new FlagError(`Failed to read configuration under '${root}': ${err instanceof Error ? err.message : String(err)}`);
  }
  return tree;
}

/**
 * What the three daemon commands call before `loadFlags`: strips
 * `--flags_dir`, reads the root's configuration files for `daemon`, and
 * returns the argv to load with `defs` (config flags first, those the
 * command line or `env` set left out). `envPrefix`: `MESOS_` or `MARATHON_`.
 * Throws `FlagError` for unknown or unreadable files.
 */
export function applyConfigDirs(
  daemon: ConfigDaemon,
  defs: FlagDef[],
  argv: string[],
  env: NodeJS.ProcessEnv,
  envPrefix: string,
): string[] {
  const { root, argv: rest } = takeFlagsDir(argv, env);
  const flags = configDirFlags(daemon, readConfigTree(daemon, root), defs);
  return mergeConfigArgv(flags, defs, rest, env, envPrefix);
}

/**
 * `meseta local` / `mesos-local` flags: mirrors `src/local/flags.cpp`
 * (`--num_slaves` became `--num_agents`, the old name still loads) plus
 * every master flag and every agent flag that makes sense when both run in
 * one process. Address and directory flags are the local ones: the master
 * listens on `--ip:--port`, agent i on `--ip:(--agent_port + i)`, and
 * directories are derived from `--work_dir`:
 *
 * ```
 * <work_dir>/master            master registry (SQLite)
 * <work_dir>/agents/<i>        agent i's work_dir
 * <runtime_dir>/agents/<i>     agent i's runtime_dir
 * <work_dir>/marathon          Marathon's state (on --marathon_port, 0 = off)
 * <work_dir>/chronos           Chronos's state (on --chronos_port, 0 = off)
 * ```
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFlags, type FlagDef, type FlagValues } from '../flags.js';
import { MASTER_FLAGS, readMasterFlags, type MasterFlags } from './master.js';
import { AGENT_FLAGS, readAgentFlags, type AgentFlags } from './agent.js';
import { getNumber, getString, readLoggingFlags, type CommonFlags, type LoggingFlags, type ParseOptions } from './common.js';

/** Usage line for `--help`. */
export const LOCAL_USAGE = 'Usage: mesos-local [options]';

const LOCAL_ONLY: FlagDef[] = [
  { name: 'ip', type: 'string', help: 'IP address the master and agents listen on.', default: '127.0.0.1' },
  { name: 'port', type: 'int', help: 'Port the master listens on.', default: 5050 },
  { name: 'agent_port', type: 'int', help: 'Port of the first agent; agent i listens on agent_port + i.', default: 5051 },
  { name: 'num_agents', type: 'int', help: 'Number of agents to launch.', default: 1, aliases: ['num_slaves'] },
  { name: 'marathon_port', type: 'int', help: 'Port of the built-in Marathon-compatible service scheduler; 0 turns it off.', default: 8080 },
  { name: 'chronos_port', type: 'int', help: 'Port of the built-in Chronos-compatible job scheduler; 0 turns it off.', default: 4400 },
  { name: 'work_dir', type: 'path', help: 'Directory under which the master and each agent keep their state.', default: join(tmpdir(), 'mesos', 'local') },
];

// Flags whose per-daemon meaning is replaced by the local ones above.
const DERIVED = ['ip', 'port', 'work_dir', 'advertise_ip', 'advertise_port', 'master'];

function compose(): FlagDef[] {
  const out: FlagDef[] = [...LOCAL_ONLY];
  const names = new Set<string>();
  for (const d of LOCAL_ONLY) for (const n of [d.name, ...(d.aliases ?? [])]) names.add(n);
  for (const def of [...MASTER_FLAGS, ...AGENT_FLAGS]) {
    // Shared flags (hostname, logging…) are defined once, by the master set.
    if (DERIVED.includes(def.name) || names.has(def.name)) continue;
    out.push(def);
    for (const n of [def.name, ...(def.aliases ?? [])]) names.add(n);
  }
  return out;
}

/** Local-cluster flags: the local ones, then master, then agent flags (first definition of a name wins). */
export const LOCAL_FLAGS: FlagDef[] = compose();

/** Parsed `meseta local` flags. */
export interface LocalFlags extends CommonFlags, LoggingFlags {
  ip: string;
  port: number;
  agentPort: number;
  numAgents: number;
  workDir: string;
  /** Marathon's HTTP port; 0 = off. */
  marathonPort: number;
  /** Chronos's HTTP port; 0 = off. */
  chronosPort: number;
  /** The embedded master's flags (ip, port and work_dir filled in). */
  master: MasterFlags;
  /** One entry per agent, `master` pointing at the embedded master. */
  agents: AgentFlags[];
}

/**
 * Loads `meseta local` flags from `argv` and `env` (`MESOS_*`) and derives
 * the master's and each agent's flags. Throws FlagError.
 */
export function parseLocalFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): LocalFlags {
  const loaded = loadFlags(LOCAL_FLAGS, argv, env, opts);
  const v = loaded.values;
  const common: CommonFlags = { help: loaded.help, version: loaded.version, warnings: loaded.warnings };
  const ip = getString(v, 'ip');
  const port = getNumber(v, 'port');
  const agentPort = getNumber(v, 'agent_port');
  const numAgents = getNumber(v, 'num_agents');
  const workDir = getString(v, 'work_dir');

  const master = readMasterFlags({ ...v, ip, port, work_dir: join(workDir, 'master') }, common);
  const agents: AgentFlags[] = [];
  for (let i = 0; i < numAgents; i++) {
    const values: FlagValues = {
      ...v,
      master: `${ip}:${port}`,
      ip,
      port: agentPort + i,
      work_dir: join(workDir, 'agents', String(i)),
      runtime_dir: join(getString(v, 'runtime_dir'), 'agents', String(i)),
    };
    agents.push(readAgentFlags(values, common));
  }
  const marathonPort = getNumber(v, 'marathon_port');
  const chronosPort = getNumber(v, 'chronos_port');
  return { ...common, ...readLoggingFlags(v), ip, port, agentPort, numAgents, workDir, marathonPort, chronosPort, master, agents };
}
